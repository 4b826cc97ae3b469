"""The score sheets of an edition as the plain dataclasses of `scoring`, in a fixed number of queries.

`load_scores` reads the counted sheets (submitted, not recused, eligible entry, juror still on the jury)
that `rank` feeds to the pure `scoring.rank_entries`; `all_sheets` streams every sheet, whatever its state,
for the exports.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import exists, select

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
    """An edition's eligible entries, criteria, jury and counted sheets (submitted, not recused)."""

    edition: Edition
    entries: Mapping[int, Entry]  # by application id, in reference order
    criteria: tuple[Criterion, ...]  # in the edition's order
    jurors: Mapping[int, Juror]  # the jury, by user id, in name order
    sheets: tuple[scoring.Sheet, ...]
    incomplete_sheets: int  # submitted sheets lacking a score: left out rather than failing the page

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

    def totals(self) -> dict[tuple[int, int], float]:
        """Each counted sheet's total, by (juror id, entry id)."""
        criteria = self.scoring_criteria
        return {(s.juror_id, s.entry_id): scoring.sheet_total(s, criteria) for s in self.sheets}


def load_scores(edition: Edition) -> EditionScores:
    """Read what the ranking needs in four queries, whatever the number of entries, jurors or sheets.

    A sheet counts when it is submitted, its assignment is not recused, its application is eligible and its
    juror is still on the edition's jury.
    """
    criteria = tuple(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.edition_id == edition.id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    entry_rows = db.session.execute(
        select(Application, Organisation)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
        .order_by(Application.number)
    ).all()
    entries = {
        application.id: Entry(
            id=application.id,
            reference=application.reference,
            title=application.title,
            summary=application.summary,
            organisation_id=organisation.id,
            organisation=organisation.name,
            organisation_kind=organisation.kind,
            country=organisation.country,
        )
        for application, organisation in entry_rows
    }
    juror_rows = db.session.execute(
        select(User.id, User.name, User.country, JuryMember.is_chair)
        .join(JuryMember, JuryMember.user_id == User.id)
        .where(JuryMember.edition_id == edition.id)
        .order_by(User.name, User.id)
    ).all()
    jurors = {row.id: Juror(row.id, row.name, row.country, row.is_chair) for row in juror_rows}
    score_rows = db.session.execute(
        select(
            Assignment.juror_id, Assignment.application_id, CriterionScore.criterion_id, CriterionScore.value
        )
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(CriterionScore, CriterionScore.sheet_id == ScoreSheet.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Application.edition_id == edition.id,
            Application.status == ApplicationStatus.ELIGIBLE,
            ScoreSheet.status == SheetStatus.SUBMITTED,
            Assignment.recused_at.is_(None),
            exists().where(JuryMember.edition_id == edition.id, JuryMember.user_id == Assignment.juror_id),
        )
    ).all()
    scores: dict[tuple[int, int], dict[int, float | None]] = {}
    for juror_id, entry_id, criterion_id, value in score_rows:
        scores.setdefault((juror_id, entry_id), {})[criterion_id] = None if value is None else float(value)
    criterion_ids = {criterion.id for criterion in criteria}
    sheets, incomplete = [], 0
    for (juror_id, entry_id), values in sorted(scores.items()):
        complete = {cid: value for cid, value in values.items() if cid in criterion_ids and value is not None}
        if set(complete) == criterion_ids:
            sheets.append(scoring.Sheet(juror_id, entry_id, complete))
        else:
            incomplete += 1
    return EditionScores(edition, entries, criteria, jurors, tuple(sheets), incomplete)


def rank(scores: EditionScores, method: str | None = None) -> scoring.Ranking | None:
    """The edition's ranking under `method` (default: the edition's own); None without criteria."""
    if not scores.criteria:
        return None
    edition = scores.edition
    return scoring.rank_entries(
        entry_ids=scores.entries,
        sheets=scores.sheets,
        criteria=scores.scoring_criteria,
        scale=scores.scale,
        method=method or edition.aggregation,
        prizes=edition.prizes_count,
        tie_break=scores.tie_break,
        min_sheets=edition.min_sheets_per_entry,
    )


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
