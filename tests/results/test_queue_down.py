"""Redis down in production: the pages still answer, publishing still publishes and says the certificates are
delayed, and nothing is lost: once the queue is back, the sweep hands every certificate to the workers."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import select

from app import jobs
from app.certificates.enums import CertificateStatus
from app.certificates.jobs import resume_certificates
from app.certificates.models import Certificate
from app.results.jobs import resume_follow_ups
from tests.results.test_publication import post_publish, publication_url, record_podium


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def app_settings():
    down = f"redis://127.0.0.1:{closed_port()}/0"
    return {
        "JOBS_EAGER": False,
        "JOBS_QUEUE_URL": down,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": down,
    }


def test_pages_answer_while_redis_is_down(client, auth, small):
    assert not jobs.queue_is_reachable()
    for url in ("/", "/login", "/verify", "/editions"):
        assert client.get(url).status_code == 200, url

    response = auth.login(small.organiser.email)  # a rate-limited form

    assert response.status_code == 302


def test_publication_while_redis_is_down_publishes_and_says_the_certificates_are_delayed(
    client, auth, small, app, db
):
    record_podium(small, app, db)
    auth.login(small.organiser.email)

    response = post_publish(auth, small)

    assert response.status_code == 302
    db.session.expire_all()
    assert small.edition.is_published
    assert db.session.scalars(select(Certificate)).all() == []  # the follow-up job waits
    page = client.get(publication_url(small)).get_data(as_text=True)
    assert "The job queue cannot be reached at the moment" in page
    assert "The results are published" in page

    # The queue is back (here: jobs run at once): the sweeps find the work no job holds.
    app.config["JOBS_EAGER"] = True
    jobs.init_app(app)
    assert resume_follow_ups() == 1
    assert resume_certificates() == 0  # rendered as soon as they were recorded

    db.session.expire_all()
    assert {c.status for c in db.session.scalars(select(Certificate))} == {CertificateStatus.ISSUED}
    assert "Certificates issued: 3 of 3." in client.get(publication_url(small)).get_data(as_text=True)
