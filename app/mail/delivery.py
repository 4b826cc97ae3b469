"""Delivering the logged emails: one job per message, tried again later when it fails, and a sweep for what
was lost.

`send_email` (app/mail/__init__.py) logs each message as `queued` and hands `deliver_email` its id once the
transaction commits. The job first claims the row (a conditional UPDATE to `sending`), so a job that is
duplicated or retried never sends a message twice, and a message whose next attempt is not due yet is left
alone. It then sends it through the configured backend (MAIL_BACKEND: "capture" in tests, "console" in
development, SMTP through Flask-Mail otherwise) and marks it `sent`.

When the mail server cannot be reached or refuses the message for now, the server's answer (or the
connection error) is recorded on the row, which goes back to `queued` with its next attempt 1, 3, 9, 27...
minutes later (MAX_ATTEMPTS attempts in about 18 hours), then `failed`. A recipient the server refuses for
good (5xx) fails at once. Organisers see the log and can send a message again (app/emails).

What can go wrong and how it mends: `resume_emails`, run every minute by the workers' scheduler, queues the
messages whose next attempt is due (a retry, or a message whose job never reached the queue because it was
down) and those whose worker died while sending (claimed more than MAIL_JOB_LEASE seconds ago). A worker
that dies after the server accepted a message but before it was marked sent makes it leave twice: delivery
is at least once, never lost.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

from flask import current_app
from flask_mail import Message
from sqlalchemy import and_, or_, select, update

from app import jobs
from app.db import utcnow
from app.extensions import db, mail
from app.mail.models import EmailStatus, OutgoingEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
ERROR_MAX = 1000  # characters of the server's answer kept on the row


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 3, 9, 27... minutes."""
    return timedelta(minutes=3 ** (attempts - 1))


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["MAIL_JOB_LEASE"])


@jobs.job()
def deliver_email(email_id: int) -> None:
    """Send one queued message whose attempt is due; does nothing for any other."""
    now = utcnow()
    claimed = db.session.execute(
        update(OutgoingEmail)
        .where(
            OutgoingEmail.id == email_id,
            or_(
                and_(OutgoingEmail.status == EmailStatus.QUEUED, OutgoingEmail.next_attempt_at <= now),
                and_(OutgoingEmail.status == EmailStatus.SENDING, OutgoingEmail.claimed_at < now - lease()),
            ),
        )
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=OutgoingEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return
    email = db.session.get(OutgoingEmail, email_id)
    if email.attempts > MAX_ATTEMPTS:  # its workers died while sending, again and again
        _fail(email, f"Sending was started {MAX_ATTEMPTS} times without finishing.")
        return
    try:
        send(email)
    except Exception as error:
        answer, permanent = server_answer(error)
        # The row names its recipients; the log does not (no person's address in the logs).
        log.warning("email %s not sent (attempt %d): %s", email.id, email.attempts, answer)
        if permanent or email.attempts >= MAX_ATTEMPTS:
            _fail(email, answer)
        else:
            email.status = EmailStatus.QUEUED
            email.last_error = answer[:ERROR_MAX]
            email.next_attempt_at = utcnow() + retry_delay(email.attempts)
            email.claimed_at = None
            db.session.commit()
        return
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    email.claimed_at = None
    email.next_attempt_at = None
    email.last_error = None
    db.session.commit()


def _fail(email: OutgoingEmail, answer: str) -> None:
    email.status = EmailStatus.FAILED
    email.last_error = answer[:ERROR_MAX]
    email.claimed_at = None
    email.next_attempt_at = None
    db.session.commit()


def send(email: OutgoingEmail) -> None:
    """Hand the message to the configured backend; raises what the mail server answered."""
    message = Message(subject=email.subject, recipients=email.recipient_list, body=email.body)
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "capture":
        current_app.extensions["outbox"].append(message)
    elif backend == "console":
        recipients = ", ".join(message.recipients)
        print(f"\n----- email to {recipients}: {message.subject}\n{message.body}\n-----", flush=True)
    else:
        mail.send(message)


def server_answer(error: Exception) -> tuple[str, bool]:
    """What the mail server said (or why it said nothing), and whether trying again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refusals = error.recipients.values()
        answer = "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items()
        )
        return answer, bool(refusals) and all(500 <= code < 600 for code, _reply in refusals)
    if isinstance(error, smtplib.SMTPResponseException):
        answer = f"{error.smtp_code} {_text(error.smtp_error)}"
        # The message itself refused for good; a refused sender or login is the server's configuration,
        # which someone will mend: those are tried again.
        return answer, isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600
    return f"{type(error).__name__}: {error}", False


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


@jobs.periodic(minutes=1)
def resume_emails(at_start: bool = False, now: datetime | None = None) -> int:
    """Queue again the messages no job is on its way to; returns how many.

    Due: a retry (attempted before: nothing queued it), a message whose worker died while sending (its
    claim older than the lease), and, when the queue is empty, a message never attempted (its job was lost:
    while jobs still wait, it may be one of them; as a worker starts, ``at_start``, it is queued anyway). A
    message queued twice is sent once (the claim).
    """
    now = now or utcnow()
    due = (OutgoingEmail.status == EmailStatus.QUEUED) & (OutgoingEmail.next_attempt_at <= now)
    lost = [
        due & (OutgoingEmail.attempts > 0),
        (OutgoingEmail.status == EmailStatus.SENDING) & (OutgoingEmail.claimed_at < now - lease()),
    ]
    if at_start or jobs.waiting_count() == 0:
        lost.append(due)
    ids = list(db.session.scalars(select(OutgoingEmail.id).where(or_(*lost)).order_by(OutgoingEmail.id)))
    for email_id in ids:
        jobs.enqueue(deliver_email, email_id)
    if ids:
        log.info("queued %d emails again", len(ids))
    return len(ids)


def send_again(email: OutgoingEmail) -> OutgoingEmail:
    """Queue a message again once the transaction commits: a failed one itself, from its first attempt; any
    other as a new copy (the log keeps what happened to the first). Returns the row that will be sent."""
    now = utcnow()
    if email.status == EmailStatus.FAILED:
        again = email
        again.status = EmailStatus.QUEUED
        again.attempts = 0
        again.next_attempt_at = now
        again.claimed_at = None
    else:
        again = OutgoingEmail(
            recipients=email.recipients,
            subject=email.subject,
            body=email.body,
            template=email.template,
            edition_id=email.edition_id,
            user_id=email.user_id,
            status=EmailStatus.QUEUED,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        db.session.add(again)
        db.session.flush()
    jobs.after_commit(deliver_email, again.id)
    return again
