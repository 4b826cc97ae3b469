"""The organiser's table of an edition's applications: filters, counts, a constant number of queries."""

import re

import pytest

from app.formatting import local_datetime
from tests.conftest import counting_queries


@pytest.fixture
def edition_with_applications(make, db):
    edition = make.edition(phase="judging", year=2013)
    obrnice = make.application(
        edition_=edition,
        organisation_=make.organisation(name="Obrnice", country="CZ"),
        status="eligible",
        title="Community life in Obrnice",
    )
    make.attachment(obrnice)
    make.attachment(obrnice)
    heraklion = make.application(
        edition_=edition,
        organisation_=make.organisation(name="Ηράκλειο", country="GR"),
        status="submitted",
        title="I am a Roma",
    )
    kocaeli = make.application(
        edition_=edition,
        organisation_=make.organisation(name="Kocaeli", country="TR", kind="region"),
        status="withdrawn",
        title="Roma violin orchestra",
    )
    make.application(
        edition_=edition,
        organisation_=make.organisation(name="Demo Municipality 4", country="CZ"),
        status="draft",
        title="",
    )
    other = make.edition(phase="open")
    make.application(edition_=other, title="Not in this edition")
    organiser = make.organiser()
    db.session.commit()
    return edition, (obrnice, heraklion, kocaeli), organiser


def _rows(page: str) -> list[list[str]]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([re.sub(r"<[^>]+>", "", cell).strip() for cell in cells])
    return rows


def test_list_breadcrumb_leads_back_to_the_edition(client, auth, edition_with_applications):
    edition, _, organiser = edition_with_applications
    auth.login(organiser.email)

    page = client.get(f"/manage/editions/{edition.id}/applications").get_data(as_text=True)

    trail = page.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    items = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip() for item in trail.split("</li>")[:-1]]
    assert items == ["Editions", edition.name, "Applications"]
    assert f'href="/manage/editions/{edition.id}">{edition.name}</a>' in trail


def test_list_shows_every_application_of_the_edition(client, auth, edition_with_applications):
    edition, (obrnice, heraklion, kocaeli), organiser = edition_with_applications
    auth.login(organiser.email)

    page = client.get(f"/manage/editions/{edition.id}/applications").get_data(as_text=True)

    assert _rows(page) == [
        [
            "DOSTA-2013-001",
            "Obrnice",
            "Czech Republic",
            "Community life in Obrnice",
            "Eligible",
            local_datetime(obrnice.submitted_at),
            "2",
        ],
        [
            "DOSTA-2013-002",
            "Ηράκλειο",
            "Greece",
            "I am a Roma",
            "Submitted",
            local_datetime(heraklion.submitted_at),
            "0",
        ],
        [
            "DOSTA-2013-003",
            "Kocaeli",
            "Türkiye",
            "Roma violin orchestra",
            "Withdrawn",
            local_datetime(kocaeli.submitted_at),
            "0",
        ],
        ["DOSTA-2013-004", "Demo Municipality 4", "Czech Republic", "(no title yet)", "Draft", "—", "0"],
    ]
    assert f'href="/applications/{obrnice.id}"' in page
    assert "Not in this edition" not in page


def test_list_filters_by_status_and_country(client, auth, edition_with_applications):
    edition, _applications, organiser = edition_with_applications
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/applications"

    by_country = _rows(client.get(f"{url}?country=cz").get_data(as_text=True))
    by_status = _rows(client.get(f"{url}?status=submitted").get_data(as_text=True))
    both = _rows(client.get(f"{url}?status=eligible&country=CZ").get_data(as_text=True))
    none = client.get(f"{url}?status=eligible&country=GR").get_data(as_text=True)

    assert [row[0] for row in by_country] == ["DOSTA-2013-001", "DOSTA-2013-004"]
    assert [row[0] for row in by_status] == ["DOSTA-2013-002"]
    assert [row[0] for row in both] == ["DOSTA-2013-001"]
    assert "No application matches these filters." in none


def test_list_unknown_filter_values_are_ignored_with_a_note(client, auth, edition_with_applications):
    edition, _applications, organiser = edition_with_applications
    auth.login(organiser.email)

    page = client.get(f"/manage/editions/{edition.id}/applications?status=bogus&country=<script>").get_data(
        as_text=True
    )

    assert "Unknown status “bogus” ignored." in page
    assert "Unknown country “&lt;SCRIPT&gt;” ignored." in page
    assert len(_rows(page)) == 4


def test_list_counts_applications_per_status(client, auth, edition_with_applications):
    edition, _applications, organiser = edition_with_applications
    auth.login(organiser.email)

    page = client.get(f"/manage/editions/{edition.id}/applications?status=draft").get_data(as_text=True)

    counts = re.findall(
        r'status=(\w+)[^"]*"[^>]*>\s*(\w+) <span class="badge text-bg-light">(\d+)</span>', page
    )
    assert counts == [
        ("draft", "Draft", "1"),
        ("submitted", "Submitted", "1"),
        ("withdrawn", "Withdrawn", "1"),
        ("eligible", "Eligible", "1"),
        ("ineligible", "Ineligible", "0"),
    ]
    assert "1 application shown." in page


def _queries_for(db, client, url: str) -> int:
    with counting_queries(db) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def test_list_query_count_does_not_grow_with_rows(client, auth, make, db):
    organiser = make.organiser()
    small, large = make.edition(phase="judging"), make.edition(phase="judging")
    for edition, size in ((small, 5), (large, 50)):
        for n in range(size):
            application = make.application(
                edition_=edition,
                organisation_=make.organisation(country=("CZ", "GR", "TR")[n % 3]),
                status="submitted",
            )
            make.attachment(application)
    db.session.commit()
    auth.login(organiser.email)

    at_5 = _queries_for(db, client, f"/manage/editions/{small.id}/applications")
    at_50 = _queries_for(db, client, f"/manage/editions/{large.id}/applications")

    assert at_5 == at_50


def test_dashboard_query_count_does_not_grow_with_applications(client, auth, make, db):
    few, many = make.organisation(), make.organisation()
    for organisation, size in ((few, 2), (many, 12)):
        for n in range(size):
            edition = make.edition(phase="published")
            application = make.application(edition_=edition, organisation_=organisation, status="eligible")
            make.award(edition, organisation, place=n % 3 + 1, application_id=application.id)
    make.edition(phase="open")
    first, second = make.applicant(organisation=few), make.applicant(organisation=many)
    db.session.commit()

    auth.login(first.email)
    at_2 = _queries_for(db, client, "/my")
    auth.logout()
    auth.login(second.email)
    at_12 = _queries_for(db, client, "/my")

    assert at_2 == at_12


def test_list_is_cut_into_pages_that_keep_the_filters(client, auth, make, db, monkeypatch):
    from app.submissions import services

    monkeypatch.setattr(services, "APPLICATIONS_PER_PAGE", 2)
    organiser = make.organiser()
    edition = make.edition(phase="judging")
    for n in range(5):
        make.application(
            edition_=edition, organisation_=make.organisation(country=("CZ", "GR")[n % 2]), status="submitted"
        )
    db.session.commit()
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/applications"

    page = client.get(url + "?country=CZ&page=2").get_data(as_text=True)

    assert "3 applications shown." in page
    assert "-005</a>" in page and "-001</a>" not in page and "-003</a>" not in page
    assert 'aria-current="page"><span class="page-link">Page 2 of 2</span>' in page
    assert f'href="{url}?country=CZ&amp;page=1">Previous</a>' in page
