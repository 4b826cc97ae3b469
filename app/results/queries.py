"""What the public may see of an edition's results: its laureates, the public editions, participation figures.

Only editions whose results are public (`Edition.results_are_public`: published, or history from before
the platform) are ever read here: the laureates of any other edition never leave this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import aliased

from app.auth.models import Organisation
from app.certificates.enums import CertificateKind
from app.certificates.models import Certificate
from app.contests.models import Criterion, Edition
from app.extensions import db
from app.formatting import time_left
from app.i18n import LocalText, current_language, text_in
from app.ranking.awards import awards_by_edition, joint_places
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

# What an application "received" means in public figures: drafts and withdrawn ones do not count.
RECEIVED_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


@dataclass(frozen=True)
class Laureate:
    """One award of an edition as the public sees it."""

    edition_id: int
    organisation_id: int
    application_id: int | None  # None for editions from before the platform
    kind: AwardKind
    place: int | None  # None: a special mention
    joint: bool  # a place shared by two or more prizes
    organisation: str
    organisation_kind: str
    country: str  # ISO 3166-1 alpha-2
    project_title: str | None
    project_summary: str | None
    reference: str | None
    citation_en: str  # as the jury wrote it in each language, "" where it did not
    citation_fr: str
    certificate: Certificate | None = None  # loaded only when asked for

    @property
    def citation(self) -> LocalText:
        """The citation in the reader's language, or the other language's standing in for it."""
        return text_in(self, "citation", current_language())


def laureates(editions: Iterable[Edition], *, certificates: bool = False) -> dict[int, list[Laureate]]:
    """The laureates per edition id, prizes by place then special mentions, for the editions whose results
    are public (the others are left out); with `certificates`, each laureate's valid award certificate.

    A fixed number of queries whatever the number of editions.
    """
    public_ids = [edition.id for edition in editions if edition.results_are_public]
    awards = awards_by_edition(public_ids)
    issued = _award_certificates(public_ids) if certificates and awards else {}
    result = {}
    for edition_id, edition_awards in awards.items():
        joint = joint_places(edition_awards)
        result[edition_id] = [
            Laureate(
                edition_id=edition_id,
                organisation_id=award.organisation_id,
                application_id=award.application_id,
                kind=award.kind,
                place=award.place,
                joint=award.kind == AwardKind.PRIZE and award.place in joint,
                organisation=award.organisation.name,
                organisation_kind=award.organisation.kind,
                country=award.organisation.country,
                project_title=award.application.title if award.application else None,
                project_summary=award.application.summary if award.application else None,
                reference=award.application.reference if award.application else None,
                citation_en=award.citation_en,
                citation_fr=award.citation_fr,
                certificate=issued.get((edition_id, award.organisation_id)),
            )
            for award in edition_awards
        ]
    return result


def edition_laureates(edition: Edition) -> list[Laureate]:
    """The laureates of one edition with their certificates; empty unless its results are public."""
    return laureates([edition], certificates=True).get(edition.id, [])


def organisation_laureates(organisation_id: int, applications: Sequence[Application]) -> dict[int, Laureate]:
    """The organisation's award per application id, for the editions whose results are public."""
    application_of = {application.edition_id: application.id for application in applications}
    found = laureates(application.edition for application in applications)
    return {
        application_of[laureate.edition_id]: laureate
        for edition_laureates in found.values()
        for laureate in edition_laureates
        if laureate.organisation_id == organisation_id
    }


def _award_certificates(edition_ids: list[int]) -> dict[tuple[int, int], Certificate]:
    rows = db.session.scalars(
        select(Certificate).where(
            Certificate.edition_id.in_(edition_ids),
            Certificate.kind == CertificateKind.AWARD,
            Certificate.revoked_at.is_(None),
        )
    )
    return {(c.edition_id, c.organisation_id): c for c in rows}


def public_editions() -> list[Edition]:
    """Editions whose results are public (published, or history from before the platform), newest first."""
    return list(
        db.session.scalars(
            select(Edition)
            .where((Edition.results_published_at.is_not(None)) | Edition.archived.is_(True))
            .order_by(Edition.year.desc(), Edition.ordinal.desc(), Edition.id.desc())
        )
    )


