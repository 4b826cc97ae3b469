"""Who may not score what, and why: same country as the entry, or a declared conflict of interest.

Reads only. The rule itself is the pure `allocation.exclusions`; this module feeds it from the database
and puts its reasons into words.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.judging import allocation
from app.judging.allocation import Exclusion
from app.judging.models import Assignment, ConflictOfInterest, JuryMember
from app.submissions.models import Application


def exclusion_label(reason: Exclusion) -> str:
    """The reason in the user's words, as the assignment pages and the entry page show it."""
    return {
        Exclusion.SAME_COUNTRY: _("same country"),
        Exclusion.DECLARED_CONFLICT: _("declared conflict of interest"),
    }[reason]


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


def conflict_reasons(assignment: Assignment) -> tuple:
    """Why this juror may not score this entry, as known now (the country may have changed since)."""
    country = assignment.juror.country
    reasons = []
    if country and assignment.application.organisation.country.upper() == country.upper():
        reasons.append(Exclusion.SAME_COUNTRY)
    declared = db.session.scalar(
        select(ConflictOfInterest.id).where(
            ConflictOfInterest.juror_id == assignment.juror_id,
            ConflictOfInterest.application_id == assignment.application_id,
        )
    )
    if declared is not None:
        reasons.append(Exclusion.DECLARED_CONFLICT)
    return tuple(reasons)
