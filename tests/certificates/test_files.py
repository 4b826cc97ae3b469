"""Certificate files: stored ones checked, new ones following the transaction (app/certificates/files.py),
on the local folders and on an S3 store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.certificates import files
from app.certificates.enums import CertificateKind, CertificateStatus
from app.certificates.files import CertificateFileProblem, checked_copy, file_problem, store_pdf, stored_pdf
from app.certificates.issue import issue_certificates
from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.certificates.queries import edition_certificates
from app.db import utcnow
from app.storage import transaction
from tests import stored
from tests.certificates.helpers import (
    build_published,
    certificate_files,
    recorded_files,
    stored_bytes,
)

pytestmark = pytest.mark.both_backends

# --- The stored file ----------------------------------------------------------------------------------------


def test_issue_certificates_stored_file_matches_its_record(issued):
    for key in ("obrnice", "heraklion", "kocaeli"):
        certificate = issued.certificate_of(key)

        assert sha256_hex(stored_bytes(certificate)) == certificate.sha256
        assert stored_pdf(certificate) == stored_bytes(certificate)


def test_stored_pdf_refuses_an_altered_file(issued, caplog):
    certificate = issued.certificate_of("obrnice")
    stored.write(files.AREA, certificate.file_name, stored_bytes(certificate) + b"%tampered")

    with pytest.raises(CertificateFileProblem) as problem:
        stored_pdf(certificate)

    assert problem.value.reason == "altered"
    assert "does not match the SHA-256 on record" in caplog.text
    assert file_problem(certificate) == "altered"


def test_stored_pdf_refuses_a_missing_file(issued):
    certificate = issued.certificate_of("obrnice")
    stored.delete(files.AREA, certificate.file_name)

    assert file_problem(certificate) == "missing"


@pytest.mark.parametrize("name", ["../outside.pdf", "/etc/passwd", ""])
def test_a_record_naming_a_file_outside_the_area_is_missing(issued, name):
    certificate = issued.certificate_of("obrnice")
    certificate.file_name = name

    assert file_problem(certificate) == "missing"


def test_checked_copy_is_the_stored_bytes_from_their_start(issued):
    certificate = issued.certificate_of("obrnice")

    with checked_copy(certificate) as copy:
        assert copy.read() == stored_bytes(certificate)


# --- A rendering's file follows the transaction -------------------------------------------------------------


def test_issue_certificates_files_are_rendered_by_jobs_after_the_commit(app, published, db):
    certificates = issue_certificates(published.edition)

    assert {c.status for c in certificates} == {CertificateStatus.PENDING}
    assert certificate_files() == []
    db.session.commit()  # the jobs run at once in the tests

    assert certificate_files() == recorded_files()
    for certificate in certificates:
        db.session.refresh(certificate)
        assert certificate.status == CertificateStatus.ISSUED
        assert certificate.file_name.startswith(f"{published.edition.slug}/{certificate.verification_code}-")
        assert certificate.sha256 == sha256_hex(stored_bytes(certificate))


def test_store_pdf_commit_points_the_record_at_the_new_file_and_deletes_the_old(issued, db):
    certificate = issued.certificate_of("obrnice")
    old = certificate.file_name

    store_pdf(certificate, b"%PDF-1.7 new")
    new = certificate.file_name
    assert new != old
    assert stored.read(files.AREA, new) == b"%PDF-1.7 new"  # written, but no committed record names it
    assert stored.read(files.AREA, old) != b""
    db.session.commit()

    assert db.session.get(Certificate, certificate.id).file_name == new
    assert old not in certificate_files()
    assert certificate_files() == recorded_files()


def test_store_pdf_rollback_deletes_the_new_file_and_keeps_the_old(issued, db):
    certificate = issued.certificate_of("obrnice")
    old, before = certificate.file_name, stored_bytes(certificate)
    store_pdf(certificate, b"%PDF-1.7 new")
    new = certificate.file_name

    db.session.rollback()

    assert db.session.get(Certificate, certificate.id).file_name == old
    assert stored.read(files.AREA, old) == before
    assert new not in certificate_files()
    assert certificate_files() == recorded_files()
    assert transaction.pending() == {"written": [], "doomed": []}


def test_store_pdf_failed_commit_deletes_the_new_file(issued, db):
    certificate = issued.certificate_of("obrnice")
    store_pdf(certificate, b"%PDF-1.7 new")
    db.session.add(
        Certificate(
            edition_id=issued.edition.id,
            organisation_id=issued.organisations["obrnice"].id,
            kind=CertificateKind.AWARD,  # a second award certificate: the unique constraint refuses it
            file_name="x.pdf",
            sha256="0" * 64,
        )
    )

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert certificate_files() == recorded_files()
    assert len(certificate_files()) == 3


def test_store_pdf_session_closed_without_commit_deletes_the_new_file(issued, db):
    certificate = issued.certificate_of("obrnice")
    store_pdf(certificate, b"%PDF-1.7 new")

    db.session.close()

    assert certificate_files() == recorded_files()


def test_store_pdf_savepoint_rolled_back_deletes_only_its_file(issued, db):
    kept, undone = issued.certificate_of("obrnice"), issued.certificate_of("heraklion")
    store_pdf(kept, b"%PDF-1.7 kept")
    with db.session.begin_nested() as savepoint:
        store_pdf(undone, b"%PDF-1.7 undone")
        undone_key = undone.file_name
        savepoint.rollback()
    db.session.commit()

    assert stored.read(files.AREA, db.session.get(Certificate, kept.id).file_name) == b"%PDF-1.7 kept"
    assert undone_key not in certificate_files()
    assert certificate_files() == recorded_files()


def test_store_pdf_savepoint_released_file_waits_for_the_outer_commit(issued, db):
    certificate = issued.certificate_of("obrnice")
    old = certificate.file_name
    with db.session.begin_nested():
        store_pdf(certificate, b"%PDF-1.7 new")

    assert old in certificate_files()  # the old file goes only with the outer commit
    db.session.commit()

    assert old not in certificate_files()
    assert certificate_files() == recorded_files()


def test_render_job_that_fails_after_storing_leaves_no_file(issued, db, monkeypatch):
    from app.certificates import jobs

    certificate = issued.certificate_of("obrnice")
    before = certificate_files()

    def store_then_fail(certificate, pdf):
        store_pdf(certificate, pdf)
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(jobs, "store_pdf", store_then_fail)
    jobs.queue_rendering([certificate])
    db.session.commit()

    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.FAILED
    assert certificate_files() == before


# --- With the publication, the caller the contract is written for -------------------------------------------


def test_publish_results_issues_real_certificates_whose_files_exist_after_its_commit(app, make, db):
    from app.results.publication import publish_results

    published = build_published(make, results_published_at=None)
    published.edition.judging_close_at = utcnow() - timedelta(days=1)
    db.session.commit()

    with app.test_request_context():
        result = publish_results(published.edition, language="en", participation=True)

    assert result.certificates == 4
    certificates = edition_certificates(published.edition)
    assert len(certificates) == 4
    assert all(file_problem(c) is None for c in certificates)
    assert certificate_files() == recorded_files()


def test_publish_results_whose_commit_fails_leaves_no_certificate_file(app, make, db):
    from app.results.publication import publish_results

    published = build_published(make, results_published_at=None)
    published.edition.judging_close_at = utcnow() - timedelta(days=1)
    db.session.commit()

    def refuse(session):
        raise RuntimeError("the database went away")

    session = db.session()
    event.listen(session, "before_commit", refuse)
    try:
        with app.test_request_context(), pytest.raises(RuntimeError, match="went away"):
            publish_results(published.edition, language="en", participation=True)
    finally:
        event.remove(session, "before_commit", refuse)

    assert certificate_files() == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
