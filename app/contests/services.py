"""Editions: which one is current, and the organiser's changes to them (criteria, dates, copies)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.contests.enums import Phase
from app.contests.models import Criterion, Edition
from app.db import utcnow
from app.extensions import db
from app.formatting import display_zone, format_score, utc_to_local
from app.i18n import LANGUAGES

# The default criteria of the prize, from the Council of Europe's assessment themes, in English and French.
DEFAULT_CRITERIA = (
    {
        "name_en": "Integration",
        "name_fr": "Intégration",
        "description_en": (
            "How does the project improve the effective access of Roma to social rights (housing, "
            "employment, education, health and social services) and their place in the life of the whole "
            "community? Describe the actions, who takes part and what has changed since the project "
            "began."
        ),
        "description_fr": (
            "Comment le projet améliore-t-il l’accès effectif des Roms aux droits sociaux (logement, emploi, "
            "éducation, santé et services sociaux) et leur place dans la vie de toute la communauté\u202f? "
            "Décrivez les actions, qui y prend part et ce qui a changé depuis le début du projet."
        ),
        "guidance_en": (
            "A high score means concrete, lasting improvements in access to housing, work, schooling or "
            "health care, reached without segregation, with Roma residents involved in planning and "
            "running the project and results the municipality can show."
        ),
        "guidance_fr": (
            "Une note élevée signifie des améliorations concrètes et durables de l’accès au logement, à "
            "l’emploi, à l’école ou aux soins, obtenues sans ségrégation, avec des habitants roms associés à "
            "la conception et à la conduite du projet, et des résultats que la municipalité peut montrer."
        ),
    },
    {
        "name_en": "Anti-discrimination",
        "name_fr": "Lutte contre la discrimination",
        "description_en": (
            "How does the project combat discrimination, stereotypes and prejudice against Roma, and "
            "encourage intercultural dialogue and the active democratic participation of Roma in local "
            "life?"
        ),
        "description_fr": (
            "Comment le projet combat-il la discrimination, les stéréotypes et les préjugés à l’égard des "
            "Roms, et encourage-t-il le dialogue interculturel et la participation démocratique active des "
            "Roms à la vie locale\u202f?"
        ),
        "guidance_en": (
            "A high score means actions that change practice (in schools, services, housing, policing), "
            "bring Roma and non-Roma together in joint activities, give Roma a voice in local decisions, "
            "and show evidence that prejudice or exclusion decreased."
        ),
        "guidance_fr": (
            "Une note élevée signifie des actions qui changent les pratiques (à l’école, dans les services, "
            "le logement, la police), réunissent Roms et non-Roms dans des activités communes, donnent aux "
            "Roms voix au chapitre dans les décisions locales, et montrent que les préjugés ou l’exclusion "
            "ont reculé."
        ),
    },
    {
        "name_en": "Awareness-raising",
        "name_fr": "Sensibilisation",
        "description_en": (
            "How does the project raise awareness of Roma culture, history and rights among non-Roma "
            "residents, local officials and the media?"
        ),
        "description_fr": (
            "Comment le projet sensibilise-t-il les habitants non roms, les responsables locaux et les "
            "médias à la culture, à l’histoire et aux droits des Roms\u202f?"
        ),
        "guidance_en": (
            "A high score means visible activities that reach the non-Roma majority, present Roma culture"
            " and rights respectfully and accurately, involve Roma themselves, and could inspire other "
            "cities and regions."
        ),
        "guidance_fr": (
            "Une note élevée signifie des activités visibles qui atteignent la majorité non rom, présentent "
            "la culture et les droits des Roms avec respect et exactitude, associent les Roms eux-mêmes, et "
            "pourraient inspirer d’autres villes et régions."
        ),
    },
)

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PREFIX_PATTERN = re.compile(r"^[A-Z0-9]+$")


# --- Reading editions ------------------------------------------------------------------------------------


def all_editions() -> list[Edition]:
    """Every edition, newest first, criteria loaded."""
    return list(
        db.session.scalars(
            select(Edition)
            .options(selectinload(Edition.criteria))
            .order_by(Edition.year.desc(), Edition.ordinal.desc(), Edition.id.desc())
        )
    )


def current_edition(editions: list[Edition], now: datetime | None = None) -> Edition | None:
    """The edition accepting applications, else the next upcoming one, else the latest."""
    now = now or utcnow()
    live = [e for e in editions if not e.archived]
    open_now = [e for e in live if e.phase(now) == Phase.OPEN]
    if open_now:
        return min(open_now, key=lambda e: e.submissions_close_at)
    upcoming = [e for e in live if e.phase(now) == Phase.UPCOMING]
    if upcoming:
        return min(upcoming, key=lambda e: e.submissions_open_at)
    return editions[0] if editions else None


def edition_by_slug(slug: str) -> Edition | None:
    return db.session.scalar(
        select(Edition).where(Edition.slug == slug).options(selectinload(Edition.criteria))
    )


# --- Creating and changing editions --------------------------------------------------------------------


def in_languages(*texts: str) -> tuple[str, ...]:
    """The columns that hold these texts, one per language: ("name",) -> ("name_en", "name_fr")."""
    return tuple(f"{text}_{language}" for text in texts for language in LANGUAGES)


# What organisers write, in each language: forms, the audit and copies use these columns, never the
# attribute that reads in the reader's language (app/i18n.py).
EDITION_TEXTS = in_languages("name", "description", "ceremony_place")
CRITERION_TEXTS = in_languages("name", "description", "guidance")
EDITION_FIELDS = (
    *in_languages("name"),
    "ordinal",
    "year",
    "slug",
    *in_languages("description"),
    "reference_prefix",
    "submissions_open_at",
    "submissions_close_at",
    "judging_close_at",
    "results_publish_at",
    "prizes_count",
    "score_min",
    "score_max",
    "score_step",
    "aggregation",
    "min_sheets_per_entry",
    "reveal_scores_to_jury",
    "ceremony_date",
    *in_languages("ceremony_place"),
)
DATE_FIELDS = ("submissions_open_at", "submissions_close_at", "judging_close_at", "results_publish_at")
LOCKED_EDITION_FIELDS = ("score_min", "score_max", "score_step")
CRITERION_FIELDS = (*CRITERION_TEXTS, "weight", "position")


@dataclass
class CriterionChange:
    """One row of the criteria form: id None for a new criterion; remove to delete an existing one."""

    id: int | None
    name_en: str = ""
    name_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    guidance_en: str = ""
    guidance_fr: str = ""
    weight: Decimal = Decimal(1)
    position: int = 0
    remove: bool = False


@dataclass
class EditionValues:
    """Everything the edition form edits, times as UTC instants."""

    values: dict = field(default_factory=dict)
    criteria: list[CriterionChange] = field(default_factory=list)


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format_score(value)
    return value


def edition_snapshot(edition: Edition) -> dict:
    return {name: _jsonable(getattr(edition, name)) for name in EDITION_FIELDS}


def criterion_snapshot(criterion: Criterion) -> dict:
    return {name: _jsonable(getattr(criterion, name)) for name in CRITERION_FIELDS}


def criterion_texts(criterion: Criterion | CriterionChange) -> dict[str, str]:
    """A criterion's texts in every language, as the columns and the form name them."""
    return {name: getattr(criterion, name) for name in CRITERION_TEXTS}


