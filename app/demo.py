"""The demo: past editions with their laureates, the 2013 edition in full, and an edition open now.

Only the laureates and what the Congress published about the 2013 winners are real (see the seeds); every
other applicant is plainly fictional ("Demo Municipality 7"), and so are the accounts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import click
from sqlalchemy import select

from app.auth.enums import Role
from app.auth.models import Organisation, User
from app.auth.passwords import hash_password
from app.contests.models import Criterion, Edition
from app.contests.services import DEFAULT_CRITERIA
from app.countries import country_name
from app.db import utcnow
from app.demo_data import (
    APPLICANTS_2013,
    CURRENT_APPLICANTS,
    INELIGIBLE_NUMBER,
    INELIGIBLE_REASON,
    JURORS,
    ORGANISER,
    PAST_EDITIONS,
    REFERENCE_ORDER,
    DemoApplicant,
    PastEdition,
    edition_name,
    edition_name_fr,
)
from app.extensions import db
from app.formatting import display_zone
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application, CriterionAnswer

DEMO_PASSWORD = "dosta-demo-2013"  # noqa: S105  (published in the README)
EDITION_2013 = "dosta-2013"
EDITION_CURRENT = "dosta-2027"


class DemoAlreadyLoaded(click.ClickException):
    """The database already holds the demo (or something in its way)."""


def _local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A Strasbourg wall-clock time as a UTC instant."""
    return datetime.combine(day, time(hour, minute), tzinfo=display_zone()).astimezone(UTC)


# (email, role, organisation or country): every demo account, for the README and `flask demo accounts`.
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    (ORGANISER[0], Role.ORGANISER.value, ""),
    *[(email, Role.JUROR.value, country_name(country)) for email, _name, country in JURORS],
    *[(a.email, Role.APPLICANT.value, f"{a.name} ({country_name(a.country)})") for a in APPLICANTS_2013],
]


def demo_accounts_text() -> str:
    """The demo accounts as an aligned table, with their shared password."""
    width = max(len(email) for email, _role, _where in DEMO_ACCOUNTS)
    lines = [f"Demo accounts (password for all: {DEMO_PASSWORD}):"]
    for email, role, where in DEMO_ACCOUNTS:
        lines.append(f"  {email:<{width}}  {role:<9}  {where}".rstrip())
    return "\n".join(lines)


# --- Loading -----------------------------------------------------------------------------------------------


@dataclass
class _Loader:
    password_hash: str
    now: datetime = field(default_factory=utcnow)
    organisations: dict[tuple[str, str], Organisation] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"editions": 0, "applications": 0})

    def organisation(self, name: str, country: str, kind: str, population: int | None = None) -> Organisation:
        key = (name, country)
        if key not in self.organisations:
            existing = db.session.scalar(
                select(Organisation).where(Organisation.name == name, Organisation.country == country)
            )
            self.organisations[key] = existing or Organisation(
                name=name, country=country, kind=kind, population=population
            )
            db.session.add(self.organisations[key])
        return self.organisations[key]

    def user(self, email: str, name: str, role: str, **fields) -> User:
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=self.password_hash,
            email_confirmed_at=self.now,
            **fields,
        )
        db.session.add(user)
        self.users[email] = user
        return user

    def edition(self, **values) -> Edition:
        edition = Edition(**values)
        db.session.add(edition)
        self.counts["editions"] += 1
        return edition


