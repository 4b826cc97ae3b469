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
    """An award certificate of published results is a public document, reached through its unguessable code;
    a participation certificate stays with its organisation and the organisers."""
    if certificate.kind == "award" and certificate.edition.is_published and certificate.revoked_at is None:
        return True
    return is_organiser(user) or belongs_to_organisation(user, certificate.organisation_id)


def can_invite_colleagues(user) -> bool:
    """Any user of an applicant organisation may invite colleagues into it (and see who belongs to it)."""
    return is_applicant(user)


def can_resend_colleague_invitation(user, colleague) -> bool:
    """A colleague of the same organisation who has not chosen a password yet."""
    return (
        is_applicant(user)
        and colleague.organisation_id == user.organisation_id
        and colleague.active
        and not colleague.has_password
    )


def can_deactivate_person(user, person) -> bool:
    """Organisers deactivate anyone but themselves, so that one organiser always remains."""
    return is_organiser(user) and person.id != user.id


def can_resend_invitation(user, person) -> bool:
    """Organisers resend the invitation of an active account whose owner has not chosen a password yet."""
    return is_organiser(user) and person.active and not person.has_password


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


# --- The jury's work (judging) ---------------------------------------------------------------------------


def _judging_phase(edition, now: datetime | None = None) -> bool:
    return edition.phase(now or utcnow()) == Phase.JUDGING


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


def can_publish_results(user, edition) -> bool:
    """Organisers publish an edition's results, now or at a set time, once."""
    return is_organiser(user) and not edition.is_published and not edition.archived


# --- Certificates ------------------------------------------------------------------------------------------


def can_issue_certificates(user, edition) -> bool:
    """Organisers issue and reissue an edition's certificates once its results are public."""
    return is_organiser(user) and (edition.is_published or edition.archived)


def can_revoke_certificate(user, certificate) -> bool:
    return is_organiser(user) and certificate.revoked_at is None
