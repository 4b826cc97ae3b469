"""What the jury's pages read: the applications to screen, the jury, the assignments, an entry's page.

Reads only: nothing here changes the session. Each list has a fixed order (stated per function) and loads
what its page shows in a fixed number of queries, whatever the number of entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.auth.enums import Role
from app.auth.models import User
from app.contests.models import Edition
from app.extensions import db
from app.judging.enums import Cell, SheetStatus
from app.judging.models import Assignment, JuryMember, ScoreSheet
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

SCREENABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)


# --- Screening -------------------------------------------------------------------------------------------


SCREENING_PER_PAGE = 50


def screening_list(edition: Edition, page: int = 1):
    """One page of SCREENING_PER_PAGE applications to screen: every submitted one, screened or not, by
    number (a Flask-SQLAlchemy page)."""
    return db.paginate(
        select(Application)
        .where(Application.edition_id == edition.id, Application.status.in_(SCREENABLE))
        .options(joinedload(Application.organisation))
        .order_by(Application.number),
        page=page,
        per_page=SCREENING_PER_PAGE,
        error_out=False,
    )


def screening_page_of(application: Application) -> int:
    """The page of the screening list that shows this application."""
    before = db.session.scalar(
        select(func.count(Application.id)).where(
            Application.edition_id == application.edition_id,
            Application.status.in_(SCREENABLE),
            Application.number < application.number,
        )
    )
    return before // SCREENING_PER_PAGE + 1


def sheets_per_application(edition: Edition, application_ids: list[int] | None = None) -> dict[int, int]:
    """How many score sheets (draft or submitted) each application of the edition (or of those ids) has."""
    query = (
        select(Assignment.application_id, func.count(ScoreSheet.id))
        .join(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(Application.edition_id == edition.id)
        .group_by(Assignment.application_id)
    )
    if application_ids is not None:
        query = query.where(Assignment.application_id.in_(application_ids))
    return {application_id: count for application_id, count in db.session.execute(query)}


def status_counts(edition: Edition) -> dict[str, int]:
    """How many applications of the edition are in each status, by the status's value."""
    rows = db.session.execute(
        select(Application.status, func.count())
        .where(Application.edition_id == edition.id)
        .group_by(Application.status)
    )
    return {str(status): count for status, count in rows}


def applicant_accounts(application: Application) -> list[User]:
    """The applying organisation's active applicant accounts, oldest first."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == application.organisation_id,
                User.role == Role.APPLICANT,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def organisers() -> list[User]:
    """The active organisers, oldest account first."""
    return list(
        db.session.scalars(
            select(User).where(User.role == Role.ORGANISER, User.active.is_(True)).order_by(User.id)
        )
    )


# --- The jury and its assignments ------------------------------------------------------------------------


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
    """The user's seat on the edition's jury, if they have one."""
    return db.session.scalar(
        select(JuryMember).where(JuryMember.edition_id == edition.id, JuryMember.user_id == user.id)
    )


def eligible_entries(edition: Edition) -> list[Application]:
    """The entries the jury scores: the edition's eligible applications, by number."""
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
            .options(joinedload(Application.organisation))
            .order_by(Application.number)
        )
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


def member_assignments(member: JuryMember) -> list[Assignment]:
    """Every assignment of the juror in the member's edition, whatever the entry's status, with its sheet."""
    return list(
        db.session.scalars(
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(Assignment.juror_id == member.user_id, Application.edition_id == member.edition_id)
            .options(selectinload(Assignment.sheet))
        )
    )


def cell_of(assignment: Assignment) -> Cell:
    """What became of an assignment: recused, not started, a draft or a submitted sheet."""
    if assignment.is_recused:
        return Cell.RECUSED
    if assignment.sheet is None:
        return Cell.NOT_STARTED
    return Cell.SUBMITTED if assignment.sheet.status == SheetStatus.SUBMITTED else Cell.DRAFT


# --- The juror's side ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    """One page of a list cut in SQL, with what the `pagination` macro reads (as Flask-SQLAlchemy's)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


class SheetCounts:
    """What a juror stands at, from the `counts` (a Counter of `Cell`s over their assignments) of the
    dataclass that takes it in."""

    @property
    def assigned(self) -> int:
        """Sheets expected: assignments not recused from."""
        return self.counts[Cell.NOT_STARTED] + self.counts[Cell.DRAFT] + self.counts[Cell.SUBMITTED]

    @property
    def submitted(self) -> int:
        return self.counts[Cell.SUBMITTED]

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def cell_column():
    """The Cell of an assignment row joined (outer) to its sheet, as an SQL expression."""
    return case(
        (Assignment.recused_at.is_not(None), Cell.RECUSED.value),
        (ScoreSheet.id.is_(None), Cell.NOT_STARTED.value),
        (ScoreSheet.status == SheetStatus.SUBMITTED, Cell.SUBMITTED.value),
        else_=Cell.DRAFT.value,
    )


def live_assignments(*conditions):
    """Assignments on eligible entries that meet `conditions`, with their sheet outer-joined (select the
    columns with `.with_only_columns` or `.add_columns`)."""
    return (
        select()
        .select_from(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Application.status == ApplicationStatus.ELIGIBLE, *conditions)
    )


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


def neighbours(assignment: Assignment) -> Neighbours:
    """Where the entry sits in the juror's list of the edition, to move to the previous and next one."""
    siblings = list(
        db.session.scalars(
            select(Assignment)
            .join(Application, Application.id == Assignment.application_id)
            .where(
                Assignment.juror_id == assignment.juror_id,
                Assignment.recused_at.is_(None),
                Application.edition_id == assignment.application.edition_id,
                Application.status == ApplicationStatus.ELIGIBLE,
            )
            .options(contains_eager(Assignment.application))
            .order_by(Application.number)
        )
    )
    ids = [s.id for s in siblings]
    if assignment.id not in ids:
        return Neighbours(0, len(ids), None, None)
    index = ids.index(assignment.id)
    return Neighbours(
        position=index + 1,
        total=len(ids),
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if index + 1 < len(siblings) else None,
    )


def fellow_sheets(assignment: Assignment) -> list[ScoreSheet]:
    """The other jurors' submitted sheets on the same entry (only ever shown once judging has closed)."""
    return list(
        db.session.scalars(
            select(ScoreSheet)
            .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
            .join(User, User.id == Assignment.juror_id)
            .where(
                Assignment.application_id == assignment.application_id,
                Assignment.id != assignment.id,
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


def scoring_started(edition: Edition) -> bool:
    """True once any juror has started a score sheet for the edition: its criteria, weights and scale are
    then frozen (the contests edition form locks them)."""
    if edition.id is None:
        return False
    return bool(
        db.session.scalar(
            select(ScoreSheet.id)
            .join(Assignment, Assignment.id == ScoreSheet.assignment_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.edition_id == edition.id)
            .limit(1)
        )
    )


def juror_assignment(user, application_id: int) -> Assignment | None:
    """The signed-in juror's assignment to this application, if any (it grants read access)."""
    if not (user.is_authenticated and getattr(user, "is_juror", False)):
        return None
    return db.session.scalar(
        select(Assignment).where(Assignment.application_id == application_id, Assignment.juror_id == user.id)
    )
