"""Certificate files: stored ones checked, new ones following the transaction (app/certificates/files.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.certificates.enums import CertificateKind, CertificateStatus
from app.certificates.files import CertificateFileProblem, file_problem, path_of, pending_files, stored_pdf
from app.certificates.issue import issue_certificates
from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.certificates.queries import edition_certificates
from app.db import utcnow
from tests.certificates.helpers import (
    build_published,
    certificate_files,
    stored_bytes,
)

# --- The stored file ----------------------------------------------------------------------------------------


def test_issue_certificates_stored_file_matches_its_record(issued):
    for key in ("obrnice", "heraklion", "kocaeli"):
        certificate = issued.certificate_of(key)

        assert sha256_hex(stored_bytes(certificate)) == certificate.sha256
        assert stored_pdf(certificate) == stored_bytes(certificate)


def test_stored_pdf_refuses_an_altered_file(issued, caplog):
    certificate = issued.certificate_of("obrnice")
    path = path_of(certificate.file_name)
    path.write_bytes(path.read_bytes() + b"%tampered")

    with pytest.raises(CertificateFileProblem) as problem:
        stored_pdf(certificate)

    assert problem.value.reason == "altered"
    assert "does not match the SHA-256 on record" in caplog.text
    assert file_problem(certificate) == "altered"


def test_stored_pdf_refuses_a_missing_file(issued):
    certificate = issued.certificate_of("obrnice")
    path_of(certificate.file_name).unlink()

    assert file_problem(certificate) == "missing"


@pytest.mark.parametrize("name", ["../outside.pdf", "/etc/passwd", ""])
def test_path_of_refuses_names_outside_the_folder(app, name):
    with pytest.raises(ValueError):
        path_of(name)


# --- Files that follow the transaction ----------------------------------------------------------------------


def test_issue_certificates_files_are_rendered_by_jobs_after_the_commit(app, published, db):
    certificates = issue_certificates(published.edition)
    finals = [path_of(c.file_name) for c in certificates]

    assert not any(path.exists() for path in finals)
    assert {c.status for c in certificates} == {CertificateStatus.PENDING}
    assert pending_files() == {}
    db.session.commit()  # the jobs run at once in the tests

    assert all(path.is_file() for path in finals)
    assert certificate_files(app) == sorted(finals)
    for certificate in certificates:
        db.session.refresh(certificate)
        assert certificate.status == CertificateStatus.ISSUED
        assert certificate.sha256 == sha256_hex(path_of(certificate.file_name).read_bytes())


def test_issue_certificates_rollback_leaves_no_file(app, published, db):
    issue_certificates(published.edition)

    db.session.rollback()

    assert certificate_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_issue_certificates_failed_commit_leaves_no_file(app, published, db):
    issue_certificates(published.edition)
    db.session.add(
        Certificate(
            edition_id=published.edition.id,
            organisation_id=published.organisations["obrnice"].id,
            kind=CertificateKind.AWARD,  # a second award certificate: the unique constraint refuses it
            file_name="x.pdf",
            sha256="0" * 64,
        )
    )

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert certificate_files(app) == []


def test_issue_certificates_session_closed_without_commit_leaves_no_file(app, published, db):
    issue_certificates(published.edition)

    db.session.close()

    assert certificate_files(app) == []


def test_issue_certificates_savepoint_rolled_back_leaves_no_file(app, published, db):
    with db.session.begin_nested() as savepoint:
        issue_certificates(published.edition)
        savepoint.rollback()
    db.session.commit()

    assert certificate_files(app) == []


def test_issue_certificates_savepoint_released_files_wait_for_the_outer_commit(app, published, db):
    with db.session.begin_nested():
        certificates = issue_certificates(published.edition)

    assert certificate_files(app) == sorted(pending_files().values())
    db.session.commit()

    assert certificate_files(app) == sorted(path_of(c.file_name) for c in certificates)


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
    assert certificate_files(app) == sorted(path_of(c.file_name) for c in certificates)


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

    assert certificate_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
