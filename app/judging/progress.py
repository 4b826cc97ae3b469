"""Where judging stands, and the reminders to jurors who have sheets outstanding.

`jury_progress` reads each juror's totals (one GROUP BY, whatever the number of sheets). `entry_matrix` reads
one page of the eligible entries × the jurors (a `Cell` each), filtered by the entries' state or by a search,
in a fixed number of statements. `remind` is the one write: it chooses who is reminded (at most once per
REMINDER_INTERVAL), notes the time, audits, and queues the reminders; the caller commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, exists, func, or_, select
from sqlalchemy.orm import contains_eager

from app.audit.services import record
from app.auth.models import Organisation, User
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.judging import notifications
from app.judging.conflicts import excluded_pairs, exclusion_label
from app.judging.enums import Cell
from app.judging.models import Assignment, JuryMember, ScoreSheet
from app.judging.queries import SheetCounts, cell_column, jury, live_assignments, status_counts
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

REMINDER_INTERVAL = timedelta(days=1)
ENTRIES_PER_PAGE = 50
SEARCH_MAX = 100  # characters of a search kept

# What an entry's row may be filtered on (`?status=`): its live sheets' states.
ENTRY_FILTERS = ("not_started", "draft", "complete", "short")


def _jury_assignments(edition: Edition, juror_ids):
    """Assignments of these jurors (the edition's jury) on the edition's eligible entries, with their
    sheet. The jury is a list of ids: joining its table made SQLite's plan 3 times slower."""
    return live_assignments(Application.edition_id == edition.id, Assignment.juror_id.in_(list(juror_ids)))


@dataclass
class JurorProgress(SheetCounts):
    member: JuryMember
    counts: Counter = field(default_factory=Counter)

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class Progress:
    """Where judging stands: each juror's totals, the eligible entries, the applications' statuses."""

    edition: Edition
    jurors: list[JurorProgress]
    entry_count: int
    statuses: dict[str, int]

    @property
    def expected(self) -> int:
        return sum(juror.assigned for juror in self.jurors)

    @property
    def submitted(self) -> int:
        return sum(juror.submitted for juror in self.jurors)

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.expected) if self.expected else 0

    @property
    def awaiting_screening(self) -> int:
        return self.statuses.get(ApplicationStatus.SUBMITTED, 0)


def jury_progress(edition: Edition) -> Progress:
    """Each juror's totals and the edition's counts, in a fixed number of statements."""
    members = jury(edition)
    jurors = {m.user_id: JurorProgress(member=m) for m in members}
    cell = cell_column()
    rows = db.session.execute(
        _jury_assignments(edition, jurors)
        .add_columns(Assignment.juror_id, cell, func.count())
        .group_by(Assignment.juror_id, cell)
    )
    for juror_id, state, count in rows:
        jurors[juror_id].counts[Cell(state)] += count
    statuses = status_counts(edition)
    return Progress(
        edition=edition,
        jurors=list(jurors.values()),
        entry_count=statuses.get(ApplicationStatus.ELIGIBLE, 0),
        statuses=statuses,
    )


