"""Every access decision, as named questions. Routes and templates ask the same ones.

Each predicate takes the current user (possibly anonymous) and the object, and answers True or False.
"""

from datetime import datetime

from app.auth.models import Role
from app.contests.models import Phase
from app.db import utcnow
from app.submissions.models import ApplicationStatus

EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN)


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_organiser(user) -> bool:
    return _signed_in(user) and user.role == Role.ORGANISER


def is_juror(user) -> bool:
    return _signed_in(user) and user.role == Role.JUROR


def is_applicant(user) -> bool:
    return _signed_in(user) and user.role == Role.APPLICANT and user.organisation_id is not None


def belongs_to_organisation(user, organisation_id: int) -> bool:
    return is_applicant(user) and user.organisation_id == organisation_id


def can_manage_edition(user, edition=None) -> bool:
    return is_organiser(user)


def can_manage_people(user) -> bool:
    return is_organiser(user)


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


def can_screen_applications(user, edition=None) -> bool:
    return is_organiser(user)


def can_score(user, assignment, now: datetime | None = None) -> bool:
    """The assigned juror, not recused, on an eligible entry, while judging is open."""
    if not is_juror(user) or assignment is None or assignment.juror_id != user.id or assignment.is_recused:
        return False
    application = assignment.application
    return (
        application.status == ApplicationStatus.ELIGIBLE
        and application.edition.phase(now or utcnow()) == Phase.JUDGING
    )


def can_view_ranking(user, edition=None) -> bool:
    return is_organiser(user)


def can_record_awards(user, edition, is_chair: bool = False) -> bool:
    """Organisers, or the chair of the edition's jury, until the results are published."""
    if edition.is_published:
        return False
    return is_organiser(user) or (is_juror(user) and is_chair)


def can_download_certificate(user, certificate) -> bool:
    return is_organiser(user) or belongs_to_organisation(user, certificate.organisation_id)
