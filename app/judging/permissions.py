"""Who may screen entries, change the jury, assign, score and recuse, and see progress.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from datetime import datetime

from app.auth.permissions import is_juror, is_organiser
from app.contests.enums import Phase
from app.contests.permissions import can_manage_edition
from app.db import utcnow
from app.submissions.enums import ApplicationStatus
from app.submissions.permissions import can_view_application

__all__ = [
    "can_screen_applications",
    "can_score",
    "can_change_jury",
    "can_decide_eligibility",
    "can_assign",
    "can_view_judging_progress",
    "can_remind_jurors",
    "can_view_entry",
    "can_recuse",
    "can_see_fellow_scores",
]


def can_screen_applications(user, edition=None) -> bool:
    return is_organiser(user)


def _judging_phase(edition, now: datetime | None = None) -> bool:
    return edition.phase(now or utcnow()) == Phase.JUDGING


def can_score(user, assignment, now: datetime | None = None) -> bool:
    """The assigned juror, not recused, on an eligible entry, while judging is open."""
    if not is_juror(user) or assignment is None or assignment.juror_id != user.id or assignment.is_recused:
        return False
    application = assignment.application
    return (
        application.status == ApplicationStatus.ELIGIBLE
        and application.edition.phase(now or utcnow()) == Phase.JUDGING
    )


def can_change_jury(user, edition, now: datetime | None = None) -> bool:
    """Organisers invite and remove jurors and name the chair until judging closes."""
    return can_manage_edition(user, edition) and edition.phase(now or utcnow()) in (
        Phase.UPCOMING,
        Phase.OPEN,
        Phase.JUDGING,
    )


def can_decide_eligibility(user, edition, now: datetime | None = None) -> bool:
    """Screening decisions: from the close of submissions until judging closes."""
    return can_screen_applications(user, edition) and _judging_phase(edition, now)


def can_assign(user, edition, now: datetime | None = None) -> bool:
    """Organisers assign entries to jurors while judging is open (eligible entries exist only then)."""
    return can_manage_edition(user, edition) and _judging_phase(edition, now)


def can_view_judging_progress(user, edition=None) -> bool:
    return can_manage_edition(user, edition)


def can_remind_jurors(user, edition, now: datetime | None = None) -> bool:
    return can_manage_edition(user, edition) and _judging_phase(edition, now)


def can_view_entry(user, assignment) -> bool:
    """The juror of a live assignment to an eligible entry, in any phase (read-only once judging closed)."""
    return (
        assignment is not None
        and is_juror(user)
        and can_view_application(user, assignment.application, assignment)
    )


def can_recuse(user, assignment, now: datetime | None = None) -> bool:
    """A juror may step aside from an entry while they could still score it."""
    return can_score(user, assignment, now)


def can_see_fellow_scores(user, edition, now: datetime | None = None) -> bool:
    """Jurors never see one another's scores while judging is open; afterwards the edition decides."""
    return (
        is_juror(user)
        and edition.reveal_scores_to_jury
        and edition.phase(now or utcnow()) in (Phase.DELIBERATION, Phase.PUBLISHED)
    )
