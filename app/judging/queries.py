"""What other domains' routes ask of judging: whether scoring of an edition has started, and a juror's
assignment to an application (it grants read access to the application)."""

from __future__ import annotations

from sqlalchemy import select

from app.contests.models import Edition
from app.extensions import db
from app.judging.models import Assignment, ScoreSheet
from app.submissions.models import Application


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