def _check_not_loaded() -> None:
    slugs = [f"dosta-{p.year}" for p in PAST_EDITIONS] + [EDITION_2013, EDITION_CURRENT]
    taken = list(db.session.scalars(select(Edition.slug).where(Edition.slug.in_(slugs))))
    emails = [email for email, _role, _where in DEMO_ACCOUNTS]
    taken += list(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    if EDITION_2013 in taken:
        raise DemoAlreadyLoaded(f"The demo is already loaded: edition {EDITION_2013!r} exists.")
    if taken:
        raise DemoAlreadyLoaded(
            f"The demo cannot be loaded: these already exist: {', '.join(sorted(taken))}."
        )


def load_demo() -> str:
    """Add the demo to the session (the caller commits); a one-line summary of what was added."""
    _check_not_loaded()
    loader = _Loader(password_hash=hash_password(DEMO_PASSWORD))  # one hash for every account
    organiser = loader.user(ORGANISER[0], ORGANISER[1], Role.ORGANISER)
    for email, name, country in JURORS:
        loader.user(email, name, Role.JUROR, country=country)
    for applicant in APPLICANTS_2013:
        organisation = loader.organisation(
            applicant.name, applicant.country, applicant.kind, applicant.population
        )
        loader.user(
            applicant.email, f"{applicant.name} (demo contact)", Role.APPLICANT, organisation=organisation
        )

    for past in PAST_EDITIONS:
        _load_past_edition(loader, past)
    edition_2013 = _load_2013(loader, organiser)
    _load_current(loader)
    db.session.flush()

    from app.judging.demo import load_jury_demo

    jury = load_jury_demo()
    from app.certificates.demo import load_certificates_demo

    certificates = load_certificates_demo()
    from app.emails.demo import load_emails_demo

    emails = load_emails_demo()
    _prepare_ranking_export(edition_2013, organiser)
    summary = (
        f"{loader.counts['editions']} editions, {len(loader.organisations)} organisations, "
        f"{loader.counts['applications']} applications, {len(loader.users)} accounts"
    )
    return "; ".join(part for part in (summary, jury, certificates, emails) if part)


def _prepare_ranking_export(edition: Edition, organiser: User) -> None:
    """The 2013 ranking as CSV, as its organiser asked for it: a worker prepares it once the demo commits."""
    from app.prepared.enums import PreparedKind
    from app.prepared.requests import request_file
    from app.ranking import prepared

    kind = PreparedKind.RANKING_CSV
    request_file(
        kind,
        edition.id,
        parameters=prepared.parameters_for(kind, "en", edition.aggregation),
        download_name=prepared.download_name(kind, edition),
        user_id=organiser.id,
    )


def _load_past_edition(loader: _Loader, past: PastEdition) -> Edition:
    ceremony = _local(past.ceremony, 12)
    edition = loader.edition(
        slug=f"dosta-{past.year}",
        name_en=edition_name(past.ordinal),
        name_fr=edition_name_fr(past.ordinal),
        ordinal=past.ordinal,
        year=past.year,
        description_en=past.description,
        description_fr=past.description_fr,
        submissions_open_at=_local(date(past.year, 2, 1), 9),
        submissions_close_at=_local(past.deadline, 23, 59),
        judging_close_at=_local(date(past.year, 9, 15), 23, 59),
        results_publish_at=ceremony,
        results_published_at=ceremony,
        prizes_count=max(place for place, *_ in past.laureates),
        ceremony_date=past.ceremony,
        ceremony_place_en="Strasbourg",
        ceremony_place_fr="Strasbourg",
        archived=True,
    )
    db.session.flush()
    for place, name, country, kind in past.laureates:
        db.session.add(
            Award(
                edition_id=edition.id,
                organisation=loader.organisation(name, country, kind),
                kind=AwardKind.PRIZE,
                place=place,
                decided_at=ceremony,
            )
        )
    return edition


def _criteria() -> list[Criterion]:
    return [Criterion(position=i, weight=1, **values) for i, values in enumerate(DEFAULT_CRITERIA)]


def _load_2013(loader: _Loader, organiser: User) -> Edition:
    opens, closes = _local(date(2013, 2, 1), 9), _local(date(2013, 6, 30), 23, 59)
    ceremony = _local(date(2013, 10, 30), 12)
    edition = loader.edition(
        slug=EDITION_2013,
        name_en=edition_name(4),
        name_fr=edition_name_fr(4),
        ordinal=4,
        year=2013,
        description_en=(
            "Over 20 municipalities and regions from 15 European countries took part. The prize was awarded "
            "to the three winners on 30 October 2013, during the 25th session of the Congress in Strasbourg."
        ),
        description_fr=(
            "Plus de 20 municipalités et régions de 15 pays européens y ont pris part. Le prix a été "
            "remis aux trois lauréats le 30 octobre 2013, lors de la 25e session du Congrès à Strasbourg."
        ),
        submissions_open_at=opens,
        submissions_close_at=closes,
        judging_close_at=_local(date(2013, 9, 30), 23, 59),
        results_publish_at=ceremony,
        results_published_at=ceremony,
        prizes_count=3,
        score_min=0,
        score_max=10,
        score_step=1,
        aggregation="mean",
        min_sheets_per_entry=3,
        ceremony_date=date(2013, 10, 30),
        ceremony_place_en="Strasbourg, 25th session of the Congress",
        ceremony_place_fr="Strasbourg, 25e session du Congrès",
        criteria=_criteria(),
    )
    db.session.flush()
    window = (closes - opens) - timedelta(days=2)
    for number, applicant in enumerate(REFERENCE_ORDER, start=1):
        submitted_at = opens + window * number / (len(REFERENCE_ORDER) + 1)
        ineligible = applicant.name.endswith(f" {INELIGIBLE_NUMBER}")
        application = _application(
            loader,
            edition,
            applicant,
            number,
            ApplicationStatus.INELIGIBLE if ineligible else ApplicationStatus.ELIGIBLE,
            submitted_at=submitted_at.replace(second=0, microsecond=0),
            eligibility_reason=INELIGIBLE_REASON if ineligible else "",
            screened_at=closes + timedelta(days=7),
            screened_by=organiser,
        )
        if applicant.place is not None:
            db.session.flush()
            db.session.add(
                Award(
                    edition_id=edition.id,
                    organisation=application.organisation,
                    application_id=application.id,
                    kind=AwardKind.PRIZE,
                    place=applicant.place,
                    citation_en=applicant.citation_en,
                    citation_fr=applicant.citation_fr,
                    decided_by_id=organiser.id,
                    decided_at=_local(date(2013, 10, 8), 15),
                )
            )
    return edition


def _load_current(loader: _Loader) -> Edition:
    today = loader.now.astimezone(display_zone()).date()
    ceremony = today + timedelta(days=150)
    edition = loader.edition(
        slug=EDITION_CURRENT,
        name_en="Dosta!-Congress Prize for Municipalities 2027 (demo edition)",
        name_fr="Prix Dosta!-Congrès pour les municipalités 2027 (édition de démonstration)",
        ordinal=7,
        year=2027,
        description_en=(
            "A demonstration edition, open now so that you can try applying. Municipalities and regions of "
            "the Council of Europe's member states may submit projects that promote the integration of Roma, "
            "combat discrimination against them, and raise awareness of Roma culture and rights."
        ),
        description_fr=(
            "Une édition de démonstration, ouverte dès maintenant pour que vous puissiez essayer de poser"
            " votre candidature. Les municipalités et les régions des États membres du Conseil de "
            "l’Europe peuvent présenter des projets qui favorisent l’intégration des Roms, combattent la "
            "discrimination à leur égard et sensibilisent à la culture et aux droits des Roms."
        ),
        submissions_open_at=_local(today - timedelta(days=30), 9),
        submissions_close_at=_local(today + timedelta(days=60), 23, 59),
        judging_close_at=_local(today + timedelta(days=120), 23, 59),
        results_publish_at=_local(ceremony, 12),
        prizes_count=3,
        score_min=0,
        score_max=10,
        score_step=1,
        aggregation="mean",
        min_sheets_per_entry=3,
        ceremony_date=ceremony,
        ceremony_place_en="Strasbourg",
        ceremony_place_fr="Strasbourg",
        criteria=_criteria(),
    )
    db.session.flush()
    for number, (applicant, status, days_ago) in enumerate(CURRENT_APPLICANTS, start=1):
        submitted = status == ApplicationStatus.SUBMITTED
        _application(
            loader,
            edition,
            applicant,
            number,
            status,
            submitted_at=(loader.now - timedelta(days=days_ago)).replace(microsecond=0)
            if submitted
            else None,
            complete=submitted,
        )
    return edition


def _application(
    loader: _Loader,
    edition: Edition,
    applicant: DemoApplicant,
    number: int,
    status: str,
    *,
    submitted_at: datetime | None,
    eligibility_reason: str = "",
    screened_at: datetime | None = None,
    screened_by: User | None = None,
    complete: bool = True,
) -> Application:
    """An application; an incomplete one is a draft with its title, summary and first answer only."""
    organisation = loader.organisation(applicant.name, applicant.country, applicant.kind)
    application = Application(
        edition_id=edition.id,
        organisation=organisation,
        number=number,
        reference=f"{edition.reference_prefix}-{edition.year}-{number:03d}",
        title=applicant.title,
        summary=applicant.summary,
        start_year=applicant.start_year if complete else None,
        fields_of_action=list(applicant.fields_of_action) if complete else [],
        beneficiaries=applicant.beneficiaries if complete else "",
        budget_eur=applicant.budget_eur if complete else None,
        partners=applicant.partners if complete else "",
        status=status,
        submitted_at=submitted_at,
        eligibility_reason=eligibility_reason,
        screened_at=screened_at,
        screened_by_id=screened_by.id if screened_by else None,
        created_by_id=loader.users[applicant.email].id,
        created_at=(submitted_at or loader.now) - timedelta(days=10),
    )
    answers = applicant.answers if complete else applicant.answers[:1]
    for criterion, text in zip(edition.criteria, answers, strict=False):
        application.answers.append(CriterionAnswer(criterion_id=criterion.id, text=text))
    db.session.add(application)
    loader.counts["applications"] += 1
    return application
