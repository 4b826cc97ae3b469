"""The certificate jobs: one rendering per certificate after the commit, idempotent, failures kept with
their reason and retried on request, lost work found again by the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import jobs as queue
from app.certificates import jobs
from app.certificates.enums import CertificateStatus
from app.certificates.files import AREA, new_key
from app.certificates.issue import issue_certificates
from app.db import utcnow
from app.storage.sweep import sweep_stored_files
from tests import stored
from tests.certificates.helpers import certificate_files, stored_bytes


def refuse(*args, **kwargs):
    raise AssertionError("rendered again")


def test_a_second_job_for_an_issued_certificate_does_nothing(issued, monkeypatch):
    certificate = issued.certificate_of("obrnice")
    before = (stored_bytes(certificate), certificate.sha256, certificate.rendered_at)
    monkeypatch.setattr(jobs, "render_pdf", refuse)

    jobs.render_certificate(certificate.id)

    assert (stored_bytes(certificate), certificate.sha256, certificate.rendered_at) == before


def test_a_certificate_claimed_by_a_live_worker_is_left_to_it(published, db, monkeypatch):
    issue_certificates(published.edition)
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)  # nothing runs: the rows stay pending
    db.session.commit()
    certificate = published.certificate_of("obrnice")
    certificate.claimed_at = utcnow()
    db.session.commit()
    monkeypatch.setattr(jobs, "render_pdf", refuse)

    jobs.render_certificate(certificate.id)

    assert certificate.status == CertificateStatus.PENDING


def test_a_failed_rendering_keeps_its_reason_and_no_file_then_a_retry_issues_it(
    app, published, db, client, auth, monkeypatch
):
    def broken(content):
        raise RuntimeError("the font is gone")

    monkeypatch.setattr(jobs, "render_pdf", broken)
    issue_certificates(published.edition)
    db.session.commit()

    certificate = published.certificate_of("obrnice")
    assert certificate.status == CertificateStatus.FAILED
    assert certificate.failure == "RuntimeError: the font is gone"
    assert certificate.sha256 is None
    assert certificate_files(app) == []

    auth.login(published.organiser.email)
    page = client.get(f"/manage/editions/{published.edition.id}/certificates").get_data(as_text=True)
    assert "Certificates issued: 0 of 3. 3 failed." in page
    assert "RuntimeError: the font is gone" in page
    assert client.get(f"/certificates/{certificate.verification_code}.pdf").status_code == 503

    monkeypatch.undo()
    url = f"/manage/editions/{published.edition.id}/certificates"
    response = auth.post(f"{url}/retry", {}, form_url=url)

    assert response.status_code == 302
    db.session.expire_all()
    assert certificate.status == CertificateStatus.ISSUED
    assert certificate.failure is None
    assert certificate.file_name in certificate_files()


def test_the_sweep_queues_again_what_a_dead_worker_held_and_what_was_never_queued(
    app, published, db, monkeypatch
):
    queued = []
    monkeypatch.setattr(queue, "enqueue", lambda fn, *args: queued.append(args[0]))
    issue_certificates(published.edition)
    db.session.commit()  # the queue "was down": nothing rendered
    obrnice, heraklion, kocaeli = (
        published.certificate_of(key) for key in ("obrnice", "heraklion", "kocaeli")
    )
    obrnice.claimed_at = utcnow() - timedelta(seconds=app.config["CERTIFICATE_JOB_LEASE"] + 1)  # died
    heraklion.claimed_at = utcnow()  # still at work
    db.session.commit()
    queued.clear()

    monkeypatch.setattr(queue, "waiting_count", lambda: 5)  # jobs wait: kocaeli may be one of them
    assert jobs.resume_certificates() == 1
    assert queued == [obrnice.id]

    queued.clear()
    monkeypatch.setattr(queue, "waiting_count", lambda: 0)  # nothing waits: kocaeli was lost
    assert jobs.resume_certificates() == 2
    assert sorted(queued) == sorted([obrnice.id, kocaeli.id])

    queued.clear()
    monkeypatch.setattr(queue, "waiting_count", lambda: 5)
    assert jobs.resume_certificates(at_start=True) == 2  # a worker starts: a dead one may have taken it


def test_a_rendering_started_too_often_fails_instead_of_looping(published, db, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)
    issue_certificates(published.edition)
    db.session.commit()
    certificate = published.certificate_of("obrnice")
    certificate.attempts = jobs.MAX_ATTEMPTS
    db.session.commit()
    monkeypatch.setattr(jobs, "render_pdf", refuse)

    jobs.render_certificate(certificate.id)

    assert certificate.status == CertificateStatus.FAILED
    assert "3 times" in certificate.failure


@pytest.mark.both_backends
def test_what_a_worker_that_died_before_its_commit_stored_is_swept(app, published, db, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)
    issue_certificates(published.edition)
    db.session.commit()
    certificate = published.certificate_of("obrnice")
    orphan = new_key(certificate)  # stored by a worker that died before its commit: no record names it
    stored.write(AREA, orphan, b"%PDF-1.7 half")
    monkeypatch.undo()

    jobs.render_certificate(certificate.id)
    later = utcnow() + timedelta(hours=app.config["STORAGE_ORPHAN_HOURS"], minutes=1)
    removed = sweep_stored_files(now=later)

    assert removed == 1
    assert certificate_files() == [certificate.file_name]
    assert certificate.file_name != orphan


def test_progress_as_json_for_the_bar(client, auth, published, db, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)
    issue_certificates(published.edition)
    db.session.commit()
    monkeypatch.undo()
    jobs.render_certificate(published.certificate_of("obrnice").id)
    auth.login(published.organiser.email)

    state = client.get(f"/manage/editions/{published.edition.id}/certificates/progress").get_json()

    assert state == {
        "issued": 1,
        "pending": 2,
        "failed": 0,
        "total": 3,
        "done": False,
        "queue_ok": True,
        "text": "Certificates issued: 1 of 3. The others are being prepared.",
    }


@pytest.mark.parametrize("language, text", [("fr", "Certificats délivrés\u00a0: 1 sur 3.")])
def test_progress_text_in_french(client, auth, published, db, monkeypatch, language, text):
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)
    issue_certificates(published.edition)
    db.session.commit()
    monkeypatch.undo()
    jobs.render_certificate(published.certificate_of("obrnice").id)
    auth.login(published.organiser.email)
    client.set_cookie("lang", language)
    published.organiser.language = language
    db.session.commit()

    state = client.get(f"/manage/editions/{published.edition.id}/certificates/progress").get_json()

    assert state["text"].startswith(text)


def test_a_pending_certificate_is_announced_not_linked(client, auth, published, db, monkeypatch):
    monkeypatch.setattr(queue, "enqueue", lambda *args: None)
    issue_certificates(published.edition)
    db.session.commit()
    code = published.certificate_of("obrnice").verification_code
    auth.login(published.users["obrnice"].email)

    download = client.get(f"/certificates/{code}.pdf")
    results = client.get(f"/editions/{published.edition.slug}/results").get_data(as_text=True)

    assert download.status_code == 503
    assert download.headers["Retry-After"] == "30"
    assert "This certificate is being prepared" in download.get_data(as_text=True)
    assert f"/certificates/{code}.pdf" not in results
    assert "The certificate is being prepared." in results


def test_an_issue_reads_the_edition_design_once_whatever_the_number_of_certificates(published, db):
    from tests.conftest import counting_queries

    with counting_queries(db) as statements:
        certificates = issue_certificates(published.edition, participation=True)

    assert len(certificates) == 4
    assert sum("FROM certificate_designs" in statement for statement in statements) == 1
