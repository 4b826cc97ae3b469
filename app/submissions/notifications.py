"""The emails of an application's life: the receipt on submission and the notice of withdrawal.

Composed here and queued before the commit (app/mail.py delivers them once it happens); each goes to the
person who acted, with a link back to the application.
"""

from flask_babel import gettext as _

from app.auth.models import User
from app.links import external_url
from app.mail import send_email
from app.submissions.models import Application


def _view_url(application: Application) -> str:
    return external_url("submissions.view", application_id=application.id)


def notify_submitted(application: Application, user: User) -> None:
    send_email(
        user.email,
        _("Application %(reference)s received", reference=application.reference),
        "submission_receipt",
        application=application,
        edition=application.edition,
        user=user,
        view_url=_view_url(application),
    )


def notify_withdrawn(application: Application, user: User) -> None:
    send_email(
        user.email,
        _("Application %(reference)s withdrawn", reference=application.reference),
        "submission_withdrawn",
        application=application,
        edition=application.edition,
        user=user,
        view_url=_view_url(application),
    )
