"""Eligibility screening: the organisers decide whether each submitted application enters the competition.

`screen` records the decision, audits it and queues the email to the applicant; the caller commits.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.audit.services import record
from app.auth.models import User
from app.db import utcnow
from app.extensions import db
from app.judging import notifications
from app.judging.errors import JudgingError
from app.judging.queries import SCREENABLE
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application


def screen(application: Application, eligible: bool, reason: str, actor: User) -> bool:
    """Record the eligibility decision and tell the applicant; False (and no email) when it is the one
    already recorded.

    Refused (JudgingError) for an application that was not submitted, and for ineligible without a reason.
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
    notifications.notify_screened(application)
    return True
