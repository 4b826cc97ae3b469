"""app/caching.py on data built for each test (tests/test_caching.py crawls the demo): a signed-in user's
file, and results under embargo, which are never public and leave no trace in an ETag.

Apart from tests/test_caching.py because these use the per-test `app`, which on PostgreSQL empties the tables
that a module's `demo_app` holds open."""

from datetime import timedelta

from app.db import utcnow
from tests.auth.helpers import text
from tests.test_caching import _public, assert_not_kept


def test_signed_in_attachment_download_is_not_kept(app, client, db, make, auth):
    application = make.application(status="draft")
    user = make.applicant(organisation=application.organisation)
    attachment = make.attachment(application)
    db.session.commit()
    auth.login(user.email)

    response = client.get(f"/attachments/{attachment.id}", buffered=True)

    assert response.status_code == 200
    assert_not_kept("attachment", response)


def test_results_under_embargo_are_not_kept_and_have_no_etag(app, client, db, make):
    edition = make.edition(phase="deliberation", slug="dosta-2099")
    make.award(edition, citation_en="EMBARGOED CITATION")
    db.session.commit()

    answers = [client.get("/editions/dosta-2099/results"), client.get("/api/editions/dosta-2099/results")]

    for response in answers:
        assert response.status_code == 404
        assert _public(response) == {"no-store"}
        assert "ETag" not in response.headers
        assert "EMBARGOED" not in text(response)


def test_edition_page_etag_says_nothing_of_results_under_embargo(app, client, db, make):
    edition = make.edition(phase="deliberation", slug="dosta-2099")
    db.session.commit()
    before = client.get("/editions/dosta-2099")
    award = make.award(edition, citation_en="EMBARGOED CITATION")
    db.session.commit()
    during = client.get("/editions/dosta-2099")
    edition.results_published_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    after = client.get("/editions/dosta-2099")

    assert _public(during) == {"public", "max-age=60"}
    assert during.headers["ETag"] == before.headers["ETag"]
    assert "EMBARGOED" not in text(during)
    assert after.headers["ETag"] != during.headers["ETag"]
    assert award.organisation.name in text(after)
