"""The certificate jobs: render one certificate's PDF and store it, and put back in the queue what was lost.

``issue.py`` records certificates as ``pending`` and queues ``render_certificate`` for each once its
transaction commits. The job is idempotent: it first claims the certificate (a conditional UPDATE, so two
workers never render the same one, and an issued, failed or revoked certificate is left alone), renders
it from its snapshot, stores the file under a new key (``files.py``: the record points at it once the
job commits; a rollback deletes it) and records its SHA-256. A second job for the same certificate
finds nothing to claim.

What can go wrong and how it mends: the queue was down when the certificates were recorded, or a worker
died while rendering (its claim grows older than CERTIFICATE_JOB_LEASE seconds): ``resume_certificates``,
run every minute by the workers' scheduler, queues them again. A rendering that raises marks the
certificate ``failed`` with the reason; so does one started MAX_ATTEMPTS times without finishing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app import jobs
from app.certificates.content import content_of
from app.certificates.design import pictures_by_digest
from app.certificates.enums import CertificateStatus
from app.certificates.files import store_pdf
from app.certificates.models import Certificate
from app.certificates.pdf import render_certificate as render_pdf
from app.certificates.pdf import sha256_hex
from app.db import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FAILURE_MAX = 500  # characters of the reason kept on the record


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["CERTIFICATE_JOB_LEASE"])


@jobs.job()
def render_certificate(certificate_id: int) -> None:
    """Render, store and record one pending certificate; does nothing for any other."""
    now = utcnow()
    claimed = db.session.execute(
        update(Certificate)
        .where(
            Certificate.id == certificate_id,
            Certificate.status == CertificateStatus.PENDING,
            Certificate.revoked_at.is_(None),
            or_(Certificate.claimed_at.is_(None), Certificate.claimed_at < now - lease()),
        )
        .values(claimed_at=now, attempts=Certificate.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return
    certificate = db.session.get(Certificate, certificate_id)
    if certificate.attempts > MAX_ATTEMPTS:
        _fail(certificate, f"The rendering was started {MAX_ATTEMPTS} times without finishing.")
        return
    try:
        pdf = render_pdf(_with_pictures(certificate))
        store_pdf(certificate, pdf)  # under a new key, the record's once this commits
        certificate.sha256 = sha256_hex(pdf)
        certificate.status = CertificateStatus.ISSUED
        certificate.rendered_at = utcnow()
        certificate.claimed_at = None
        certificate.failure = None
        db.session.commit()  # the record points at the new file; the one it replaces is deleted
    except Exception as error:
        db.session.rollback()  # the new file, if any, is deleted
        log.exception("certificate %s could not be rendered", certificate_id)
        _fail(db.session.get(Certificate, certificate_id), f"{type(error).__name__}: {error}")


def _with_pictures(certificate: Certificate):
    """The certificate's content from its snapshot, with the bytes of its design's pictures."""
    content = content_of(certificate)
    if not content.pictures:
        return content
    return content_of(certificate, pictures_by_digest(picture.sha256 for picture in content.pictures))


def _fail(certificate: Certificate, reason: str) -> None:
    certificate.status = CertificateStatus.FAILED
    certificate.failure = reason[:FAILURE_MAX]
    certificate.claimed_at = None
    db.session.commit()


def queue_rendering(certificates: list[Certificate]) -> None:
    """Mark the certificates pending and queue their rendering once the transaction commits."""
    for certificate in certificates:
        certificate.status = CertificateStatus.PENDING
        certificate.attempts = 0
        certificate.claimed_at = None
        certificate.failure = None
    db.session.flush()
    for certificate in certificates:
        jobs.after_commit(render_certificate, certificate.id)


@jobs.periodic(minutes=1)
def resume_certificates(at_start: bool = False, now: datetime | None = None) -> int:
    """Queue again the pending certificates no job is on its way to; returns how many.

    A certificate whose claim is older than the lease lost its worker. An unclaimed one is lost when the
    queue is empty (it was never queued, or its job was taken by a worker that died before claiming it);
    while jobs still wait, it may be one of them, so it is left to them, except when a worker starts
    (``at_start``): then it is queued again, and whichever job comes second finds nothing to do.
    """
    now = now or utcnow()
    stale = or_(Certificate.claimed_at.is_not(None) & (Certificate.claimed_at < now - lease()))
    if at_start or jobs.waiting_count() == 0:
        stale = or_(stale, Certificate.claimed_at.is_(None))
    ids = list(
        db.session.scalars(
            select(Certificate.id)
            .where(Certificate.status == CertificateStatus.PENDING, Certificate.revoked_at.is_(None), stale)
            .order_by(Certificate.id)
        )
    )
    for certificate_id in ids:
        jobs.enqueue(render_certificate, certificate_id)
    if ids:
        log.info("queued %d certificates again", len(ids))
    return len(ids)


def retry_failed(edition_id: int) -> int:
    """Queue the edition's failed certificates again (after the commit); returns how many."""
    failed = list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.edition_id == edition_id,
                Certificate.status == CertificateStatus.FAILED,
                Certificate.revoked_at.is_(None),
            )
        )
    )
    queue_rendering(failed)
    return len(failed)
