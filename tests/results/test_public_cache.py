"""The public pages kept in the shared cache (app/caching.py `shared_page`, stamps from
app/results/queries.py): rendered once per language and state, never stale, never before publication, never
for a signed-in user."""

from datetime import timedelta

import pytest

from app import shared_cache
from app.certificates.enums import CertificateKind, CertificateStatus
from app.certificates.models import Certificate
from app.db import utcnow
from app.results import queries
from tests.conftest import counting_queries

RESULTS = "/editions/{slug}/results"
EDITION = "/editions/{slug}"
API = "/api/editions/{slug}/results"
EDITION_PAGES = [RESULTS, EDITION, API]


@pytest.fixture
def kept(monkeypatch):
    """Every (key, value) put into the shared cache during the test, in order."""
    puts = []
    original = shared_cache.cache.set

    def spy(key, value, *args, **kwargs):
        puts.append((key, value))
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(shared_cache.cache, "set", spy)
    return puts


def published(make, db, awards=1, **fields):
    edition = make.edition(phase="published", **fields)
    for place in range(1, awards + 1):
        make.award(edition, place=place, citation_en=f"Citation {place}", citation_fr=f"Mention {place}")
    db.session.commit()
    return edition


def certificate(db, edition, award, **fields) -> Certificate:
    item = Certificate(
        edition_id=edition.id,
        organisation_id=award.organisation_id,
        award_id=award.id,
        kind=CertificateKind.AWARD,
        file_name=f"certificate-{award.id}.pdf",
        **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def page(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), url
    return response


@pytest.mark.parametrize("url", EDITION_PAGES)
def test_published_page_is_rendered_once_and_served_to_every_visitor(app, db, make, kept, url):
    edition = published(make, db)
    address = url.format(slug=edition.slug)

    first = page(app.test_client(), address)
    second = page(app.test_client(), address)

    assert len([key for key, _ in kept if key.startswith("page:")]) == 1
    assert second.get_data() == first.get_data()
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Cache-Control"] == "public, max-age=60"
    assert set(second.headers["Vary"].replace(" ", "").split(",")) >= {"Accept-Language", "Cookie"}


@pytest.mark.parametrize("url", EDITION_PAGES)
def test_matching_etag_is_a_304_without_rendering(app, client, db, make, url):
    edition = published(make, db)
    address = url.format(slug=edition.slug)
    etag = page(client, address).headers["ETag"]

    with counting_queries(db) as statements:
        response = client.get(address, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "public, max-age=60"
    # The stamp's one query: nothing of the page itself.
    assert len(statements) == 1


def test_statements_of_a_kept_page_do_not_grow_with_the_laureates(app, client, db, make):
    small = published(make, db, awards=1)
    large = published(make, db, awards=12)
    counts = []
    for edition in (small, large):
        for url in EDITION_PAGES:
            page(client, url.format(slug=edition.slug))  # kept
            with counting_queries(db) as statements:
                page(client, url.format(slug=edition.slug))
            counts.append(len(statements))

    assert counts == [1] * 6


@pytest.mark.parametrize("url", EDITION_PAGES)
def test_changed_award_is_served_at_once(app, client, db, make, url):
    edition = published(make, db)
    address = url.format(slug=edition.slug)
    before = page(client, address)
    award = edition_awards(db, edition)[0]

    award.citation_en = "A new citation from the jury"
    db.session.commit()
    after = page(client, address, **{"If-None-Match": before.headers["ETag"]})

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert "A new citation from the jury" in after.get_data(as_text=True)


@pytest.mark.parametrize("url", EDITION_PAGES)
def test_renamed_laureate_is_served_at_once(app, client, db, make, url):
    edition = published(make, db)
    address = url.format(slug=edition.slug)
    page(client, address)

    edition_awards(db, edition)[0].organisation.name = "Renamed Municipality"
    db.session.commit()

    assert "Renamed Municipality" in page(client, address).get_data(as_text=True)


@pytest.mark.parametrize("url", [EDITION, RESULTS])
def test_changed_edition_text_is_served_at_once(app, client, db, make, url):
    edition = published(make, db)
    address = url.format(slug=edition.slug)
    page(client, address)

    edition.name_en = "The Renamed Edition"
    db.session.commit()

    assert "The Renamed Edition" in page(client, address).get_data(as_text=True)


def test_certificate_made_ready_after_publication_appears(app, client, db, make):
    edition = published(make, db)
    award = edition_awards(db, edition)[0]
    item = certificate(db, edition, award)
    address = RESULTS.format(slug=edition.slug)
    preparing = page(client, address).get_data(as_text=True)
    api_before = page(client, API.format(slug=edition.slug)).get_json()

    item.status = CertificateStatus.ISSUED
    item.sha256 = "0" * 64
    db.session.commit()
    ready = page(client, address).get_data(as_text=True)

    assert "The certificate is being prepared." in preparing
    assert f"/verify/{item.verification_code}" not in preparing
    assert "The certificate is being prepared." not in ready
    assert f"/verify/{item.verification_code}" in ready
    assert api_before["laureates"][0]["verification_url"].endswith(f"/verify/{item.verification_code}")


def test_revoked_certificate_disappears(app, client, db, make):
    edition = published(make, db)
    item = certificate(
        db, edition, edition_awards(db, edition)[0], status=CertificateStatus.ISSUED, sha256="0" * 64
    )
    address = RESULTS.format(slug=edition.slug)
    assert f"/verify/{item.verification_code}" in page(client, address).get_data(as_text=True)

    item.revoked_at = utcnow()
    db.session.commit()

    assert f"/verify/{item.verification_code}" not in page(client, address).get_data(as_text=True)


def test_french_and_english_are_kept_apart(app, client, db, make):
    edition = published(make, db)
    address = RESULTS.format(slug=edition.slug)

    english = page(client, address, **{"Accept-Language": "en"})
    french = page(client, address, **{"Accept-Language": "fr"})
    english_again = page(client, address, **{"Accept-Language": "en"})
    french_with_english_etag = page(
        client, address, **{"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    )

    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Citation 1" in english.get_data(as_text=True)
    assert '<html lang="fr">' in french.get_data(as_text=True)
    assert "Mention 1" in french.get_data(as_text=True)
    assert english_again.get_data() == english.get_data()
    assert french.headers["ETag"] != english.headers["ETag"]
    assert french_with_english_etag.status_code == 200
    assert french_with_english_etag.get_data() == french.get_data()


@pytest.mark.parametrize("phase", ["deliberation", "planned"])
def test_nothing_under_embargo_is_kept(app, client, db, make, kept, phase):
    planned = {"results_publish_at": utcnow() + timedelta(days=3)} if phase == "planned" else {}
    edition = make.edition(phase="deliberation", **planned)
    make.award(edition, citation_en="EMBARGOED CITATION")
    db.session.commit()

    for url in ["/", "/editions", "/api/editions", *(u.format(slug=edition.slug) for u in EDITION_PAGES)]:
        response = client.get(url)
        assert "EMBARGOED" not in response.get_data(as_text=True), url

    assert queries.edition_stamp(edition.slug) is None
    assert not [key for key, _ in kept if f":{edition.slug}:" in key]
    assert not [key for key, value in kept if "EMBARGOED" in repr(value)]


def test_publication_makes_the_laureates_appear_at_once(app, client, db, make):
    edition = make.edition(phase="deliberation")
    award = make.award(edition, citation_en="Now public")
    db.session.commit()
    address = EDITION.format(slug=edition.slug)
    assert "Now public" not in page(client, address).get_data(as_text=True)
    assert "Now public" not in page(client, "/editions").get_data(as_text=True)

    edition.results_published_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    assert "Now public" in page(client, address).get_data(as_text=True)
    assert award.organisation.name in page(client, "/editions").get_data(as_text=True)
    assert award.organisation.name in page(client, "/").get_data(as_text=True)


def test_signed_in_user_gets_their_own_page(app, client, db, make, auth, kept):
    edition = published(make, db)
    address = RESULTS.format(slug=edition.slug)
    public_body = page(app.test_client(), address).get_data(as_text=True)
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    response = page(client, address)

    assert "Log out" in response.get_data(as_text=True)
    assert "Log out" not in public_body
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "ETag" not in response.headers
    assert len([key for key, _ in kept if key.startswith("page:")]) == 1


def test_query_string_is_rendered_for_the_visitor(app, client, db, make, kept):
    edition = published(make, db)

    response = page(client, RESULTS.format(slug=edition.slug) + "?from=newsletter")

    assert "from%3Dnewsletter" in response.get_data(as_text=True) or "from=newsletter" in response.get_data(
        as_text=True
    )
    assert not [key for key, _ in kept if key.startswith("page:")]


def test_kept_page_names_the_public_address_not_the_host_header(app, client, db, make):
    edition = published(make, db)

    body = client.get(RESULTS.format(slug=edition.slug), headers={"Host": "evil.example"}).get_data(
        as_text=True
    )

    assert "evil.example" not in body
    assert app.config["PUBLIC_BASE_URL"].rstrip("/") + API.format(slug=edition.slug) in body


def test_home_stamp_follows_the_time_left_to_apply(app, db, make):
    edition = make.edition(phase="open")
    db.session.commit()
    close = edition.submissions_close_at

    with app.test_request_context():
        days_before = queries.editions_stamp(close - timedelta(days=3))
        later_same_day = queries.editions_stamp(close - timedelta(days=3, hours=2))
        hours_before = queries.editions_stamp(close - timedelta(hours=5))
        after = queries.editions_stamp(close + timedelta(minutes=1))

    assert days_before == later_same_day
    assert len({days_before, hours_before, after}) == 3


def edition_awards(db, edition):
    from app.ranking.awards import edition_awards as awards

    return awards(edition)


def test_visitor_with_a_message_waiting_is_shown_it(app, client, db, make, kept):
    edition = published(make, db)
    address = RESULTS.format(slug=edition.slug)
    page(app.test_client(), address)  # kept
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You have been signed out.")]

    first = page(client, address)
    then = page(client, address)

    assert "You have been signed out." in first.get_data(as_text=True)
    assert "You have been signed out." not in then.get_data(as_text=True)
    assert "no-store" in first.headers["Cache-Control"]
    assert len([key for key, _ in kept if key.startswith("page:")]) == 1


@pytest.mark.parametrize("url", ["/", "/editions"])
def test_home_and_archive_are_kept_and_answer_a_304(app, client, db, make, url):
    published(make, db)
    make.edition(phase="open")
    db.session.commit()
    first = page(client, url)

    with counting_queries(db) as statements:
        again = page(client, url, **{"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    # The editions with their criteria, and the public ones' laureates: nothing of the page itself.
    assert len(statements) == 2
