"""Issuing, reissuing and revoking certificates: the writes.

``issue_certificates`` decides who gets a certificate and what it says (from the awards, the applications
and the edition) and records it as pending; once the caller commits, a job renders each PDF
(``jobs.py``). A reissue renders a certificate again under the same verification code. Nothing here
commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import Organisation
from app.certificates.content import (
    DEFAULT_SIGNATORIES,
    CertificateContent,
    signatory_blocks,
    snapshot,
)
from app.certificates.design import design_of, design_values, designed_signatories
from app.certificates.enums import CertificateKind, CertificateLanguage
from app.certificates.jobs import queue_rendering
from app.certificates.models import Certificate, CertificateDesign, new_verification_code
from app.contests.models import Edition
from app.countries import country_name
from app.db import utcnow
from app.extensions import db
from app.formatting import display_zone
from app.i18n import text_in
from app.links import external_url
from app.ranking.awards import edition_awards, joint_places
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under PUBLIC_BASE_URL, whoever asks and from where (certificates outlive requests)."""
    return external_url(endpoint, **values)


def signatories(language: str, design: CertificateDesign | None = None) -> tuple[tuple[str, str], ...]:
    """(name, title) per signature block, in the certificate's language: the edition's design's signatories,
    or without any, CERTIFICATE_SIGNATORIES."""
    configured = (
        designed_signatories(design)
        or current_app.config.get("CERTIFICATE_SIGNATORIES")
        or DEFAULT_SIGNATORIES
    )
    return signatory_blocks(configured, language)


def issue_problems(edition: Edition) -> list[str]:
    """Why certificates cannot be issued for this edition now; empty when they can."""
    if not edition.results_are_public:
        return [_("The results are not published yet: the certificates are issued with the publication.")]
    if db.session.scalar(select(Award.id).where(Award.edition_id == edition.id).limit(1)) is None:
        return [_("No award is recorded for this edition.")]
    return []


@dataclass(frozen=True)
class _Planned:
    """A certificate to issue: to whom, for what."""

    organisation: Organisation
    application: Application | None
    award: Award | None
    kind: CertificateKind
    place: int | None = None
    joint: bool = False
    special_mention: bool = False


def issue_certificates(
    edition: Edition,
    *,
    participation: bool = False,
    language: str = CertificateLanguage.ENGLISH,
    now: datetime | None = None,
    actor=None,
) -> list[Certificate]:
    """Issue (or reissue) the edition's certificates; returns them, laureates first. Flushes, never commits.

    One award certificate per laureate (prizes and special mentions; joint laureates each get theirs)
    and, with ``participation``, one participation certificate per other eligible application. An
    existing certificate for the same organisation and kind is reissued: same verification code, same
    issue date, new content, file and SHA-256, ``reissued_at`` set. Revoked certificates stay as they
    are, and so do certificates outside this issue (an earlier participation certificate, for example).

    The certificates are recorded as pending: their PDFs are rendered by jobs once the session commits.
    """
    try:
        language = CertificateLanguage(language)
    except ValueError:
        raise ValueError(f"unknown certificate language {language!r}") from None
    now = now or utcnow()
    planned = _plan(edition, participation)
    existing = {
        (c.organisation_id, c.kind): c
        for c in db.session.scalars(select(Certificate).where(Certificate.edition_id == edition.id))
    }
    certificates: list[Certificate] = []
    reissued: set[int] = set()
    looks = _looks(edition, language)
    for item in planned:
        certificate = existing.get((item.organisation.id, item.kind))
        if certificate is not None and certificate.revoked_at is not None:
            continue
        if certificate is None:
            code = new_verification_code()
            certificate = Certificate(
                edition_id=edition.id,
                organisation_id=item.organisation.id,
                kind=item.kind,
                verification_code=code,
                file_name=f"{edition.slug}/{code}.pdf",
                issued_at=now,
            )
        else:
            certificate.reissued_at = now
            reissued.add(id(certificate))
        certificate.application_id = item.application.id if item.application else None
        certificate.award_id = item.award.id if item.award else None
        certificate.language = language
        content = _content(edition, item, certificate, language, looks)
        certificate.content = snapshot(content)
        certificates.append(certificate)
        db.session.add(certificate)
    queue_rendering(certificates)
    if certificates:
        record(
            "certificates.issued",
            edition,
            edition_id=edition.id,
            after={
                "language": language,
                "participation": participation,
                "issued": [c.id for c in certificates if id(c) not in reissued],
                "reissued": [c.id for c in certificates if id(c) in reissued],
            },
            actor=actor,
        )
    return certificates


