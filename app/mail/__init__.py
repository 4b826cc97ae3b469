"""Sending email: composed by each domain's notifications.py, logged with the change that caused it, sent by a
worker.

`send_email` renders a message and adds it to the current database session as a row of the delivery log
(`models.OutgoingEmail`, status `queued`). The row commits with the change the message tells of, and only
then is the message handed to a worker (`delivery.deliver_email`, a job): a change that is rolled back leaves
no row and sends nothing, and no request waits for a mail server. The worker sends it (printed in
development, captured in tests, SMTP in production), records the server's answer and tries again later when
the server is down (see `delivery.py`). A message queued after the last commit is committed when the request
or command ends without an error.

A message is composed in its recipient's language: notifications compose it inside
`in_language(user.language)` (or, for several recipients, inside each group of `by_language(users)`), so the
subject, the body and every date, number and organiser's text in them follow that language.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from app import jobs
from app.db import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.mail.delivery import deliver_email
from app.mail.models import EmailStatus, OutgoingEmail

__all__ = ["EmailStatus", "OutgoingEmail", "by_language", "in_language", "register", "send_email"]

_PENDING = "pending_mail"


def send_email(
    to: str | list[str],
    subject: str,
    template: str,
    *,
    edition_id: int | None = None,
    user_id: int | None = None,
    **context,
) -> OutgoingEmail:
    """Render templates/email/<template>.txt, log it and send it once the current transaction commits.

    `edition_id` and `user_id` say which edition and which person the message is about (the organisers'
    log filters on them); `context` is the template's.
    """
    recipients = [to] if isinstance(to, str) else list(to)
    now = utcnow()
    email = OutgoingEmail(
        recipients=", ".join(recipients),
        subject=subject,
        body=render_template(f"email/{template}.txt", **context),
        template=template,
        edition_id=edition_id,
        user_id=user_id,
        status=EmailStatus.QUEUED,
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )
    db.session.add(email)
    db.session.flush()
    jobs.after_commit(deliver_email, email.id)
    db.session.info[_PENDING] = True
    return email


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
def _committed(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction: nothing it did happened
        session.info.pop(_PENDING, None)


def register(app) -> None:
    """Commit at the end of a request or command the messages queued after its last commit (nothing was
    rolled back since, or they would be gone); roll them back if it ended in an unhandled error."""

    def _end(error: BaseException | None = None) -> None:
        if not db.session.info.pop(_PENDING, None):
            return
        if error is None:
            db.session.commit()
        else:
            db.session.rollback()

    app.teardown_request(_end)
    app.teardown_appcontext(_end)
