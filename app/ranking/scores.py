"""What the ranking is computed from, read in a fixed number of queries and in two parts.

`load_scores` reads the cheap part, on every view and never cached: the criteria, the eligible entries with
their organisations' names and the jury with its names (names may change at any time). `load_sheets` reads
the expensive part, the counted sheets (submitted, not recused, eligible entry, juror still on the jury), one
row per sheet with its scores aggregated in SQL, as the plain `scoring.Sheet`s the pure engine ranks; it
runs only when the edition's ranking is not in the cache (`app/ranking/numbers.py`). `all_sheets` streams
every sheet, whatever its state, for the exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import Float, case, cast, exists, func, select

from app.auth.models import Organisation, User
from app.contests.models import Criterion, Edition
from app.extensions import db
from app.judging.enums import SheetStatus
from app.judging.models import Assignment, CriterionScore, JuryMember, ScoreSheet
from app.ranking import scoring
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application


@dataclass(frozen=True)
class Entry:
    """An eligible application as the ranking shows it."""

    id: int
    reference: str
    title: str
    summary: str
    organisation_id: int
    organisation: str
    organisation_kind: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Juror:
    id: int
    name: str
    country: str | None
    is_chair: bool


@dataclass(frozen=True)
class EditionScores:
    """An edition's eligible entries, criteria and jury: what the ranking shows beside its numbers."""

    edition: Edition
    entries: Mapping[int, Entry]  # by application id, in reference order
    criteria: tuple[Criterion, ...]  # in the edition's order
    jurors: Mapping[int, Juror]  # the jury, by user id, in name order

    @property
    def scale(self) -> scoring.Scale:
        edition = self.edition
        return scoring.Scale(float(edition.score_min), float(edition.score_max), float(edition.score_step))

    @property
    def scoring_criteria(self) -> tuple[scoring.Criterion, ...]:
        return tuple(scoring.Criterion(c.id, float(c.weight), c.position) for c in self.criteria)

    @property
    def tie_break(self) -> tuple[int, ...]:
        known = {criterion.id for criterion in self.criteria}
        return tuple(cid for cid in (self.edition.tie_break_criteria or ()) if cid in known)


@dataclass(frozen=True)
class CountedSheets:
    """The sheets that count, and how many submitted sheets were left out for lacking a score."""

    sheets: tuple[scoring.Sheet, ...]
    incomplete: int


def load_scores(edition: Edition) -> EditionScores:
    """Read the entries, criteria and jury in three queries, whatever the size of the edition."""
    criteria = tuple(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.edition_id == edition.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    entry_rows = db.session.execute(
        select(
            Application.id,
            Application.reference,
            Application.title,
            Application.summary,
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation"),
            Organisation.kind.label("organisation_kind"),
            Organisation.country,
        )
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.number)
    ).all()
    entries = {row.id: Entry(**row._mapping) for row in entry_rows}
    juror_rows = db.session.execute(
        select(User.id, User.name, User.country, JuryMember.is_chair)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.edition_id == edition.id)
        .order_by(User.name, User.id)
    ).all()
    jurors = {row.id: Juror(row.id, row.name, row.country, row.is_chair) for row in juror_rows}
    return EditionScores(edition, entries, criteria, jurors)


def load_sheets(scores: EditionScores) -> CountedSheets:
    """The counted sheets in one query, one row per sheet with a column per criterion.

    A sheet counts when it is submitted, its assignment is not recused, its application is eligible and its
    juror is still on the edition's jury. A counted sheet lacking a score is left out and counted apart.
    """
    criteria = scores.criteria
    if not criteria:
        return CountedSheets((), 0)
    edition_id = scores.edition.id
    value = cast(CriterionScore.value, Float)
    columns = [func.max(case((CriterionScore.criterion_id == c.id, value))) for c in criteria]
    rows = db.session.execute(
        select(Assignment.juror_id, Assignment.application_id, *columns)
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(CriterionScore, CriterionScore.sheet_id == ScoreSheet.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition_id,
            Application.status == ApplicationStatus.ELIGIBLE,
            ScoreSheet.status == SheetStatus.SUBMITTED,
            Assignment.recused_at.is_(None),
            exists().where(JuryMember.edition_id == edition_id, JuryMember.user_id == Assignment.juror_id),
        )
        .group_by(ScoreSheet.id, Assignment.juror_id, Assignment.application_id)
        .order_by(Assignment.juror_id, Assignment.application_id)
    ).all()
    ids = [criterion.id for criterion in criteria]
    sheets, incomplete = [], 0
    for juror_id, entry_id, *values in rows:
        if None in values:
            incomplete += 1
        else:
            sheets.append(scoring.Sheet(juror_id, entry_id, dict(zip(ids, values, strict=True))))
    return CountedSheets(tuple(sheets), incomplete)


