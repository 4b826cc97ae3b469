"""Where judging stands, and the reminders to jurors who have sheets outstanding.

`progress` reads the matrix of every juror × eligible entry (a `Cell` each) with its totals. `remind` is the
one write: it chooses who is reminded (at most once per REMINDER_INTERVAL), notes the time, audits, and queues
the reminders; the caller commits.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.audit.services import record
from app.auth.models import User
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.judging import notifications
from app.judging.conflicts import excluded_pairs, exclusion_label
from app.judging.enums import Cell
from app.judging.models import Assignment, JuryMember
from app.judging.queries import cell_of, edition_assignments, eligible_entries, jury, status_counts
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

REMINDER_INTERVAL = timedelta(days=1)


@dataclass
class JurorProgress:
    member: JuryMember
    counts: Counter = field(default_factory=Counter)

    @property
    def assigned(self) -> int:
        """Sheets expected from this juror: assignments they have not recused from."""
        return self.counts[Cell.NOT_STARTED] + self.counts[Cell.DRAFT] + self.counts[Cell.SUBMITTED]

    @property
    def submitted(self) -> int:
        return self.counts[Cell.SUBMITTED]

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.assigned) if self.assigned else 0


@dataclass
class Progress:
    """Where judging stands: every juror × eligible entry, and the totals."""

    edition: Edition
    entries: list[Application]
    jurors: list[JurorProgress]
    cells: dict[tuple[int, int], Cell]
    assignments: dict[tuple[int, int], Assignment]
    reasons: dict[tuple[int, int], tuple]
    statuses: dict[str, int]

    def cell(self, juror_id: int, application_id: int) -> Cell:
        return self.cells.get((juror_id, application_id), Cell.NOT_ASSIGNED)

    def why(self, juror_id: int, application_id: int) -> str:
        """Why the juror may not score the entry, in words; '' when they may."""
        return ", ".join(
            exclusion_label(reason) for reason in self.reasons.get((juror_id, application_id), ())
        )

    def jurors_on(self, application_id: int) -> int:
        return sum(
            1
            for juror in self.jurors
            if self.cell(juror.member.user_id, application_id)
            in (Cell.NOT_STARTED, Cell.DRAFT, Cell.SUBMITTED)
        )

    def submitted_on(self, application_id: int) -> int:
        return sum(
            1 for juror in self.jurors if self.cell(juror.member.user_id, application_id) == Cell.SUBMITTED
        )

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

    @property
    def started(self) -> bool:
        """Some juror has written a sheet or recused: a balanced plan would undo their work."""
        return any(a.sheet is not None or a.is_recused for a in self.assignments.values())

    @property
    def excluded_list(self) -> list[tuple[JuryMember, Application, tuple]]:
        members = {juror.member.user_id: juror.member for juror in self.jurors}
        entries = {entry.id: entry for entry in self.entries}
        return [
            (members[juror_id], entries[entry_id], reasons)
            for (juror_id, entry_id), reasons in sorted(
                self.reasons.items(),
                key=lambda pair: (entries[pair[0][1]].number, members[pair[0][0]].user.name),
            )
        ]


def progress(edition: Edition) -> Progress:
    """The matrix of the edition's jurors × eligible entries, in a fixed number of queries."""
    members = jury(edition)
    entries = eligible_entries(edition)
    member_ids = {m.user_id for m in members}
    entry_ids = {e.id for e in entries}
    by_pair = {
        (a.juror_id, a.application_id): a
        for a in edition_assignments(edition)
        if a.juror_id in member_ids and a.application_id in entry_ids
    }
    reasons = excluded_pairs(members, entries)
    cells: dict[tuple[int, int], Cell] = {pair: Cell.EXCLUDED for pair in reasons}
    # An assignment made before a conflict came to light still shows what happened to it.
    cells.update({pair: cell_of(a) for pair, a in by_pair.items()})
    jurors = [JurorProgress(member=m) for m in members]
    for juror in jurors:
        for entry in entries:
            juror.counts[cells.get((juror.member.user_id, entry.id), Cell.NOT_ASSIGNED)] += 1
    return Progress(
        edition=edition,
        entries=entries,
        jurors=jurors,
        cells=cells,
        assignments=by_pair,
        reasons=reasons,
        statuses=status_counts(edition),
    )


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
    for juror in progress(edition).jurors:
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
