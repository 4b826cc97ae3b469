"""The juror's dashboard: every edition they judge, where they stand, one page of their entries at a time.

Reads only, in a fixed number of statements whatever the number of entries (counts by GROUP BY, one page of
JUROR_ENTRIES_PER_PAGE assignments per edition).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload

from app.auth.models import User
from app.contests.models import Edition
from app.extensions import db
from app.judging.enums import Cell, SheetStatus
from app.judging.models import Assignment, JuryMember, ScoreSheet
from app.judging.queries import ListPage, SheetCounts, cell_column, live_assignments
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

JUROR_ENTRIES_PER_PAGE = 50


@dataclass
class EditionWork(SheetCounts):
    """One edition a juror judges: where they stand (counted in SQL), one page of their live assignments
    by entry number, the next one to score, and the entries they recused from."""

    member: JuryMember
    counts: Counter
    page: ListPage
    next_to_score: Assignment | None
    recused: list[Assignment]

    @property
    def edition(self) -> Edition:
        return self.member.edition

    @property
    def assignments(self) -> list[Assignment]:
        """The assignments on this page."""
        return self.page.items


def _own_live(user: User, edition_ids: list[int]):
    """The juror's assignments on eligible entries of these editions."""
    return live_assignments(Assignment.juror_id == user.id, Application.edition_id.in_(edition_ids))


def juror_work(user: User, paged_edition: int | None = None, page: int = 1) -> list[EditionWork]:
    """Every edition the juror judges, the newest first, in a fixed number of statements whatever the
    number of entries: counts by GROUP BY, one page of JUROR_ENTRIES_PER_PAGE assignments per edition
    (page `page` of `paged_edition`, or of the newest edition when None; the first page of the others)."""
    members = list(
        db.session.scalars(
            select(JuryMember)
            .join(Edition, Edition.id == JuryMember.edition_id)
            .where(JuryMember.user_id == user.id)
            .options(contains_eager(JuryMember.edition))
            .order_by(Edition.year.desc(), Edition.id.desc())
        )
    )
    if not members:
        return []
    edition_ids = [m.edition_id for m in members]
    if paged_edition not in edition_ids:
        paged_edition = edition_ids[0]
    cell = cell_column()
    counts: dict[int, Counter] = {edition_id: Counter() for edition_id in edition_ids}
    for edition_id, state, count in db.session.execute(
        _own_live(user, edition_ids)
        .add_columns(Application.edition_id, cell, func.count())
        .group_by(Application.edition_id, cell)
    ):
        counts[edition_id][Cell(state)] += count

    size = JUROR_ENTRIES_PER_PAGE
    position = func.row_number().over(partition_by=Application.edition_id, order_by=Application.number)
    numbered = (
        _own_live(user, edition_ids)
        .add_columns(
            Assignment.id.label("id"), Application.edition_id.label("edition_id"), position.label("n")
        )
        .where(Assignment.recused_at.is_(None))
        .subquery()
    )
    first = (page - 1) * size
    on_page = case(
        (numbered.c.edition_id == paged_edition, numbered.c.n.between(first + 1, first + size)),
        else_=numbered.c.n <= size,
    )
    application = contains_eager(Assignment.application)
    shown = db.session.scalars(
        select(Assignment)
        .join(numbered, numbered.c.id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(on_page)
        .options(
            application.joinedload(Application.organisation),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
        .order_by(Application.number)
    ).all()

    waiting = (
        _own_live(user, edition_ids)
        .add_columns(Assignment.id.label("id"), position.label("n"))
        .where(
            Assignment.recused_at.is_(None),
            (ScoreSheet.id.is_(None)) | (ScoreSheet.status != SheetStatus.SUBMITTED),
        )
        .subquery()
    )
    following = db.session.scalars(
        select(Assignment)
        .join(waiting, waiting.c.id == Assignment.id)
        .join(Application, Application.id == Assignment.application_id)
        .where(waiting.c.n == 1)
        .options(contains_eager(Assignment.application))
    ).all()
    recused = db.session.scalars(
        select(Assignment)
        .join(Application, Application.id == Assignment.application_id)
        .where(
            Assignment.juror_id == user.id,
            Assignment.recused_at.is_not(None),
            Application.edition_id.in_(edition_ids),
            Application.status == ApplicationStatus.ELIGIBLE,
        )
        .options(contains_eager(Assignment.application))
        .order_by(Application.number)
    ).all()

    work = []
    for member in members:
        edition_id = member.edition_id
        items = [a for a in shown if a.application.edition_id == edition_id]
        live = counts[edition_id][Cell.NOT_STARTED] + counts[edition_id][Cell.DRAFT]
        live += counts[edition_id][Cell.SUBMITTED]
        work.append(
            EditionWork(
                member=member,
                counts=counts[edition_id],
                page=ListPage(items, page if edition_id == paged_edition else 1, size, live),
                next_to_score=next((a for a in following if a.application.edition_id == edition_id), None),
                recused=[a for a in recused if a.application.edition_id == edition_id],
            )
        )
    return work