@dataclass(frozen=True)
class Participation:
    applications: int
    countries: int


def public_participation(editions: Iterable[Edition]) -> dict[int, Participation]:
    """How many applications (and from how many countries) each public edition received."""
    public_ids = [edition.id for edition in editions if edition.results_are_public]
    if not public_ids:
        return {}
    rows = db.session.execute(
        select(
            Application.edition_id,
            func.count(Application.id),
            func.count(func.distinct(Organisation.country)),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id.in_(public_ids), Application.status.in_(RECEIVED_STATUSES))
        .group_by(Application.edition_id)
    ).all()
    return {edition_id: Participation(count, countries) for edition_id, count, countries in rows if count}


# --- Stamps: what the public pages show, in one word --------------------------------------------------------


def edition_stamp(edition: Edition) -> str | None:
    """A digest of everything an edition's public pages show once its results are public: the edition and
    its criteria (loaded with it), and, in one query, its laureates (award, organisation, project, award
    certificate and whether its file is ready) and its participation. None while its results are not public:
    nothing of an edition under embargo may be kept."""
    if not edition.results_are_public:
        return None
    return _digest([_edition_state(edition)], _public_state([edition.id]))


def editions_stamp(editions: Sequence[Edition], now: datetime | None = None) -> str:
    """A digest of everything the home page and the archive show of these editions (criteria loaded): each
    edition, its phase and the time left to apply now, and the laureates and participation of the public
    ones, in one query."""
    public_ids = [edition.id for edition in editions if edition.results_are_public]
    return _digest([_edition_state(edition, now) for edition in editions], _public_state(public_ids))


def _edition_state(edition: Edition, now: datetime | None = None) -> tuple:
    phase = edition.phase(now)
    return (
        tuple(getattr(edition, attr.key) for attr in _COLUMNS[Edition]),
        phase,
        time_left(edition.submissions_close_at, now) if edition.accepts_applications(now) else "",
        tuple(tuple(getattr(c, attr.key) for attr in _COLUMNS[Criterion]) for c in edition.criteria),
    )


def _public_state(edition_ids: list[int]) -> list[tuple]:
    """One row per award of these editions (one per edition without awards), with the edition's
    participation: every column the public pages show of them."""
    if not edition_ids:
        return []
    received = (
        select(
            Application.edition_id.label("edition_id"),
            func.count(Application.id).label("applications"),
            func.count(func.distinct(Organisation.country)).label("countries"),
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id.in_(edition_ids), Application.status.in_(RECEIVED_STATUSES))
        .group_by(Application.edition_id)
        .subquery()
    )
    laureate, project = aliased(Organisation), aliased(Application)
    rows = db.session.execute(
        select(
            Edition.id,
            received.c.applications,
            received.c.countries,
            Award.id,
            Award.kind,
            Award.place,
            Award.citation_en,
            Award.citation_fr,
            laureate.id,
            laureate.name,
            laureate.kind,
            laureate.country,
            project.id,
            project.title,
            project.summary,
            project.reference,
            Certificate.id,
            Certificate.verification_code,
            Certificate.status,
            Certificate.sha256,
        )
        .outerjoin(received, received.c.edition_id == Edition.id)
        .outerjoin(Award, Award.edition_id == Edition.id)
        .outerjoin(laureate, laureate.id == Award.organisation_id)
        .outerjoin(project, project.id == Award.application_id)
        .outerjoin(
            Certificate,
            (Certificate.edition_id == Award.edition_id)
            & (Certificate.organisation_id == Award.organisation_id)
            & (Certificate.kind == CertificateKind.AWARD)
            & Certificate.revoked_at.is_(None),
        )
        .where(Edition.id.in_(edition_ids))
        .order_by(Edition.id, Award.id)
    )
    return [tuple(row) for row in rows]


_COLUMNS = {model: inspect(model).column_attrs for model in (Edition, Criterion)}


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
