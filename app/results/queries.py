"""What the public may see of an edition's results: its laureates, the public editions, participation figures.

Only editions whose results are public (`Edition.results_are_public`: published, or history from before
the platform) are ever read here: the laureates of any other edition never leave this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, func, inspect, select

from app.auth.models import Organisation
from app.certificates.enums import CertificateKind
from app.certificates.models import Certificate
from app.contests.models import Criterion, Edition
from app.db import utcnow
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


def edition_stamp(slug: str, *, edition_page: bool = False, now: datetime | None = None) -> str | None:
    """A digest of everything a public page of the edition with this slug shows, read in one query: the
    edition's shown columns and its laureates (award, organisation, project, award certificate and whether its
    file is ready), which of its dates are past, and for its own page (`edition_page`) its criteria and
    participation too. None when there is no such edition or its results are not public: nothing of an
    edition under embargo may be kept."""
    rows = db.session.execute(_state_query(by_slug=True, edition_page=edition_page), {"slug": slug}).all()
    if not rows:
        return None
    published_at, archived, *dates = rows[0][:5]
    if published_at is None and not archived:
        return None
    now = now or utcnow()
    return _digest(tuple(now >= date for date in dates), [tuple(row) for row in rows])


def editions_stamp(now: datetime | None = None) -> str:
    """A digest of everything the home page and the archive show, read in two queries: every edition's shown
    columns and criteria, which of its dates are past and the time left to apply now, and the laureates and
    participation of the editions whose results are public."""
    now = now or utcnow()
    editions = [tuple(row) for row in db.session.execute(_editions_query())]
    moments = []
    public_ids = set()
    for published_at, archived, opens, closes, judged, edition_id, *_ in editions:
        if published_at is not None or archived:
            public_ids.add(edition_id)
        open_now = published_at is None and opens <= now < closes
        moments.append(
            (edition_id, now >= opens, now >= closes, now >= judged, open_now and time_left(closes, now))
        )
    query = _state_query(by_slug=False, edition_page=True)
    state = db.session.execute(query, {"ids": sorted(public_ids)}).all() if public_ids else []
    return _digest(editions, moments, [tuple(row) for row in state])


@cache
def _editions_query() -> Select:
    """Every edition's shown columns (and its order, newest first), one row per criterion."""
    edition, criterion = Edition.__table__, Criterion.__table__
    return (
        select(
            *(_column(edition, Edition, key) for key in (*EDITION_SHOWN, "ordinal")),
            *(_column(criterion, Criterion, key) for key in CRITERION_SHOWN),
        )
        .outerjoin(criterion, criterion.c.edition_id == edition.c.id)
        .order_by(edition.c.year.desc(), edition.c.ordinal.desc(), edition.c.id.desc(), criterion.c.id)
    )


# What the public pages show of an edition and of a criterion (templates/results/, contests/_macros.html).
EDITION_SHOWN = (
    "results_published_at",  # the first five say whether the results are public and which dates are past
    "archived",
    "submissions_open_at",
    "submissions_close_at",
    "judging_close_at",
    "id",
    "slug",
    "name_en",
    "name_fr",
    "year",
    "description_en",
    "description_fr",
    "results_publish_at",
    "ceremony_date",
    "ceremony_place_en",
    "ceremony_place_fr",
)
CRITERION_SHOWN = ("id", "position", "name_en", "name_fr", "description_en", "description_fr")


@cache
def _state_query(by_slug: bool, edition_page: bool) -> Select:
    """What the public pages show of editions' results: one row per award (one for an edition without any);
    by slug, the edition's shown columns too; for an edition's page (or the lists), its participation, and by
    slug its criteria (one row per award and criterion). Built once per process, over the tables (plain rows,
    no ORM work on the result): only the parameters change."""
    edition, criterion, award, certificate = (
        model.__table__ for model in (Edition, Criterion, Award, Certificate)
    )
    laureate, project = Organisation.__table__.alias("laureate"), Application.__table__.alias("project")
    applied, organisation, application = (
        Edition.__table__.alias("applied"),
        Organisation.__table__,
        Application.__table__,
    )

    def chosen(table):
        return (
            table.c.slug == bindparam("slug") if by_slug else table.c.id.in_(bindparam("ids", expanding=True))
        )

    columns = [_column(edition, Edition, key) for key in EDITION_SHOWN] if by_slug else [edition.c.id]
    if by_slug and edition_page:
        columns += [_column(criterion, Criterion, key) for key in CRITERION_SHOWN]
    if edition_page:
        received = (
            select(
                application.c.edition_id,
                func.count(application.c.id).label("applications"),
                func.count(func.distinct(organisation.c.country)).label("countries"),
            )
            .join(organisation, organisation.c.id == application.c.organisation_id)
            .join(applied, applied.c.id == application.c.edition_id)
            .where(chosen(applied), application.c.status.in_(RECEIVED_STATUSES))
            .group_by(application.c.edition_id)
            .subquery()
        )
        columns += [received.c.applications, received.c.countries]
    statement = select(
        *columns,
        *(_column(award, Award, key) for key in ("id", "kind", "place", "citation_en", "citation_fr")),
        *(_column(laureate, Organisation, key) for key in ("id", "name", "kind", "country")),
        *(_column(project, Application, key) for key in ("id", "title", "summary", "reference")),
        *(_column(certificate, Certificate, key) for key in ("id", "verification_code", "status", "sha256")),
    ).select_from(edition)
    if edition_page:
        statement = statement.outerjoin(received, received.c.edition_id == edition.c.id)
        if by_slug:
            statement = statement.outerjoin(criterion, criterion.c.edition_id == edition.c.id)
    return (
        statement.outerjoin(award, award.c.edition_id == edition.c.id)
        .outerjoin(laureate, laureate.c.id == award.c.organisation_id)
        .outerjoin(project, project.c.id == award.c.application_id)
        .outerjoin(
            certificate,
            (certificate.c.edition_id == award.c.edition_id)
            & (certificate.c.organisation_id == award.c.organisation_id)
            & (certificate.c.kind == CertificateKind.AWARD)
            & certificate.c.revoked_at.is_(None),
        )
        .where(chosen(edition))
        .order_by(edition.c.id, award.c.id, *([criterion.c.id] if by_slug and edition_page else []))
    )


def _column(table, model, key: str):
    """The column of `table` (the model's table or an alias of it) behind the model's attribute `key`."""
    return table.c[inspect(model).columns[key].name]


def _digest(*parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