def judging_started(edition: Edition) -> bool:
    """Some juror has written a sheet or recused: a balanced plan would undo their work."""
    started = (
        select(Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(
            Application.edition_id == edition.id,
            or_(ScoreSheet.id.is_not(None), Assignment.recused_at.is_not(None)),
        )
    )
    return bool(db.session.scalar(select(exists(started))))


# --- One page of the entries × jurors ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlacedAssignment:
    """What a matrix cell needs of an assignment: its id (to remove it) and what became of it."""

    id: int
    cell: Cell


@dataclass(frozen=True)
class EntryFilter:
    """The entries asked for: `status` one of ENTRY_FILTERS or "", `search` part of a reference, a title
    or an organisation's name."""

    status: str = ""
    search: str = ""

    @classmethod
    def of(cls, args) -> EntryFilter:
        status = args.get("status", "")
        # NUL is no character of a name or a reference (and PostgreSQL refuses it in a query).
        search = " ".join(args.get("q", "").replace("\x00", " ").split())[:SEARCH_MAX]
        return cls(status=status if status in ENTRY_FILTERS else "", search=search)

    @property
    def active(self) -> bool:
        return bool(self.status or self.search)


@dataclass
class EntryMatrix:
    """One page of the eligible entries (by number) × every juror."""

    page: Pagination
    jurors: list[JurorProgress]
    cells: dict[tuple[int, int], Cell]
    assignments: dict[tuple[int, int], PlacedAssignment]
    reasons: dict[tuple[int, int], tuple]
    live: dict[int, int]  # entry id -> jurors expected to score it
    submitted: dict[int, int]  # entry id -> sheets submitted on it

    @property
    def entries(self) -> list[Application]:
        return list(self.page.items)

    def cell(self, juror_id: int, application_id: int) -> Cell:
        return self.cells.get((juror_id, application_id), Cell.NOT_ASSIGNED)

    def why(self, juror_id: int, application_id: int) -> str:
        """Why the juror may not score the entry, in words; '' when they may."""
        return ", ".join(
            exclusion_label(reason) for reason in self.reasons.get((juror_id, application_id), ())
        )

    def jurors_on(self, application_id: int) -> int:
        return self.live.get(application_id, 0)

    def submitted_on(self, application_id: int) -> int:
        return self.submitted.get(application_id, 0)

    @property
    def rows(self) -> list[tuple[Application, list[tuple[JurorProgress, Cell, str]], int, int]]:
        """Per entry of the page: each juror's cell and why they may not score it, then the sheets
        submitted and expected (worked out here: a template's calls per cell cost more than the query)."""
        return [
            (
                entry,
                [
                    (
                        juror,
                        self.cell(juror.member.user_id, entry.id),
                        self.why(juror.member.user_id, entry.id),
                    )
                    for juror in self.jurors
                ],
                self.submitted_on(entry.id),
                self.jurors_on(entry.id),
            )
            for entry in self.page.items
        ]

    @property
    def excluded_list(self) -> list[tuple[JuryMember, Application, tuple]]:
        """The excluded pairs among this page's entries, by entry then juror."""
        members = {juror.member.user_id: juror.member for juror in self.jurors}
        entries = {entry.id: entry for entry in self.page.items}
        return [
            (members[juror_id], entries[entry_id], reasons)
            for (juror_id, entry_id), reasons in sorted(
                self.reasons.items(),
                key=lambda pair: (entries[pair[0][1]].number, members[pair[0][0]].user.name),
            )
        ]


def _entry_totals(edition: Edition, juror_ids):
    """Per eligible entry: live assignments, submitted, draft and not started sheets (a subquery)."""
    cell = cell_column()

    def count(*cells: Cell):
        return func.coalesce(func.sum(case((cell.in_([c.value for c in cells]), 1), else_=0)), 0)

    return (
        _jury_assignments(edition, juror_ids)
        .add_columns(
            Assignment.application_id.label("application_id"),
            count(Cell.NOT_STARTED, Cell.DRAFT, Cell.SUBMITTED).label("live"),
            count(Cell.SUBMITTED).label("submitted"),
            count(Cell.DRAFT).label("draft"),
            count(Cell.NOT_STARTED).label("not_started"),
        )
        .group_by(Assignment.application_id)
        .subquery()
    )


def entry_matrix(
    edition: Edition, jurors: list[JurorProgress], page: int, wanted: EntryFilter = EntryFilter()
) -> EntryMatrix:
    """One page of ENTRIES_PER_PAGE eligible entries (by number, filtered) with every juror's cell."""
    members = [juror.member for juror in jurors]
    member_ids = {m.user_id for m in members}
    query = (
        select(Application)
        .join(Organisation, Organisation.id == Application.organisation_id)
        .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
        .options(contains_eager(Application.organisation))
        .order_by(Application.number)
    )
    if wanted.status:  # only then are the entries' totals needed to choose them
        totals = _entry_totals(edition, member_ids)
        live = func.coalesce(totals.c.live, 0)
        done = func.coalesce(totals.c.submitted, 0)
        query = query.outerjoin(totals, totals.c.application_id == Application.id)
        if wanted.status == "not_started":
            query = query.where(totals.c.not_started > 0)
        elif wanted.status == "draft":
            query = query.where(totals.c.draft > 0)
        elif wanted.status == "complete":
            query = query.where(live > 0, done == live)
        elif wanted.status == "short":
            query = query.where(done < edition.min_sheets_per_entry)
    if wanted.search:
        pattern = "%" + wanted.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            or_(
                Application.reference.ilike(pattern, escape="\\"),
                Application.title.ilike(pattern, escape="\\"),
                Organisation.name.ilike(pattern, escape="\\"),
            )
        )
    pagination = db.paginate(query, page=page, per_page=ENTRIES_PER_PAGE, error_out=False)
    entries = list(pagination.items)
    placed: dict[tuple[int, int], PlacedAssignment] = {}
    if entries and members:
        rows = db.session.execute(
            select(Assignment.juror_id, Assignment.application_id, Assignment.id, cell_column())
            .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.application_id.in_([e.id for e in entries]))
        )
        placed = {
            (juror_id, entry_id): PlacedAssignment(assignment_id, Cell(state))
            for juror_id, entry_id, assignment_id, state in rows
            if juror_id in member_ids
        }
    reasons = excluded_pairs(members, entries)
    cells: dict[tuple[int, int], Cell] = {pair: Cell.EXCLUDED for pair in reasons}
    # An assignment made before a conflict came to light still shows what happened to it.
    cells.update({pair: a.cell for pair, a in placed.items()})
    live_on: Counter = Counter()
    submitted_on: Counter = Counter()
    for (_juror_id, entry_id), a in placed.items():
        if a.cell in (Cell.NOT_STARTED, Cell.DRAFT, Cell.SUBMITTED):
            live_on[entry_id] += 1
        if a.cell == Cell.SUBMITTED:
            submitted_on[entry_id] += 1
    return EntryMatrix(
        page=pagination,
        jurors=jurors,
        cells=cells,
        assignments=placed,
        reasons=reasons,
        live=dict(live_on),
        submitted=dict(submitted_on),
    )


