"""Every email of the jury's work, one function each: screened, invitation, recusal, reminder.

Each composes its message and queues it with `app.mail.send_email`; the use cases call them before the
commit, so a message leaves only if the change it tells of was committed. A message with no recipient is
not queued.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.models import User
from app.auth.tokens import INVITATION_MAX_AGE, make_token
from app.contests.models import Edition
from app.formatting import local_datetime
from app.judging.models import Assignment
from app.judging.queries import applicant_accounts, organisers
from app.links import external_url
from app.mail import by_language, in_language, send_email
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application


def notify_screened(application: Application) -> None:
    """Tell the applicant's accounts the eligibility decision (with the reason when ineligible)."""
    eligible = application.status == ApplicationStatus.ELIGIBLE
    for recipients in by_language(applicant_accounts(application)):
        send_email(
            recipients,
            _("Your application %(reference)s is eligible", reference=application.reference)
            if eligible
            else _("Your application %(reference)s is not eligible", reference=application.reference),
            "judging_screened",
            edition_id=application.edition_id,
            application=application,
            edition=application.edition,
            eligible=eligible,
        )


def notify_invitation(edition: Edition, user: User, *, needs_link: bool, invited_by: User) -> None:
    """Tell a juror they are on the edition's jury: with a set-password link when their account has no
    password yet, else with the login link."""
    link = (
        external_url("auth.accept_invitation", token=make_token(user, "invite"))
        if needs_link
        else external_url("auth.login")
    )
    with in_language(user.language):
        send_email(
            user.email,
            _("You are invited to the jury of the %(edition)s", edition=edition.name),
            "judging_invitation",
            edition_id=edition.id,
            user_id=user.id,
            user=user,
            edition=edition,
            link=link,
            needs_link=needs_link,
            valid_days=INVITATION_MAX_AGE // 86400,
            invited_by=invited_by,
        )


def notify_recusal(assignment: Assignment, juror: User) -> None:
    """Tell the organisers that a juror recused from an entry, why, and where to check its jurors."""
    application = assignment.application
    for recipients in by_language(organisers()):
        send_email(
            recipients,
            _("%(juror)s recused from %(reference)s", juror=juror.name, reference=application.reference),
            "judging_recusal",
            edition_id=application.edition_id,
            juror=juror,
            application=application,
            edition=application.edition,
            reason=assignment.recusal_reason,
            link=external_url("judging.progress", edition_id=application.edition_id),
        )


def notify_reminder(
    edition: Edition, juror: User, *, outstanding: int, submitted: int, assigned: int
) -> None:
    """Remind a juror how many of their sheets are still to be submitted, and by when."""
    with in_language(juror.language):
        send_email(
            juror.email,
            ngettext(
                "Reminder: %(num)d score sheet to submit by %(when)s",
                "Reminder: %(num)d score sheets to submit by %(when)s",
                outstanding,
                when=local_datetime(edition.judging_close_at),
            ),
            "judging_reminder",
            edition_id=edition.id,
            user_id=juror.id,
            user=juror,
            edition=edition,
            outstanding=outstanding,
            submitted=submitted,
            assigned=assigned,
            link=external_url("judging.dashboard"),
        )
