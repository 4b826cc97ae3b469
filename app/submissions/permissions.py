"""Who may see, write, submit and withdraw an application and its attachments.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from datetime import datetime

from app.auth.permissions import belongs_to_organisation, is_applicant, is_juror, is_organiser
from app.contests.enums import Phase
from app.db import utcnow
from app.submissions.enums import ApplicationStatus

EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)

__all__ = [
    "can_apply",
    "can_view_application",
    "can_edit_application",
    "can_download_attachment",
    "can_submit_application",
    "can_withdraw_application",
    "can_list_applications",
]


def can_apply(user, edition, now: datetime | None = None) -> bool:
    return is_applicant(user) and edition.phase(now or utcnow()) == Phase.OPEN


def can_view_application(user, application, assignment=None) -> bool:
    """Organisers, the applicant organisation, and a juror through a live assignment to an eligible entry."""
    if is_organiser(user) or belongs_to_organisation(user, application.organisation_id):
        return True
    return (
        is_juror(user)
        and assignment is not None
        and assignment.juror_id == user.id
        and assignment.application_id == application.id
        and not assignment.is_recused
        and application.status == ApplicationStatus.ELIGIBLE
    )


def can_edit_application(user, application, now: datetime | None = None) -> bool:
    return (
        belongs_to_organisation(user, application.organisation_id)
        and application.status in EDITABLE_STATUSES
        and application.edition.phase(now or utcnow()) == Phase.OPEN
    )


def can_download_attachment(user, attachment, assignment=None) -> bool:
    return can_view_application(user, attachment.application, assignment)


def can_submit_application(user, application, now: datetime | None = None) -> bool:
    """A draft, or a withdrawn application being submitted again, before the deadline."""
    return can_edit_application(user, application, now) and application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.WITHDRAWN,
    )


def can_withdraw_application(user, application, now: datetime | None = None) -> bool:
    return can_edit_application(user, application, now) and application.status == ApplicationStatus.SUBMITTED


def can_list_applications(user, edition=None) -> bool:
    """The organisers see every application of an edition."""
    return is_organiser(user)
