"""Reading certificates: by verification code, an edition's list, an organisation's own, and what an issue
would make."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.certificates.enums import CertificateKind, CertificateStatus
from app.certificates.models import Certificate
from app.contests.models import Edition
from app.extensions import db
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.verification_code == code)
        .options(selectinload(Certificate.edition))
    )


def edition_certificates(edition: Edition) -> list[Certificate]:
    """The edition's certificates: awards by place, special mentions, then participation by reference."""
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.edition_id == edition.id)
        .options(selectinload(Certificate.organisation))
    ).all()
    return sorted(certificates, key=_order)


def _order(certificate: Certificate) -> tuple:
    content = certificate.content
    award = certificate.kind == CertificateKind.AWARD
    # Laureates sharing a place by name, as on the results page; participants in the order they applied.
    within = content.get("organisation_name") if award else content.get("reference")
    return (
        not award,
        bool(content.get("special_mention")),
        content.get("place") or 0,
        within or "",
        certificate.id,
    )


def certificates_for_organisation(organisation_id: int) -> list[Certificate]:
    """An organisation's valid certificates of editions whose results are public, newest edition first."""
    certificates = db.session.scalars(
        select(Certificate)
        .join(Edition, Edition.id == Certificate.edition_id)
        .where(
            Certificate.organisation_id == organisation_id,
            Certificate.revoked_at.is_(None),
            (Edition.results_published_at.is_not(None)) | Edition.archived.is_(True),
        )
        .options(selectinload(Certificate.edition))
    ).all()
    return sorted(certificates, key=lambda c: (-c.edition.year, c.kind != CertificateKind.AWARD, c.id))


@dataclass(frozen=True)
class IssueCounts:
    laureates: int  # award certificates an issue makes
    participants: int  # participation certificates it adds when asked


def issue_counts(edition: Edition) -> IssueCounts:
    laureates = set(db.session.scalars(select(Award.organisation_id).where(Award.edition_id == edition.id)))
    eligible = db.session.scalars(
        select(Application.organisation_id).where(
            Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE
        )
    )
    participants = sum(1 for organisation_id in eligible if organisation_id not in laureates)
    return IssueCounts(len(laureates), participants)


@dataclass(frozen=True)
class Progress:
    """Where the files of an edition's valid certificates stand."""

    pending: int
    issued: int
    failed: int

    @property
    def total(self) -> int:
        return self.pending + self.issued + self.failed

    @property
    def done(self) -> bool:
        return self.pending == 0


def certificate_progress(edition_id: int) -> Progress:
    rows = dict(
        db.session.execute(
            select(Certificate.status, func.count())
            .where(Certificate.edition_id == edition_id, Certificate.revoked_at.is_(None))
            .group_by(Certificate.status)
        ).all()
    )
    return Progress(
        pending=rows.get(CertificateStatus.PENDING, 0),
        issued=rows.get(CertificateStatus.ISSUED, 0),
        failed=rows.get(CertificateStatus.FAILED, 0),
    )


def failed_certificates(edition_id: int) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.edition_id == edition_id,
                Certificate.status == CertificateStatus.FAILED,
                Certificate.revoked_at.is_(None),
            )
            .order_by(Certificate.id)
        )
    )