def plain_decimal(value: Decimal | None) -> Decimal | None:
    """The same number without trailing zeros, so that a form shows 10 rather than 10.00."""
    return None if value is None else Decimal(format_score(value))


def plain_decimals(values: dict) -> dict:
    return {k: plain_decimal(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def slug_taken(slug: str, except_id: int | None = None) -> bool:
    query = select(Edition.id).where(Edition.slug == slug)
    if except_id is not None:
        query = query.where(Edition.id != except_id)
    return db.session.scalar(query) is not None


def create_edition(data: EditionValues, actor=None) -> Edition:
    edition = Edition(**data.values)
    for position, row in enumerate(sorted(_kept(data.criteria), key=lambda r: r.position)):
        edition.criteria.append(Criterion(**criterion_texts(row), weight=row.weight, position=position))
    db.session.add(edition)
    db.session.flush()
    record(
        "edition.created",
        edition,
        edition_id=edition.id,
        after={**edition_snapshot(edition), "criteria": [criterion_snapshot(c) for c in edition.criteria]},
        actor=actor,
    )
    return edition


def _same_minute(stored: datetime | None, submitted: datetime | None) -> bool:
    if stored is None or submitted is None:
        return stored is submitted
    return stored.replace(second=0, microsecond=0) == submitted


def _kept(rows: list[CriterionChange]) -> list[CriterionChange]:
    return [row for row in rows if not row.remove]


class LockedChange(Exception):
    """A change to criteria, weights or scale after score sheets exist."""


def update_edition(edition: Edition, data: EditionValues, *, locked: bool, actor=None) -> bool:
    """Apply the form to the edition; returns True when something changed.

    When the criteria are locked, data must carry no scale values and no criteria (the form leaves them out);
    anything else raises LockedChange before a single attribute is touched.
    """
    if locked and (data.criteria or any(name in data.values for name in LOCKED_EDITION_FIELDS)):
        raise LockedChange
    before = edition_snapshot(edition)
    for name, value in data.values.items():
        if name in DATE_FIELDS and _same_minute(getattr(edition, name), value):
            continue  # the form shows minutes: keep the stored seconds when the minute is unchanged
        setattr(edition, name, value)
    after = edition_snapshot(edition)
    changed = before != after
    if changed:
        record(
            "edition.updated",
            edition,
            edition_id=edition.id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
            actor=actor,
        )
    if not locked:
        changed = _apply_criteria(edition, data.criteria, actor) or changed
    db.session.flush()
    return changed


def _apply_criteria(edition: Edition, rows: list[CriterionChange], actor) -> bool:
    existing = {c.id: c for c in edition.criteria}
    befores = {c.id: criterion_snapshot(c) for c in edition.criteria}
    changed = False
    for row in rows:
        if row.remove and row.id in existing:
            criterion = existing.pop(row.id)
            record("criterion.removed", criterion, edition_id=edition.id, before=befores[row.id], actor=actor)
            edition.criteria.remove(criterion)
            changed = True
    # Deletions and renames reach the database before new names do: a criterion's name is unique in its
    # edition in each language, and a name may move from one row to another in the same save.
    db.session.flush()
    renamed = [
        existing[r.id]
        for r in rows
        if r.id in existing and (existing[r.id].name_en, existing[r.id].name_fr) != (r.name_en, r.name_fr)
    ]
    for criterion in renamed:
        criterion.name_en = criterion.name_fr = f"~{criterion.id}~"
    if renamed:
        db.session.flush()

    kept: list[tuple[tuple[int, int], Criterion, dict | None]] = []
    for order, row in enumerate(rows):
        if row.remove:
            continue
        criterion = existing.get(row.id) if row.id is not None else None
        before = befores.get(row.id) if criterion is not None else None
        if criterion is None:
            criterion = Criterion()
            edition.criteria.append(criterion)
        for name, text in criterion_texts(row).items():
            setattr(criterion, name, text)
        criterion.weight = row.weight
        kept.append(((row.position, order), criterion, before))
    # Positions become 0..n-1 in the order asked for; equal positions keep the order of the form.
    for position, (_, criterion, _) in enumerate(sorted(kept, key=lambda item: item[0])):
        criterion.position = position
    db.session.flush()
    for _, criterion, before in kept:
        after = criterion_snapshot(criterion)
        if before is None:
            record("criterion.added", criterion, edition_id=edition.id, after=after, actor=actor)
            changed = True
        elif before != after:
            record(
                "criterion.updated",
                criterion,
                edition_id=edition.id,
                before={k: v for k, v in before.items() if after[k] != v},
                after={k: v for k, v in after.items() if before[k] != v},
                actor=actor,
            )
            changed = True
    edition.criteria.sort(key=lambda c: c.position)
    return changed


# --- Copying an edition -----------------------------------------------------------------------------


def shift_years(value, years: int):
    """The same calendar day and time `years` later (29 February becomes 28 February)."""
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def copy_values(source: Edition, years: int = 2) -> dict:
    """Form data for a new edition that starts as a copy of source, two years later."""
    old_year, new_year = str(source.year), str(source.year + years)
    slug = source.slug.replace(old_year, new_year) if old_year in source.slug else f"{source.slug}-{new_year}"
    values = plain_decimals({name: getattr(source, name) for name in EDITION_FIELDS})
    values.update(
        name_en=source.name_en.replace(old_year, new_year),
        name_fr=source.name_fr.replace(old_year, new_year),
        ordinal=source.ordinal + 1,
        year=source.year + years,
        slug=slug,
    )
    # Shift the Strasbourg wall-clock times, so "30 June, 23:59" stays 23:59 whatever the DST offsets.
    for name in ("submissions_open_at", "submissions_close_at", "judging_close_at", "results_publish_at"):
        values[name] = shift_years(utc_to_local(getattr(source, name)), years)
    values["ceremony_date"] = shift_years(source.ceremony_date, years)
    values["criteria"] = [
        {
            "id": None,
            **criterion_texts(c),
            "weight": plain_decimal(c.weight),
            "position": c.position + 1,  # the form counts from 1
        }
        for c in source.criteria
    ]
    return values


def default_dates(now: datetime | None = None) -> dict:
    """Sensible Strasbourg wall-clock dates for a new blank edition."""
    today = (now or utcnow()).astimezone(display_zone()).date()
    start = datetime(today.year, today.month, today.day, 9, 0) + timedelta(days=30)
    return {
        "submissions_open_at": start,
        "submissions_close_at": start + timedelta(days=120, hours=14, minutes=59),
        "judging_close_at": start + timedelta(days=180, hours=14, minutes=59),
    }
