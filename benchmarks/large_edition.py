"""A large, realistic edition in deliberation, built fast through the app's models, for the benchmarks.

Inside an app context (the schema created):

    import large_edition
    edition_id = large_edition.build(entries=1000, jurors=30, criteria=3, seed=1)
    people = large_edition.people(edition_id)  # emails to sign in with, all with large_edition.PASSWORD

What it builds, in one transaction (ORM-enabled bulk inserts of the app's own tables, so the models' defaults
and types apply; no request, no audit, no email):

- an edition whose judging closed ten days ago (in deliberation), scale 0 to 10 in steps of 0.5, 3 prizes,
  the mean as aggregation; `criteria` weighted criteria (2.5, 1.5, 1, then 1 each), named in English and
  French;
- `entries` organisations (municipalities and, one in seven, regions of the Council of Europe's member
  states), each with one eligible application: number, reference, title, summary, one answer per criterion;
- `jurors` jurors (users with the juror role and a member state, the first the chair) and one organiser;
- every juror assigned to every entry with a submitted score sheet: one score per criterion, drawn from the
  entry's merit on that criterion, the juror's leniency and noise (seeded by `seed`), rounded to the step;
- with `published=True`, the three best entries by weighted mean awarded the three prizes (with citations in
  both languages), a special mention for the fourth, and the results published a week ago.

`build` returns the edition's id. Each build is independent: another one in the same database gets its own
slug, references, names and emails.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

PASSWORD = "benchmark-password"
WEIGHTS = (Decimal("2.5"), Decimal("1.5"), Decimal("1"))
CRITERIA = (
    ("Integration", "Intégration"),
    ("Anti-discrimination", "Lutte contre les discriminations"),
    ("Awareness-raising", "Sensibilisation"),
    ("Participation", "Participation"),
    ("Sustainability", "Pérennité"),
)
COUNTRIES = (
    "AL", "AD", "AM", "AT", "AZ", "BE", "BA", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "GE",
    "DE", "GR", "HU", "IS", "IE", "IT", "LV", "LI", "LT", "LU", "MT", "MD", "MC", "ME", "NL", "MK",
    "NO", "PL", "PT", "RO", "SM", "RS", "SK", "SI", "ES", "SE", "CH", "TR", "UA", "GB",
)  # fmt: skip
_PLACE_STARTS = ("Novo", "Stara", "Bel", "Kra", "Mar", "Vel", "Dol", "Gor", "San", "Lun", "Ober", "Nieder")
_PLACE_ENDS = ("grad", "selo", "ville", "berg", "polje", "vac", "burg", "heim", "ovo", "ice", "stad", "ano")
_TOPICS = (
    "school mediators",
    "housing desegregation",
    "Roma health mediators",
    "early childhood education",
    "vocational training",
    "Roma culture festival",
    "community policing",
    "youth participation",
)


def build(
    entries: int = 1000, jurors: int = 30, criteria: int = 3, seed: int = 1, *, published: bool = False
) -> int:
    """Build the edition (see the module's docstring) and commit it; its id."""
    from app.auth.enums import OrganisationKind, Role
    from app.auth.passwords import hash_password
    from app.contests.enums import Aggregation
    from app.db import utcnow
    from app.extensions import db
    from app.judging.enums import SheetStatus
    from app.models import (
        Application,
        Assignment,
        Criterion,
        CriterionAnswer,
        CriterionScore,
        Edition,
        JuryMember,
        Organisation,
        ScoreSheet,
        User,
    )
    from app.ranking.enums import AwardKind
    from app.ranking.models import Award
    from app.results.models import PublicationPlan
    from app.submissions.enums import ApplicationStatus

    if not 1 <= criteria <= len(CRITERIA):
        raise ValueError(f"criteria must be between 1 and {len(CRITERIA)}")
    rng = random.Random(seed)
    session = db.session
    tag = (session.scalar(select(func.max(Edition.id))) or 0) + 1
    now = utcnow()
    year = 2030 + tag
    judging_closed = now - timedelta(days=10)
    password_hash = hash_password(PASSWORD)  # one hash for every account: argon2 is slow on purpose

    edition = Edition(
        slug=f"large-{tag}",
        name_en=f"Large Open Call {tag}",
        name_fr=f"Grand appel ouvert {tag}",
        ordinal=tag,
        year=year,
        reference_prefix="LARGE",
        submissions_open_at=now - timedelta(days=100),
        submissions_close_at=now - timedelta(days=60),
        judging_close_at=judging_closed,
        results_published_at=now - timedelta(days=7) if published else None,
        prizes_count=3,
        score_min=Decimal(0),
        score_max=Decimal(10),
        score_step=Decimal("0.5"),
        aggregation=Aggregation.MEAN,
        min_sheets_per_entry=3,
        ceremony_date=(now + timedelta(days=20)).date(),
        ceremony_place_en="Strasbourg",
        ceremony_place_fr="Strasbourg",
    )
    weights = [WEIGHTS[i] if i < len(WEIGHTS) else Decimal(1) for i in range(criteria)]
    for position in range(criteria):
        name_en, name_fr = CRITERIA[position]
        edition.criteria.append(
            Criterion(
                name_en=name_en,
                name_fr=name_fr,
                description_en=f"How does the project serve {name_en.lower()}?",
                guidance_en=f"10: an example for others in {name_en.lower()}.",
                weight=weights[position],
                position=position,
            )
        )
    session.add(edition)
    session.flush()
    criterion_ids = [criterion.id for criterion in edition.criteria]

    def inserted(model, rows: list[dict]) -> list[int]:
        """Insert the rows in one statement (batched by the driver); their ids in the rows' order."""
        if not rows:
            return []
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(session.scalars(statement, rows))

    organiser_id, *juror_ids = inserted(
        User,
        [
            dict(
                email=f"organiser.large-{tag}@example.org",
                name=f"Organiser of Large Open Call {tag}",
                role=Role.ORGANISER,
                password_hash=password_hash,
                email_confirmed_at=now,
            )
        ]
        + [
            dict(
                email=f"juror{number:02d}.large-{tag}@example.org",
                name=f"Juror {number} of Large Open Call {tag}",
                role=Role.JUROR,
                country=rng.choice(COUNTRIES),
                password_hash=password_hash,
                email_confirmed_at=now,
            )
            for number in range(1, jurors + 1)
        ],
    )
    inserted(
        JuryMember,
        [
            dict(edition_id=edition.id, user_id=juror_id, is_chair=number == 0)
            for number, juror_id in enumerate(juror_ids)
        ],
    )

    organisation_ids = inserted(
        Organisation,
        [
            dict(
                name=f"{'Region' if number % 7 == 0 else 'Municipality'} of {rng.choice(_PLACE_STARTS)}"
                f"{rng.choice(_PLACE_ENDS)} {tag}-{number}",
                kind=OrganisationKind.REGION if number % 7 == 0 else OrganisationKind.MUNICIPALITY,
                country=rng.choice(COUNTRIES),
                population=rng.randint(800, 2_000_000),
                website=f"https://www.example.org/large-{tag}/{number}",
            )
            for number in range(1, entries + 1)
        ],
    )
    application_ids = inserted(
        Application,
        [
            dict(
                edition_id=edition.id,
                organisation_id=organisation_id,
                number=number,
                reference=f"LARGE-{year}-{number:04d}",
                title=f"{rng.choice(_TOPICS).capitalize()} in the community ({number})",
                summary="Joint activities of Roma and non-Roma residents in education, housing and leisure.",
                start_year=year - rng.randint(1, 6),
                fields_of_action=rng.sample(("education", "housing", "employment", "participation"), 2),
                beneficiaries=f"About {rng.randint(50, 5000)} residents, half of them Roma.",
                budget_eur=rng.randint(5, 500) * 1000,
                partners="A Roma NGO, the regional school authority.",
                status=ApplicationStatus.ELIGIBLE,
                submitted_at=now - timedelta(days=70),
                screened_at=now - timedelta(days=55),
                screened_by_id=organiser_id,
            )
            for number, organisation_id in enumerate(organisation_ids, start=1)
        ],
    )
    session.execute(
        insert(CriterionAnswer),
        [
            dict(application_id=application_id, criterion_id=criterion_id, text="How we meet the criterion.")
            for application_id in application_ids
            for criterion_id in criterion_ids
        ],
    )

    # Scores: an entry's merit per criterion, a juror's leniency, noise; rounded to the 0.5 step in 0..10.
    merit = [[rng.gauss(5.5, 1.6) for _ in criterion_ids] for _ in application_ids]
    leniency = [rng.gauss(0, 0.8) for _ in juror_ids]
    assignment_ids = inserted(
        Assignment,
        [
            dict(application_id=application_id, juror_id=juror_id, created_at=now - timedelta(days=50))
            for application_id in application_ids
            for juror_id in juror_ids
        ],
    )
    submitted = judging_closed - timedelta(days=1)
    sheet_ids = inserted(
        ScoreSheet,
        [
            dict(
                assignment_id=assignment_id,
                status=SheetStatus.SUBMITTED,
                version=1,
                created_at=submitted,
                updated_at=submitted,
                submitted_at=submitted,
            )
            for assignment_id in assignment_ids
        ],
    )
    totals = [Decimal(0)] * len(application_ids)
    scores = []
    sheet = iter(sheet_ids)
    for entry in range(len(application_ids)):
        for juror in range(len(juror_ids)):
            sheet_id = next(sheet)
            for position, criterion_id in enumerate(criterion_ids):
                raw = merit[entry][position] + leniency[juror] + rng.gauss(0, 1.0)
                value = Decimal(min(20, max(0, round(raw * 2)))) / 2
                totals[entry] += value * weights[position]
                scores.append(dict(sheet_id=sheet_id, criterion_id=criterion_id, value=value))
    session.execute(insert(CriterionScore), scores)

    if published:
        best = sorted(range(len(application_ids)), key=lambda entry: (-totals[entry], entry))[:4]
        session.execute(
            insert(Award),
            [
                dict(
                    edition_id=edition.id,
                    organisation_id=organisation_ids[entry],
                    application_id=application_ids[entry],
                    kind=AwardKind.PRIZE if place <= 3 else AwardKind.SPECIAL_MENTION,
                    place=place if place <= 3 else None,
                    citation_en="For a lasting partnership between Roma and non-Roma residents.",
                    citation_fr="Pour un partenariat durable entre habitants roms et non roms.",
                    decided_by_id=organiser_id,
                    decided_at=now - timedelta(days=8),
                )
                for place, entry in enumerate(best, start=1)
            ],
        )
        session.add(PublicationPlan(edition_id=edition.id, updated_by_id=organiser_id))
    session.commit()
    return edition.id


def people(edition_id: int) -> dict:
    """Who signs in (with PASSWORD): {"organiser": email, "chair": email, "jurors": [emails]}."""
    from app.extensions import db
    from app.models import Edition, JuryMember, User

    slug = db.session.get(Edition, edition_id).slug
    members = db.session.execute(
        select(User.email, JuryMember.is_chair)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.edition_id == edition_id)
        .order_by(User.email)
    ).all()
    return {
        "organiser": f"organiser.{slug}@example.org",
        "chair": next(email for email, is_chair in members if is_chair),
        "jurors": [email for email, _ in members],
    }
