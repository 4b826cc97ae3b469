"""The jury's pages and the awards page issue a number of SQL queries that does not grow with the number of
entries or jurors (3 entries × 2 jurors against 25 × 6), and cut their lists into pages."""

import pytest

from app.judging import dashboard as judging_dashboard
from app.judging import progress
from app.judging import queries as judging_queries
from tests.conftest import counting_queries

COUNTRIES = ("FR", "DE", "IT", "PL", "ES", "PT")


def build(make, db, entries: int, jurors: int = 2, phase: str = "judging"):
    """An edition, `jurors` jurors, `entries` eligible entries all assigned, sheets in every state, a
    recusal, a conflict of interest, one application awaiting screening."""
    edition = make.edition(phase=phase)
    organiser = make.organiser()
    people = [make.juror(country=COUNTRIES[n % len(COUNTRIES)]) for n in range(jurors)]
    for n, juror in enumerate(people):
        make.jury_member(edition, juror, is_chair=n == 0)
    first = None
    for n in range(entries):
        organisation = make.organisation(country=COUNTRIES[n % len(COUNTRIES)])
        application = make.application(edition_=edition, organisation_=organisation, status="eligible")
        make.attachment(application)
        for j, juror in enumerate(people):
            assignment = make.assignment(application, juror)
            first = first or assignment
            if (n + j) % 3 == 0:
                make.score_sheet(assignment)
            elif (n + j) % 3 == 1:
                make.score_sheet(assignment, [1, None, 2], status="draft")
    last = make.assignment(application, make.juror(country="AT"))  # not on the jury: never shown
    make.application(edition_=edition, status="submitted")
    db.session.commit()
    return edition, organiser, people, first, last


def queries(client, db, url: str) -> int:
    with counting_queries(db) as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def counts_at_two_sizes(app, make, db, auth, who, url, phase="judging") -> list[int]:
    counts = []
    for entries, jurors in ((3, 2), (25, 6)):
        edition, organiser, people, first, _ = build(make, db, entries, jurors, phase)
        client = app.test_client()
        auth.client = client
        auth.login((organiser if who == "organiser" else people[0]).email)
        address = url.format(edition=edition.id, first=first.id)
        queries(client, db, address)  # warm up: the first request loads the session
        counts.append(queries(client, db, address))
        db.session.expunge_all()
    return counts


@pytest.mark.parametrize("url", ["/jury", "/jury?page=2", "/jury/entries/{first}"])
def test_juror_pages_queries_do_not_grow_with_entries(app, make, db, auth, url):
    counts = counts_at_two_sizes(app, make, db, auth, "juror", url)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "page",
    [
        "screening",
        "screening?page=2",
        "jury",
        "assignments",
        "assignments?page=2",
        "progress",
        "progress?status=draft&q=project",
        "progress?status=short&page=2",
    ],
)
def test_organiser_pages_queries_do_not_grow_with_entries(app, make, db, auth, page):
    counts = counts_at_two_sizes(app, make, db, auth, "organiser", f"/manage/editions/{{edition}}/{page}")
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("page", ["awards", "awards?page=2"])
def test_awards_page_queries_do_not_grow_with_entries(app, make, db, auth, page):
    counts = counts_at_two_sizes(
        app, make, db, auth, "organiser", f"/manage/editions/{{edition}}/{page}", phase="deliberation"
    )
    assert counts[0] == counts[1], counts


# --- Pages ----------------------------------------------------------------------------------------------


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_progress_matrix_is_cut_into_pages_that_keep_the_filters(app, make, db, auth, monkeypatch):
    monkeypatch.setattr(progress, "ENTRIES_PER_PAGE", 2)
    edition, organiser, people, first, _ = build(make, db, 5, 2)
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/progress"

    html = html_of(auth.client, url)
    assert "5 entries shown. Entries 1 to 2." in html
    assert "-001</span>" in html and "-002</span>" in html and "-003</span>" not in html
    assert 'aria-current="page"><span class="page-link">Page 1 of 3</span>' in html
    assert f'href="/manage/editions/{edition.id}/progress?page=2">Next</a>' in html

    # Entries 2 and 5 have a draft from the first juror, 1 and 4 from the second, 3 none.
    html = html_of(auth.client, url + "?status=draft&page=2")
    assert "4 entries shown. Entries 3 to 4." in html
    assert "-004</span>" in html and "-005</span>" in html and "-003</span>" not in html
    assert "progress?status=draft&amp;page=1" in html
    assert '<option value="draft" selected>' in html


def test_progress_search_finds_an_entry_by_reference(app, make, db, auth):
    edition, organiser, people, first, _ = build(make, db, 12, 2)
    auth.login(organiser.email)
    reference = f"{edition.reference_prefix}-{edition.year}-011"

    html = html_of(auth.client, f"/manage/editions/{edition.id}/progress?q={reference}")

    assert "1 entry shown." in html and reference in html
    assert f"{edition.reference_prefix}-{edition.year}-010" not in html


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-3", "?status=nonsense", "?q=%25_%5C", "?q=a%00b", "?q=" + "x" * 500]
)
def test_progress_takes_any_filter_or_page_without_failing(app, make, db, auth, query):
    edition, organiser, *_ = build(make, db, 3, 2)
    auth.login(organiser.email)

    assert auth.client.get(f"/manage/editions/{edition.id}/progress{query}").status_code == 200


def test_page_past_the_last_is_refused(app, make, db, auth):
    edition, organiser, *_ = build(make, db, 3, 2)
    auth.login(organiser.email)

    assert auth.client.get(f"/manage/editions/{edition.id}/progress?page=100001").status_code == 404


def test_assignments_matrix_is_cut_into_pages(app, make, db, auth, monkeypatch):
    monkeypatch.setattr(progress, "ENTRIES_PER_PAGE", 2)
    edition, organiser, people, first, _ = build(make, db, 3, 2)
    auth.login(organiser.email)

    html = html_of(auth.client, f"/manage/editions/{edition.id}/assignments?page=2")

    assert 'id="entry-' in html and "-003</span>" in html and "-001</span>" not in html
    assert "Page 2 of 2" in html
    assert "6 assignments for 3 eligible entries and 2 jurors." in html


def test_screening_list_is_cut_into_pages(app, make, db, auth, monkeypatch):
    monkeypatch.setattr(judging_queries, "SCREENING_PER_PAGE", 2)
    edition, organiser, *_ = build(make, db, 3, 2)
    auth.login(organiser.email)

    html = html_of(auth.client, f"/manage/editions/{edition.id}/screening?page=2")

    assert "-003</span>" in html and "-004</span>" in html and "-001</span>" not in html
    assert "Page 2 of 2" in html


def test_juror_dashboard_counts_every_entry_and_shows_one_page(app, make, db, auth, monkeypatch):
    monkeypatch.setattr(judging_dashboard, "JUROR_ENTRIES_PER_PAGE", 2)
    edition, organiser, people, first, _ = build(make, db, 5, 2)
    auth.login(people[0].email)

    html = html_of(auth.client, "/jury")
    assert "2 of 5 submitted" in html  # entries 1 and 4 (n + j ≡ 0 mod 3)
    assert "3 sheets are still to be submitted." in html
    assert "Continue with " + f"{edition.reference_prefix}-{edition.year}-002" in html
    assert html.count('href="/jury/entries/') == 2 * 2 + 1  # two rows of two links, and "Continue"
    assert f'href="/jury?edition={edition.id}&amp;page=2">Next</a>' in html

    html = html_of(auth.client, f"/jury?page=3&edition={edition.id}")
    assert "-005" in html and "-004" not in html
    assert "Page 3 of 3" in html