# --- Every score sheet, for the exports ---------------------------------------------------------------------

SHEETS_CHUNK = 1000  # rows fetched from the database at a time while an export is written


@dataclass(frozen=True)
class SheetRecord:
    """One score sheet of the edition, whatever its state."""

    entry_reference: str
    organisation: str
    country: str
    juror: str
    juror_country: str | None
    status: str
    recused: bool
    submitted_at: datetime | None
    scores: Mapping[int, float | None]  # by criterion id
    comments: Mapping[int, str]
    overall_comment: str
    total: float | None  # None unless every criterion is scored


def all_sheets(edition: Edition, criteria: Sequence[Criterion]) -> Iterator[SheetRecord]:
    """Every score sheet of the edition (drafts and recused ones included), in entry then juror order.

    One query joining the sheets to their scores, read in chunks of SHEETS_CHUNK rows (a server-side cursor
    where the database has one) and turned into one record at a time: what it holds in memory does not grow
    with the number of sheets. Consume it whole, or close it.
    """
    statement = (
        select(
            ScoreSheet.id.label("sheet_id"),
            ScoreSheet.status,
            ScoreSheet.submitted_at,
            ScoreSheet.overall_comment,
            Assignment.recused_at,
            Application.reference,
            Organisation.name.label("organisation"),
            Organisation.country,
            User.name.label("juror"),
            User.country.label("juror_country"),
            CriterionScore.criterion_id,
            CriterionScore.value,
            CriterionScore.comment,
        )
        .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
        .join(Application, Application.id == Assignment.application_id)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .join(User, User.id == Assignment.juror_id)
        .outerjoin(CriterionScore, CriterionScore.sheet_id == ScoreSheet.id)
        .where(Application.edition_id == edition.id)
        .order_by(Application.number, User.name, User.id, ScoreSheet.id, CriterionScore.criterion_id)
        .execution_options(yield_per=SHEETS_CHUNK)
    )
    scoring_criteria = [scoring.Criterion(c.id, float(c.weight), c.position) for c in criteria]
    criterion_ids = {c.id for c in criteria}
    result = db.session.execute(statement)
    try:
        for _, rows in groupby(result, key=lambda row: row.sheet_id):
            yield _sheet_record(list(rows), criterion_ids, scoring_criteria)
    finally:
        result.close()


def _sheet_record(
    rows: list, criterion_ids: set[int], scoring_criteria: list[scoring.Criterion]
) -> SheetRecord:
    """One sheet's record from its rows (one per criterion score, or one with no score)."""
    first = rows[0]
    scored = [row for row in rows if row.criterion_id is not None]
    values = {row.criterion_id: None if row.value is None else float(row.value) for row in scored}
    complete = {cid: value for cid, value in values.items() if value is not None}
    total = None
    if criterion_ids and set(complete) == criterion_ids:
        total = scoring.sheet_total(scoring.Sheet(0, 0, complete), scoring_criteria)
    return SheetRecord(
        entry_reference=first.reference,
        organisation=first.organisation,
        country=first.country,
        juror=first.juror,
        juror_country=first.juror_country,
        status=first.status,
        recused=first.recused_at is not None,
        submitted_at=first.submitted_at,
        scores=values,
        comments={row.criterion_id: row.comment for row in scored},
        overall_comment=first.overall_comment,
        total=total,
    )
