"""The edition's ranking version: bumped in the same transaction as every change the ranking depends on.

The computed ranking is kept in the shared cache under `ranking:<edition>:<version>:<method>`
(`app/ranking/numbers.py`), so a new version is a new key and a kept ranking is never stale. Rather than a
call in every use case, one `before_flush` listener watches every ORM change and bumps the version of each
edition it concerns with an atomic `UPDATE editions SET ranking_version = ranking_version + 1`:

- a score sheet submitted, reopened, deleted, or changed while submitted; a criterion score of a submitted
  sheet added, changed or removed (drafts count for nothing);
- an assignment removed, recused or un-recused, moved to another entry or juror;
- an application that becomes or stops being eligible (screening, withdrawal), moves, or is removed;
- a jury member added or removed;
- a criterion added, removed, re-weighted or moved;
- the edition's scale, aggregation, prizes, tie-break criteria or minimum sheets changed.

Names (people, organisations, entries) are never part of the kept numbers, so renaming and erasing people
bump nothing. Bulk `update()`/`delete()` statements bypass the listener: none in the app touches a column
listed here (the erasure's blanks comments and recusal reasons); one that does must call `bump(edition_ids)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import event, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.contests.models import Criterion, Edition
from app.judging.enums import SheetStatus
from app.judging.models import Assignment, CriterionScore, JuryMember, ScoreSheet
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

RANKED_SETTINGS = (
    "score_min",
    "score_max",
    "score_step",
    "aggregation",
    "prizes_count",
    "tie_break_criteria",
    "min_sheets_per_entry",
)
_CHUNK = 500  # ids per IN (...) when finding the editions of many rows


def bump(session: Session, edition_ids: Iterable[int]) -> None:
    """Bump these editions' ranking versions in the session's transaction (atomic on every backend)."""
    ids = sorted({edition_id for edition_id in edition_ids if edition_id is not None})
    if not ids:
        return
    session.connection().execute(
        update(Edition.__table__)
        .where(Edition.__table__.c.id.in_(ids))
        .values(ranking_version=Edition.__table__.c.ranking_version + 1)
    )
    for edition in session.identity_map.values():
        if isinstance(edition, Edition) and edition.id in ids:
            session.expire(edition, ["ranking_version"])


def _changed(obj, *keys: str) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def _ever(obj, key: str, value) -> bool:
    """Whether the attribute holds `value`, now or before this flush's change."""
    history = sa_inspect(obj).attrs[key].history
    return value in (*history.added, *history.unchanged, *history.deleted)


def _counts(obj, new: bool, deleted: bool) -> bool:
    """Whether adding, deleting or changing this object can change an edition's ranking."""
    if isinstance(obj, Edition):
        return not (new or deleted) and _changed(obj, *RANKED_SETTINGS, "criteria")
    if isinstance(obj, Criterion):
        return new or deleted or _changed(obj, "weight", "position", "edition_id")
    if isinstance(obj, JuryMember):
        return new or deleted or _changed(obj, "edition_id", "user_id")
    if isinstance(obj, Application):
        if new:
            return obj.status == ApplicationStatus.ELIGIBLE
        return deleted or _changed(obj, "status", "edition_id")
    if isinstance(obj, Assignment):
        return not new and (deleted or _changed(obj, "recused_at", "application_id", "juror_id"))
    if isinstance(obj, ScoreSheet):
        return _ever(obj, "status", SheetStatus.SUBMITTED)
    if isinstance(obj, CriterionScore):
        if not (new or deleted or _changed(obj, "value", "criterion_id", "sheet_id")):
            return False
        sheet = obj.sheet
        return sheet is not None and _ever(sheet, "status", SheetStatus.SUBMITTED)
    return False


def _pointer(obj) -> tuple[str, int] | None:
    """Where to find the object's edition: ("edition" | "application" | "assignment", id)."""
    if isinstance(obj, Edition):
        return ("edition", obj.id)
    if isinstance(obj, Criterion | JuryMember | Application):
        if obj.edition_id is not None:
            return ("edition", obj.edition_id)
        return ("edition", obj.edition.id) if obj.edition is not None else None
    if isinstance(obj, Assignment):
        if obj.application_id is not None:
            return ("application", obj.application_id)
        return _pointer(obj.application) if obj.application is not None else None
    if isinstance(obj, ScoreSheet):
        if obj.assignment_id is not None:
            return ("assignment", obj.assignment_id)
        return _pointer(obj.assignment) if obj.assignment is not None else None
    if isinstance(obj, CriterionScore):
        return _pointer(obj.sheet) if obj.sheet is not None else None
    return None


def _edition_ids(session: Session, pointers: set[tuple[str, int]]) -> set[int]:
    found = {ident for kind, ident in pointers if kind == "edition"}
    applications = sorted(ident for kind, ident in pointers if kind == "application")
    assignments = sorted(ident for kind, ident in pointers if kind == "assignment")
    connection = session.connection()
    for start in range(0, len(applications), _CHUNK):
        chunk = applications[start : start + _CHUNK]
        found.update(
            connection.scalars(select(Application.edition_id).where(Application.id.in_(chunk)).distinct())
        )
    for start in range(0, len(assignments), _CHUNK):
        chunk = assignments[start : start + _CHUNK]
        found.update(
            connection.scalars(
                select(Application.edition_id)
                .join(Assignment, Assignment.application_id == Application.id)
                .where(Assignment.id.in_(chunk))
                .distinct()
            )
        )
    return found


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, flush_context, instances) -> None:
    pointers = set()
    with session.no_autoflush:
        for objects, new, deleted in (
            (session.new, True, False),
            (session.dirty, False, False),
            (session.deleted, False, True),
        ):
            for obj in objects:
                if not (new or deleted or session.is_modified(obj)):
                    continue
                if _counts(obj, new, deleted):
                    pointer = _pointer(obj)
                    if pointer is not None and pointer[1] is not None:
                        pointers.add(pointer)
    if pointers:
        bump(session, _edition_ids(session, pointers))
