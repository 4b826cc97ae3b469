"""Sending email: composed by each domain's notifications.py, delivered only once the transaction commits.

`send_email` renders a message and hands it to the outbox of the current database session. The message leaves
when that session commits (printed in development, captured in tests, SMTP in production) and is dropped if
it rolls back, so no one is told of a change that did not happen. What is queued after the last commit leaves
when the request or command ends without an error.

A message is composed in its recipient's language: notifications compose it inside
`in_language(user.language)` (or, for several recipients, inside each group of `by_language(users)`), so the
subject, the body and every date, number and organiser's text in them follow that language.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db, mail
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

_PENDING = "pending_mail"


def send_email(to: str | list[str], subject: str, template: str, **context) -> Message:
    """Render templates/email/<template>.txt and queue it until the current transaction commits."""
    recipients = [to] if isinstance(to, str) else list(to)
    message = Message(subject=subject, recipients=recipients)
    message.body = render_template(f"email/{template}.txt", **context)
    db.session.info.setdefault(_PENDING, []).append(message)
    return message


@contextmanager
def in_language(language: str | None) -> Iterator[None]:
    """Compose what is inside in `language` (English when it is not one of the interface's)."""
    with force_locale(language if language in LANGUAGES else DEFAULT_LANGUAGE):
        yield


def by_language(recipients: Iterable) -> Iterator[list[str]]:
    """The recipients' addresses (objects with `email` and `language`), one group per language; the loop's
    body runs inside that language, so one message is composed for each group."""
    groups: dict[str, list[str]] = defaultdict(list)
    for recipient in recipients:
        language = recipient.language if recipient.language in LANGUAGES else DEFAULT_LANGUAGE
        groups[language].append(recipient.email)
    for language in sorted(groups):
        with in_language(language):
            yield groups[language]


@event.listens_for(Session, "after_commit")
def _deliver_on_commit(session: Session) -> None:
    # Flask-SQLAlchemy's sessions live inside an application context, so current_app is this one.
    for message in session.info.pop(_PENDING, []):
        _deliver(current_app, message)


@event.listens_for(Session, "after_soft_rollback")
def _drop_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing it did happened
        session.info.pop(_PENDING, None)


def register(app) -> None:
    """Deliver at the end of a request or command what was queued after its last commit (nothing was rolled
    back since, or the messages would be gone); drop everything if it ended in an unhandled error."""

    def _end(error: BaseException | None = None) -> None:
        messages = db.session.info.pop(_PENDING, [])
        if error is None:
            for message in messages:
                _deliver(current_app, message)

    app.teardown_request(_end)
    app.teardown_appcontext(_end)


def _deliver(app, message: Message) -> None:
    backend = app.config["MAIL_BACKEND"]
    if backend == "capture":
        app.extensions["outbox"].append(message)
    elif backend == "console":
        recipients = ", ".join(message.recipients)
        print(f"\n----- email to {recipients}: {message.subject}\n{message.body}\n-----", flush=True)
    else:
        try:
            mail.send(message)
        except OSError:
            # A mail server that is down must not undo the user's action; it is logged for the organisers.
            log.exception("could not send %r to %s", message.subject, message.recipients)
