"""The emails of an application's life: the receipt on submission and the notice of withdrawal.

Composed here and queued before the commit (app/mail.py delivers them once it happens); each goes to the
person who acted, with a link back to the application.
"""

from flask_babel import gettext as _

from app.auth.models import User
from app.links import external_url
from app.mail import in_language, send_email
from app.submissions.models import Application


def notify_submitted(application: Application, user: User) -> None:
    with in_language(user.language):
        _notify(
            application,
            user,
            _("Application %(reference)s received", reference=application.reference),
            "submission_receipt",
        )


def notify_withdrawn(application: Application, user: User) -> None:
    with in_language(user.language):
        _notify(
            application,
            user,
            _("Application %(reference)s withdrawn", reference=application.reference),
            "submission_withdrawn",
        )


def _notify(application: Application, user: User, subject: str, template: str) -> None:
    send_email(
        user.email,
        subject,
        template,
        edition_id=application.edition_id,
        user_id=user.id,
        application=application,
        edition=application.edition,
        user=user,
        view_url=external_url("submissions.view", application_id=application.id),
    )
