"""Who scores what: the organisers' writes on assignments (all allowed pairs, a balanced plan, one by one).

Each use case checks its own refusals (JudgingError), audits, and flushes; the caller commits. Submitted
sheets are never deleted: an assignment that holds one stays. The planning itself is the pure `allocation`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.models import User
from app.contests.models import Edition
from app.extensions import db
from app.judging import allocation
from app.judging.conflicts import excluded_pairs, exclusion_label
from app.judging.enums import SheetStatus
from app.judging.errors import JudgingError
from app.judging.models import Assignment
from app.judging.queries import edition_assignments, eligible_entries, jury


def delete_assignments(assignments: list[Assignment]) -> None:
    """Delete the assignments with their sheets and scores (the caller has checked none is submitted)."""
    for assignment in assignments:
        if assignment.sheet is not None:
            db.session.delete(assignment.sheet)  # its scores go with it
        db.session.delete(assignment)


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
    delete_assignments(current)
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
    """Assign one eligible entry of the edition to one of its jurors.

    Refused for a juror off the jury, an entry that is not eligible, a conflicted pair, or a pair that is
    already assigned.
    """
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
    assignment = Assignment(juror_id=juror_id, application_id=application_id)
    db.session.add(assignment)
    db.session.flush()
    record(
        "assignment.added",
        assignment,
        after={"juror": members[0].user.email, "application": entries[0].reference},
        edition_id=edition.id,
        actor=actor,
    )
    return assignment


def remove_assignment(assignment: Assignment, actor: User) -> bool:
    """Remove one assignment; True if a draft sheet went with it. Refused when its sheet was submitted."""
    sheet = assignment.sheet
    if sheet is not None and sheet.status == SheetStatus.SUBMITTED:
        raise JudgingError(
            _(
                "%(name)s has submitted a score sheet for %(reference)s: the assignment stays so that it "
                "is never lost.",
                name=assignment.juror.name,
                reference=assignment.application.reference,
            )
        )
    record(
        "assignment.removed",
        assignment,
        before={
            "juror": assignment.juror.email,
            "application": assignment.application.reference,
            "draft_sheet": sheet is not None,
            "recused": assignment.is_recused,
        },
        edition_id=assignment.application.edition_id,
        actor=actor,
    )
    delete_assignments([assignment])
    db.session.flush()
    return sheet is not None
