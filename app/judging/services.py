"""The jury's work: screening, the jury, assignments, score sheets, recusals, progress and reminders.

Services change the session and flush; the route commits once and sends emails after the commit.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.audit.services import record
from app.auth.enums import Role
from app.auth.models import User
from app.contests.enums import Phase
from app.contests.models import Criterion, Edition
from app.db import utcnow
from app.extensions import db
from app.judging import allocation
from app.judging.allocation import Exclusion
from app.judging.enums import SheetStatus
from app.judging.forms import format_score
from app.judging.models import Assignment, ConflictOfInterest, CriterionScore, JuryMember, ScoreSheet
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

REMINDER_INTERVAL = timedelta(days=1)
SCREENABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


class JudgingError(Exception):
    """A refused request; `message` says why, for the person who asked."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def exclusion_label(reason: Exclusion) -> str:
    return {
        Exclusion.SAME_COUNTRY: _("same country"),
        Exclusion.DECLARED_CONFLICT: _("declared conflict of interest"),
    }[reason]


# --- Screening -------------------------------------------------------------------------------------------


def screening_list(edition: Edition) -> list[Application]:
    """The applications to screen: every submitted one, screened or not, by number."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition.id, Application.status.in_(SCREENABLE))
            .options(joinedload(Application.organisation))
            .order_by(Application.number)
        )
    )


def sheets_per_application(edition: Edition) -> dict[int, int]:
    """How many score sheets (draft or submitted) each application of the edition has."""
    rows = db.session.execute(
        select(Assignment.application_id, func.count(ScoreSheet.id))
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.edition_id == edition.id)
        .group_by(Assignment.application_id)
    )
    return {application_id: count for application_id, count in rows}


def screen(application: Application, eligible: bool, reason: str, actor: User) -> bool:
    """Record the eligibility decision; False when it is the one already recorded.

    Sheets already written for an application that becomes ineligible are kept (never deleted); the entry
    simply leaves the jury's lists and the ranking, and comes back if it is made eligible again.
    """
    status = ApplicationStatus.ELIGIBLE if eligible else ApplicationStatus.INELIGIBLE
    reason = reason.strip()
    if application.status not in SCREENABLE:
        raise JudgingError(_("Only submitted applications can be screened."))
    if not eligible and not reason:
        raise JudgingError(_("Give the reason why the application is ineligible."))
    if application.status == status and application.eligibility_reason == reason:
        return False
    before = {"status": str(application.status), "reason": application.eligibility_reason}
    application.status = status
    application.eligibility_reason = reason
    application.screened_at = utcnow()
    application.screened_by_id = actor.id
    record(
        "application.screened",
        application,
        before=before,
        after={"status": str(status), "reason": reason},
        actor=actor,
    )
    db.session.flush()
    return True


def applicant_emails(application: Application) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.organisation_id == application.organisation_id,
                User.role == Role.APPLICANT,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def status_counts(edition: Edition) -> dict[str, int]:
    rows = db.session.execute(
        select(Application.status, func.count())
        .where(Application.edition_id == edition.id)
        .group_by(Application.status)
    )
    return {str(status): count for status, count in rows}


# --- The jury --------------------------------------------------------------------------------------------


def jury(edition: Edition) -> list[JuryMember]:
    """The jurors of the edition, the chair first, then by name."""
    return list(
        db.session.scalars(
            select(JuryMember)
            .join(User, User.id == JuryMember.user_id)
            .where(JuryMember.edition_id == edition.id)
            .options(contains_eager(JuryMember.user))
            .order_by(JuryMember.is_chair.desc(), User.name, User.id)
        )
    )


def membership(edition: Edition, user: User) -> JuryMember | None:
    return db.session.scalar(
        select(JuryMember).where(JuryMember.edition_id == edition.id, JuryMember.user_id == user.id)
    )


@dataclass
class Invitation:
    member: JuryMember
    user: User
    created: bool  # a new account was made
    needs_link: bool  # the account has no password yet: the email carries a set-password link


def invite_juror(edition: Edition, name: str, email: str, country: str, actor: User) -> Invitation:
    """Add a juror to the jury, creating their account (without a password) when there is none."""
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    created = user is None
    if user is None:
        user = User(
            email=email, name=name.strip(), role=Role.JUROR, country=country.upper(), invited_at=utcnow()
        )
        db.session.add(user)
        db.session.flush()
        record(
            "user.invite", user, after={"email": email, "role": "juror", "country": user.country}, actor=actor
        )
    elif user.role != Role.JUROR:
        raise JudgingError(
            _(
                "%(email)s belongs to an account that is not a juror's: jurors need an account of their own.",
                email=email,
            )
        )
    elif not user.active:
        raise JudgingError(_("The account of %(email)s is deactivated: reactivate it first.", email=email))
    elif membership(edition, user) is not None:
        raise JudgingError(_("%(name)s is already on the jury.", name=user.name))
    elif not user.country:
        user.country = country.upper()
    member = JuryMember(edition_id=edition.id, user_id=user.id)
    db.session.add(member)
    db.session.flush()
    record(
        "jury.juror_added",
        member,
        after={"juror": user.email, "name": user.name, "country": user.country},
        edition_id=edition.id,
        actor=actor,
    )
    if not created and not user.has_password:
        user.invited_at = utcnow()
    return Invitation(member=member, user=user, created=created, needs_link=not user.has_password)


def _assignments_of_member(member: JuryMember) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(Assignment.juror_id == member.user_id, Application.edition_id == member.edition_id)
            .options(selectinload(Assignment.sheet))
        )
    )


def remove_juror(member: JuryMember, actor: User) -> int:
    """Take a juror off the jury with their assignments; returns how many draft sheets were discarded.

    Refused while the juror holds a submitted sheet in the edition: submitted work is never deleted.
    """
    items = _assignments_of_member(member)
    statuses = Counter(a.sheet.status for a in items if a.sheet is not None)
    if statuses[SheetStatus.SUBMITTED]:
        raise JudgingError(
            _(
                "%(name)s has submitted %(count)d score sheets in this edition: a juror with submitted "
                "sheets stays on the jury, so that their work is never lost.",
                name=member.user.name,
                count=statuses[SheetStatus.SUBMITTED],
            )
        )
    drafts = statuses[SheetStatus.DRAFT]
    record(
        "jury.juror_removed",
        member,
        before={
            "juror": member.user.email,
            "chair": member.is_chair,
            "assignments": len(items),
            "draft_sheets": drafts,
        },
        edition_id=member.edition_id,
        actor=actor,
    )
    _delete_assignments(items)
    db.session.delete(member)
    db.session.flush()
    return drafts


def _delete_assignments(items: list[Assignment]) -> None:
    for item in items:
        if item.sheet is not None:
            db.session.delete(item.sheet)  # its scores go with it
        db.session.delete(item)


def name_chair(member: JuryMember, actor: User) -> None:
    """Make this juror the chair; the edition has one chair, so the previous one steps down."""
    previous = db.session.scalar(
        select(JuryMember).where(JuryMember.edition_id == member.edition_id, JuryMember.is_chair.is_(True))
    )
    if previous is member:
        return
    if previous is not None:
        previous.is_chair = False
    member.is_chair = True
    record(
        "jury.chair_named",
        member,
        before={"chair": previous.user.email if previous else None},
        after={"chair": member.user.email},
        edition_id=member.edition_id,
        actor=actor,
    )
    db.session.flush()


# --- Assignments -----------------------------------------------------------------------------------------


def eligible_entries(edition: Edition) -> list[Application]:
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
            .options(joinedload(Application.organisation))
            .order_by(Application.number)
        )
    )


def excluded_pairs(members: list[JuryMember], entries: list[Application]) -> dict[tuple[int, int], tuple]:
    """(juror id, application id) -> why that juror may not score that entry."""
    if not members or not entries:
        return {}
    declared = db.session.execute(
        select(ConflictOfInterest.juror_id, ConflictOfInterest.application_id).where(
            ConflictOfInterest.juror_id.in_([m.user_id for m in members]),
            ConflictOfInterest.application_id.in_([e.id for e in entries]),
        )
    )
    return allocation.exclusions(
        {m.user_id: m.user.country for m in members},
        {e.id: e.organisation.country for e in entries},
        [tuple(row) for row in declared],
    )


def edition_assignments(edition: Edition) -> list[Assignment]:
    """Every assignment of the edition, with its sheet (scores not loaded)."""
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.edition_id == edition.id)
            .options(selectinload(Assignment.sheet).load_only(ScoreSheet.status, ScoreSheet.assignment_id))
        )
    )


def assign_all(edition: Edition, actor: User) -> int:
    """Assign every juror every eligible entry they may score; returns how many assignments were added."""
    members, entries = jury(edition), eligible_entries(edition)
    existing = {(a.juror_id, a.application_id) for a in edition_assignments(edition)}
    wanted = allocation.every_pair(
        [m.user_id for m in members], [e.id for e in entries], excluded_pairs(members, entries)
    )
    new = sorted(wanted - existing, key=lambda pair: (pair[1], pair[0]))
    db.session.add_all(Assignment(juror_id=juror_id, application_id=entry_id) for juror_id, entry_id in new)
    if new:
        record("assignments.all", edition, after={"added": len(new)}, edition_id=edition.id, actor=actor)
    db.session.flush()
    return len(new)


def assign_balanced(edition: Edition, k: int, actor: User) -> allocation.Plan:
    """Replace every assignment with a balanced plan of k jurors per entry (seeded by the edition's id).

    Only before any juror started: replacing assignments must never throw away a sheet or a recusal.
    """
    current = edition_assignments(edition)
    if any(a.sheet is not None or a.is_recused for a in current):
        raise JudgingError(
            _(
                "Jurors have started scoring or have recused themselves: automatic assignment would undo "
                "their work. Add or remove assignments one by one instead."
            )
        )
    members, entries = jury(edition), eligible_entries(edition)
    if not members or not entries:
        raise JudgingError(_("Automatic assignment needs jurors and eligible entries."))
    plan = allocation.balanced(
        [m.user_id for m in members],
        [e.id for e in entries],
        k,
        excluded=excluded_pairs(members, entries),
        seed=edition.id,
    )
    _delete_assignments(current)
    db.session.flush()
    db.session.add_all(
        Assignment(juror_id=juror_id, application_id=entry_id)
        for juror_id, entry_id in sorted(plan.pairs, key=lambda pair: (pair[1], pair[0]))
    )
    record(
        "assignments.balanced",
        edition,
        before={"assignments": len(current)},
        after={"jurors_per_entry": k, "assignments": len(plan.pairs), "short_entries": len(plan.shortfall)},
        edition_id=edition.id,
        actor=actor,
    )
    db.session.flush()
    return plan


def add_assignment(edition: Edition, juror_id: int, application_id: int, actor: User) -> Assignment:
    members = [m for m in jury(edition) if m.user_id == juror_id]
    entries = [e for e in eligible_entries(edition) if e.id == application_id]
    if not members:
        raise JudgingError(_("Only a member of this edition's jury can be assigned an entry."))
    if not entries:
        raise JudgingError(_("Only an eligible entry of this edition can be assigned."))
    reasons = excluded_pairs(members, entries).get((juror_id, application_id))
    if reasons:
        raise JudgingError(
            _(
                "%(name)s may not score %(reference)s: %(reasons)s.",
                name=members[0].user.name,
                reference=entries[0].reference,
                reasons=", ".join(exclusion_label(r) for r in reasons),
            )
        )
    existing = db.session.scalar(
        select(Assignment).where(Assignment.juror_id == juror_id, Assignment.application_id == application_id)
    )
    if existing is not None:
        raise JudgingError(
            _(
                "%(name)s is already assigned %(reference)s.",
                name=members[0].user.name,
                reference=entries[0].reference,
            )
        )
    item = Assignment(juror_id=juror_id, application_id=application_id)
    db.session.add(item)
    db.session.flush()
    record(
        "assignment.added",
        item,
        after={"juror": members[0].user.email, "application": entries[0].reference},
        edition_id=edition.id,
        actor=actor,
    )
    return item


def remove_assignment(item: Assignment, actor: User) -> bool:
    """Remove one assignment; True if a draft sheet went with it. Refused when its sheet was submitted."""
    sheet = item.sheet
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise JudgingError(
            _(
                "%(name)s has submitted a score sheet for %(reference)s: the assignment stays so that it "
                "is never lost.",
                name=item.juror.name,
                reference=item.application.reference,
            )
        )
    record(
        "assignment.removed",
        item,
        before={
            "juror": item.juror.email,
            "application": item.application.reference,
            "draft_sheet": sheet is not None,
            "recused": item.is_recused,
        },
        edition_id=item.application.edition_id,
        actor=actor,
    )
    _delete_assignments([item])
    db.session.flush()
    return sheet is not None


# --- Progress and reminders ------------------------------------------------------------------------------


class Cell(enum.StrEnum):
    NOT_ASSIGNED = "not_assigned"
    EXCLUDED = "excluded"
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RECUSED = "recused"


def cell_of(item: Assignment) -> Cell:
    if item.is_recused:
        return Cell.RECUSED
    if item.sheet is None:
        return Cell.NOT_STARTED
    return Cell.SUBMITTED if item.sheet.status == SheetStatus.SUBMITTED else Cell.DRAFT


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
    def excluded_list(self) -> list[tuple[JuryMember, Application, tuple]]:
        members = {juror.member.user_id: juror.member for juror in self.jurors}
        entries = {entry.id: entry for entry in self.entries}
        return [
            (members[juror_id], entries[entry_id], reasons)
            for (juror_id, entry_id), reasons in sorted(
                self.reasons.items(),
                key=lambda item: (entries[item[0][1]].number, members[item[0][0]].user.name),
            )
        ]


def progress(edition: Edition) -> Progress:
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
    """Choose who gets a reminder (outstanding sheets, not reminded in the last day) and note the time."""
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
    return run


# --- The juror's side ------------------------------------------------------------------------------------


@dataclass
class EditionWork:
    """One edition a juror judges: their live assignments, by entry number, and where they stand."""

    member: JuryMember
    assignments: list[Assignment]
    recused: list[Assignment]

    @property
    def edition(self) -> Edition:
        return self.member.edition

    @property
    def submitted(self) -> int:
        return sum(1 for a in self.assignments if cell_of(a) == Cell.SUBMITTED)

    @property
    def outstanding(self) -> int:
        return len(self.assignments) - self.submitted

    @property
    def next_to_score(self) -> Assignment | None:
        return next((a for a in self.assignments if cell_of(a) != Cell.SUBMITTED), None)


def juror_work(user: User) -> list[EditionWork]:
    """Every edition the juror judges, the newest first, with their assignments on eligible entries."""
    members = list(
        db.session.scalars(
            select(JuryMember)
            .join(Edition, Edition.id == JuryMember.edition_id)
            .where(JuryMember.user_id == user.id)
            .options(contains_eager(JuryMember.edition))
            .order_by(Edition.year.desc(), Edition.id.desc())
        )
    )
    items = db.session.scalars(
        select(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.juror_id == user.id,
            Application.edition_id.in_([m.edition_id for m in members]),
            Application.status == ApplicationStatus.ELIGIBLE,
        )
        .options(
            contains_eager(Assignment.application).joinedload(Application.organisation),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
        .order_by(Application.number)
    ).all()
    work = {m.edition_id: EditionWork(member=m, assignments=[], recused=[]) for m in members}
    for item in items:
        edition_work = work[item.application.edition_id]
        (edition_work.recused if item.is_recused else edition_work.assignments).append(item)
    return list(work.values())


def entry_assignment(assignment_id: int) -> Assignment | None:
    """An assignment with everything its entry page shows, in a fixed number of queries."""
    application = joinedload(Assignment.application)
    return db.session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            application.joinedload(Application.organisation),
            application.joinedload(Application.edition).selectinload(Edition.criteria),
            application.selectinload(Application.answers),
            application.selectinload(Application.attachments),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
    )


@dataclass
class Neighbours:
    position: int
    total: int
    previous: Assignment | None
    next: Assignment | None


def neighbours(item: Assignment) -> Neighbours:
    """Where the entry sits in the juror's list of the edition, to move to the previous and next one."""
    siblings = list(
        db.session.scalars(
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(
                Assignment.juror_id == item.juror_id,
                Assignment.recused_at.is_(None),
                Application.edition_id == item.application.edition_id,
                Application.status == ApplicationStatus.ELIGIBLE,
            )
            .options(contains_eager(Assignment.application))
            .order_by(Application.number)
        )
    )
    ids = [s.id for s in siblings]
    if item.id not in ids:
        return Neighbours(0, len(ids), None, None)
    index = ids.index(item.id)
    return Neighbours(
        position=index + 1,
        total=len(ids),
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def conflict_reasons(item: Assignment) -> tuple:
    """Why this juror may not score this entry, as known now (the country may have changed since)."""
    country = item.juror.country
    reasons = []
    if country and item.application.organisation.country.upper() == country.upper():
        reasons.append(Exclusion.SAME_COUNTRY)
    declared = db.session.scalar(
        select(ConflictOfInterest.id).where(
            ConflictOfInterest.juror_id == item.juror_id,
            ConflictOfInterest.application_id == item.application_id,
        )
    )
    if declared is not None:
        reasons.append(Exclusion.DECLARED_CONFLICT)
    return tuple(reasons)


@dataclass(frozen=True)
class SheetValues:
    """What a sheet says: scores and comments by criterion id, and the overall comment."""

    scores: dict[int, Decimal | None]
    comments: dict[int, str]
    overall_comment: str

    @classmethod
    def of(cls, sheet: ScoreSheet | None, criteria: list[Criterion]) -> SheetValues:
        saved = {s.criterion_id: s for s in sheet.scores} if sheet is not None else {}
        return cls(
            scores={c.id: saved[c.id].value if c.id in saved else None for c in criteria},
            comments={c.id: saved[c.id].comment if c.id in saved else "" for c in criteria},
            overall_comment=sheet.overall_comment if sheet is not None else "",
        )

    def is_complete(self) -> bool:
        return all(value is not None for value in self.scores.values())


@dataclass(frozen=True)
class Difference:
    """One field of a sheet that changed between the page the juror saw and the saved sheet."""

    label: str
    saved: str
    sent: str


def differences(saved: SheetValues, sent: SheetValues, criteria: list[Criterion]) -> list[Difference]:
    found = []
    for c in criteria:
        if _same_score(saved.scores.get(c.id), sent.scores.get(c.id)) is False:
            found.append(
                Difference(
                    _("Score for %(criterion)s", criterion=c.name),
                    format_score(saved.scores.get(c.id)) or "—",
                    format_score(sent.scores.get(c.id)) or "—",
                )
            )
        if (saved.comments.get(c.id) or "") != (sent.comments.get(c.id) or ""):
            found.append(
                Difference(
                    _("Comment on %(criterion)s", criterion=c.name),
                    saved.comments.get(c.id) or "—",
                    sent.comments.get(c.id) or "—",
                )
            )
    if saved.overall_comment != sent.overall_comment:
        found.append(
            Difference(_("Overall comment"), saved.overall_comment or "—", sent.overall_comment or "—")
        )
    return found


def _same_score(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


class StaleSheet(Exception):
    """The sheet was saved elsewhere after the page that sent these values was opened."""


def _snapshot(sheet: ScoreSheet | None, names: dict[int, str]) -> dict:
    if sheet is None:
        return {}
    return {
        "status": str(sheet.status),
        "overall_comment": sheet.overall_comment,
        "scores": {names[s.criterion_id]: format_score(s.value) or None for s in sheet.scores},
        "comments": {names[s.criterion_id]: s.comment for s in sheet.scores},
    }


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, on both sides, for the audit log."""
    old, new = {}, {}
    for key in sorted(set(before) | set(after)):
        a, b = before.get(key), after.get(key)
        if isinstance(a, dict) or isinstance(b, dict):
            a, b = a or {}, b or {}
            inner = [name for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]
            if inner:
                old[key] = {name: a.get(name) for name in inner}
                new[key] = {name: b.get(name) for name in inner}
        elif a != b:
            old[key], new[key] = a, b
    return old, new


def save_sheet(item: Assignment, sent: SheetValues, sent_version: int, submit: bool, actor: User) -> str:
    """Save the juror's sheet as sent; returns 'unchanged', 'saved', 'submitted' or 'revised'.

    Raises StaleSheet when `sent_version` is not the saved sheet's version (0: no sheet yet). The caller
    must also treat StaleDataError and IntegrityError at flush or commit as a stale sheet: they mean another
    save won the race between this check and the write. Permission and scale checks are the caller's.
    """
    criteria = list(item.application.edition.criteria)
    names = {c.id: c.name for c in criteria}
    sheet = item.sheet
    if sent_version != (sheet.version if sheet is not None else 0):
        raise StaleSheet()
    was_submitted = sheet is not None and sheet.status == SheetStatus.SUBMITTED
    if submit and not sent.is_complete():
        raise JudgingError(_("Give a score for every criterion before submitting the sheet."))
    if was_submitted and not submit:
        raise JudgingError(
            _("A submitted sheet stays submitted: save your changes with “Update submitted sheet”.")
        )
    if sheet is None and not submit and sent == SheetValues.of(None, criteria):
        return "unchanged"  # an empty draft would only clutter the progress matrix
    before = _snapshot(sheet, names)
    if sheet is None:
        sheet = ScoreSheet(assignment=item, status=SheetStatus.DRAFT)
        db.session.add(sheet)
    by_criterion = {s.criterion_id: s for s in sheet.scores}
    for c in criteria:
        score = by_criterion.get(c.id)
        if score is None:
            score = CriterionScore(criterion_id=c.id)
            sheet.scores.append(score)
        value = sent.scores.get(c.id)
        if not _same_score(score.value, value):
            score.value = value
        score.comment = sent.comments.get(c.id, "")
    sheet.overall_comment = sent.overall_comment
    if submit:
        sheet.status = SheetStatus.SUBMITTED
    after = _snapshot(sheet, names)
    old, new = _changed(before, after)
    if not old and not new:
        return "unchanged"
    action = "revised" if was_submitted else ("submitted" if submit else "saved")
    if submit:
        sheet.submitted_at = utcnow()
    # Bumps the sheet's version even when only its scores changed: the version guards the whole sheet.
    sheet.updated_at = utcnow()
    db.session.flush()
    record(
        f"score_sheet.{action}",
        sheet,
        before=old or None,
        after=new,
        edition_id=item.application.edition_id,
        actor=actor,
    )
    return action


def recuse(item: Assignment, reason: str, actor: User) -> None:
    """The juror steps aside: the assignment is marked recused and the conflict recorded for good."""
    reason = reason.strip()
    if not reason:
        raise JudgingError(_("Say why you have a conflict of interest."))
    item.recused_at = utcnow()
    item.recusal_reason = reason
    conflict = db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.juror_id == item.juror_id,
            ConflictOfInterest.application_id == item.application_id,
        )
    )
    if conflict is None:
        db.session.add(
            ConflictOfInterest(juror_id=item.juror_id, application_id=item.application_id, reason=reason)
        )
    else:
        conflict.reason = reason
    record(
        "assignment.recused",
        item,
        after={"application": item.application.reference, "reason": reason},
        edition_id=item.application.edition_id,
        actor=actor,
    )
    db.session.flush()


def organiser_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email).where(User.role == Role.ORGANISER, User.active.is_(True)).order_by(User.id)
        )
    )


def fellow_sheets(item: Assignment) -> list[ScoreSheet]:
    """The other jurors' submitted sheets on the same entry (only ever shown once judging has closed)."""
    return list(
        db.session.scalars(
            select(ScoreSheet)
            .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
            .join(User, User.id == Assignment.juror_id)
            .where(
                Assignment.application_id == item.application_id,
                Assignment.id != item.id,
                Assignment.recused_at.is_(None),
                ScoreSheet.status == SheetStatus.SUBMITTED,
            )
            .options(
                contains_eager(ScoreSheet.assignment).contains_eager(Assignment.juror),
                selectinload(ScoreSheet.scores),
            )
            .order_by(User.name)
        )
    )


def judging_open(edition: Edition, now: datetime | None = None) -> bool:
    return edition.phase(now) == Phase.JUDGING