def _plan(edition: Edition, participation: bool) -> list[_Planned]:
    """The laureates by place (mentions last), then, when asked, the other eligible applications."""
    awards = edition_awards(edition)
    joint = joint_places(awards)
    planned = [
        _Planned(
            organisation=award.organisation,
            application=award.application,
            award=award,
            kind=CertificateKind.AWARD,
            place=award.place if award.kind == AwardKind.PRIZE else None,
            joint=award.kind == AwardKind.PRIZE and award.place in joint,
            special_mention=award.kind == AwardKind.SPECIAL_MENTION,
        )
        for award in awards
    ]
    if participation:
        laureates = {a.organisation_id for a in awards}
        applications = db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
            .options(selectinload(Application.organisation))
            .order_by(Application.number)
        )
        planned += [
            _Planned(
                organisation=a.organisation, application=a, award=None, kind=CertificateKind.PARTICIPATION
            )
            for a in applications
            if a.organisation_id not in laureates
        ]
    return planned


def _looks(edition: Edition, language: CertificateLanguage) -> dict:
    """What every certificate of this issue shares from the edition's design: read once per issue."""
    design = design_of(edition)
    return {"signatories": signatories(language, design), **design_values(design)}


def _content(
    edition: Edition, item: _Planned, certificate: Certificate, language: CertificateLanguage, looks: dict
) -> CertificateContent:
    organisation = item.organisation
    code = certificate.verification_code
    return CertificateContent(
        kind=item.kind,
        language=language,
        edition_name=text_in(edition, "name", "en"),
        edition_name_fr=text_in(edition, "name", "fr"),
        edition_year=edition.year,
        place=item.place,
        joint=item.joint,
        special_mention=item.special_mention,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        country_name=country_name(organisation.country, "en"),
        country_name_fr=country_name(organisation.country, "fr"),
        project_title=item.application.title if item.application else "",
        reference=item.application.reference if item.application else "",
        ceremony_date=_ceremony_date(edition),
        ceremony_place=text_in(edition, "ceremony_place", "en") or "Strasbourg",
        ceremony_place_fr=text_in(edition, "ceremony_place", "fr") or "Strasbourg",
        verification_code=code,
        verification_url=public_url("certificates.verify", code=code),
        # Printed as a date: the day in Strasbourg, not in UTC.
        issued_at=certificate.issued_at.astimezone(display_zone()),
        **looks,  # the signatories, the prize's name, the accent colour, the logo, the signatures
    )


def _ceremony_date(edition: Edition) -> date:
    """The ceremony's date; without one, the day the results were (or are being) published."""
    if edition.ceremony_date is not None:
        return edition.ceremony_date
    return (edition.results_published_at or utcnow()).astimezone(display_zone()).date()


def revoke_certificate(certificate: Certificate, *, actor=None, now: datetime | None = None) -> None:
    """Mark the certificate revoked: its verification page says so and it is no longer served."""
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = now or utcnow()
    record(
        "certificate.revoked",
        certificate,
        edition_id=certificate.edition_id,
        before={"revoked_at": None},
        after={"revoked_at": certificate.revoked_at.isoformat(), "code": certificate.verification_code},
        actor=actor,
    )
    db.session.flush()
