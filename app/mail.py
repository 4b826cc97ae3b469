"""Sending email: printed in development, captured in tests, SMTP in production."""

import logging

from flask import current_app, render_template
from flask_mail import Message

from app.extensions import mail

log = logging.getLogger(__name__)


def send_email(to: str | list[str], subject: str, template: str, **context) -> Message:
    """Render templates/email/<template>.txt and send it (MAIL_BACKEND decides how)."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = Message(subject=subject, recipients=recipients)
    message.body = render_template(f"email/{template}.txt", **context)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "capture":
        current_app.extensions["outbox"].append(message)
    elif backend == "console":
        print(f"\n----- email to {', '.join(recipients)}: {subject}\n{message.body}\n-----", flush=True)
    else:
        try:
            mail.send(message)
        except OSError:
            # A mail server that is down must not undo the user's action; it is logged for the organisers.
            log.exception("could not send %r to %s", subject, recipients)
    return message
