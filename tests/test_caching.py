"""app/caching.py: nothing a signed-in user is sent is kept; public pages are kept briefly, with an ETag, by
anyone; nothing under embargo and no visitor's form is public."""

import pytest
from sqlalchemy import select

from app.certificates.models import Certificate
from app.contests.models import Edition
from app.extensions import db
from tests.auth.helpers import text
from tests.conftest import AuthActions
from tests.crawl import FULL_EDITION, ROLES, crawl, log_in, start_urls

PUBLIC_PAGES = [
    "/",
    "/editions",
    f"/editions/{FULL_EDITION}",
    f"/editions/{FULL_EDITION}/results",
    "/api/editions",
    f"/api/editions/{FULL_EDITION}/results",
]


class Recording:
    """A test client that keeps every response it is given, for tests/crawl.py's crawl."""

    def __init__(self, client):
        self.client = client
        self.application = client.application
        self.responses = []

    def get(self, url, **kwargs):
        response = self.client.get(url, **kwargs)
        self.responses.append((url, response))
        return response


def assert_not_kept(url, response):
    directives = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives, f"{url}: Cache-Control {response.headers.get('Cache-Control')!r}"
    assert "public" not in directives, url
    assert "Cookie" in response.headers.get("Vary", ""), f"{url}: Vary {response.headers.get('Vary')!r}"


@pytest.mark.parametrize("role", [role for role, email in ROLES.items() if email])
def test_every_response_to_a_signed_in_user_is_not_kept(demo_app, role):
    client = Recording(demo_app.test_client())
    log_in(client.client, role)

    pages = crawl(client, start_urls(role))

    assert len(pages) >= 10
    for url, response in client.responses:
        assert_not_kept(url, response)


def test_signed_in_json_and_files_are_not_kept(demo_app):
    client = demo_app.test_client()
    log_in(client, "organiser")
    edition = demo_app.extensions["sqlalchemy"].session.scalar(
        select(Edition).where(Edition.slug == FULL_EDITION)
    )
    session = demo_app.extensions["sqlalchemy"].session
    code = session.scalar(select(Certificate.verification_code).where(Certificate.edition_id == edition.id))
    urls = [
        f"/manage/editions/{edition.id}/certificates/progress",  # JSON
        f"/certificates/{code}.pdf",
        f"/api/editions/{FULL_EDITION}/results",  # public, but not while signed in
        f"/verify/{code}",
        "/",
    ]

    for url in urls:
        response = client.get(url, buffered=True)
        assert response.status_code == 200, url
        assert_not_kept(url, response)
        assert "ETag" not in response.headers or url.endswith(".pdf"), url


def _public(response) -> set[str]:
    return {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}


@pytest.mark.parametrize("url", [*PUBLIC_PAGES, "verify"])
def test_public_pages_are_kept_briefly_with_an_etag_and_answer_304(demo_app, url):
    client = demo_app.test_client()
    if url == "verify":
        url = f"/verify/{db.session.scalar(select(Certificate.verification_code))}"

    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert _public(first) == {"public", "max-age=60"}
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first.headers["Vary"].split(",")}
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert _public(again) == {"public", "max-age=60"}


def test_public_page_etag_follows_the_language(demo_app):
    client = demo_app.test_client()

    english = client.get("/editions", headers={"Accept-Language": "en"})
    french = client.get("/editions", headers={"Accept-Language": "fr"})

    assert english.headers["ETag"] != french.headers["ETag"]
    stale = client.get(
        "/editions", headers={"Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
    )
    assert stale.status_code == 200


def test_max_age_is_the_configured_one(demo_app):
    demo_app.config["PUBLIC_CACHE_SECONDS"] = 17
    try:
        response = demo_app.test_client().get("/")
    finally:
        demo_app.config["PUBLIC_CACHE_SECONDS"] = 60

    assert _public(response) == {"public", "max-age=17"}


@pytest.mark.parametrize(
    "url", ["/login", "/register", "/password/forgot", "/confirm/resend", "/accessibility"]
)
def test_visitor_pages_other_than_the_public_ones_are_not_kept(demo_app, url):
    response = demo_app.test_client().get(url)

    assert response.status_code == 200
    assert _public(response) == {"no-store"}
    assert "ETag" not in response.headers


def test_a_page_showing_a_message_for_this_visitor_is_not_public(demo_app):
    client = demo_app.test_client()
    log_in(client, "applicant")
    AuthActions(client).logout()  # "You have been logged out." waits for the next page

    response = client.get("/")

    assert "You have been logged out." in text(response)
    assert _public(response) == {"no-store"}
    assert "ETag" not in response.headers