# --- Reminders --------------------------------------------------------------------------------------------


@dataclass
class ReminderRun:
    sent: list[JurorProgress] = field(default_factory=list)
    recently_reminded: list[JurorProgress] = field(default_factory=list)
    nothing_due: list[JurorProgress] = field(default_factory=list)


def remind(edition: Edition, actor: User, now: datetime | None = None) -> ReminderRun:
    """Remind every active juror with outstanding sheets who was not reminded in the last day: note the
    time and queue their email. The others are listed, with why they were skipped."""
    now = now or utcnow()
    run = ReminderRun()
    for juror in jury_progress(edition).jurors:
        last = juror.member.last_reminded_at
        if juror.outstanding == 0 or not juror.member.user.active:
            run.nothing_due.append(juror)
        elif last is not None and now - last < REMINDER_INTERVAL:
            run.recently_reminded.append(juror)
        else:
            juror.member.last_reminded_at = now
            run.sent.append(juror)
    if run.sent:
        record(
            "jury.reminded",
            edition,
            after={"jurors": [juror.member.user.email for juror in run.sent]},
            edition_id=edition.id,
            actor=actor,
        )
    db.session.flush()
    for juror in run.sent:
        notifications.notify_reminder(
            edition,
            juror.member.user,
            outstanding=juror.outstanding,
            submitted=juror.submitted,
            assigned=juror.assigned,
        )
    return run
