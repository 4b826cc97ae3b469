"""app/mail/delivery.py: a worker sends each logged email once, records the mail server's answer, tries again
later when the server is down, and the sweep finds what was lost."""

from __future__ import annotations

import smtplib
import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app import jobs
from app.db import utcnow
from app.extensions import mail as mail_extension
from app.mail import EmailStatus, OutgoingEmail, delivery, send_email
from app.mail.delivery import MAX_ATTEMPTS, deliver_email, resume_emails, retry_delay
from tests.conftest import csrf_from


def _queue(to="jana@obrnice.example", subject="Your password was changed"):
    return send_email(to, subject, "auth_password_changed", user=None, forgot_link="http://x/forgot")


def _row(db, email_id: int) -> OutgoingEmail:
    db.session.expire_all()
    return db.session.get(OutgoingEmail, email_id)


def _due_now(db, email_id: int) -> None:
    """Time passes: the next attempt of the email is due."""
    row = _row(db, email_id)
    row.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


class MailServer:
    """A real SMTP server on localhost (aiosmtpd), started and stopped by the test; it refuses nobody@ for
    good and later@ for now."""

    def __init__(self, port: int):
        self.port = port
        self.received = []
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 user unknown"
        if address.startswith("later@"):
            return "451 4.3.0 mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(message_from_bytes(envelope.content))
        return "250 OK"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@pytest.fixture
def smtp(app):
    """The app sends through SMTP to a port where no server listens yet: `smtp.start()` starts one."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_BACKEND="smtp", MAIL_SUPPRESS_SEND=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    mail_extension.init_app(app)
    server = MailServer(port)
    yield server
    server.stop()


def test_email_is_sent_through_smtp(app, db, smtp):
    smtp.start()
    email = _queue()
    db.session.commit()

    row = _row(db, email.id)
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 1, None)
    (received,) = smtp.received
    assert received["To"] == "jana@obrnice.example"
    assert received["Subject"] == "Your password was changed"


def test_smtp_server_down_then_up_loses_nothing(app, db, smtp):
    email = _queue()
    db.session.commit()  # the server is down: the worker's attempt fails

    row = _row(db, email.id)
    assert (row.status, row.attempts) == (EmailStatus.QUEUED, 1)
    assert row.last_error.startswith("ConnectionRefusedError")
    assert row.next_attempt_at - utcnow() > timedelta(seconds=50)  # in a minute
    assert resume_emails() == 0  # not due yet

    smtp.start()
    _due_now(db, email.id)
    assert resume_emails() == 1

    row = _row(db, email.id)
    assert (row.status, row.attempts, row.last_error) == (EmailStatus.SENT, 2, None)
    assert len(smtp.received) == 1
    assert resume_emails() == 0
    deliver_email(email.id)
    assert len(smtp.received) == 1


def test_recipient_refused_for_good_fails_at_once_with_the_servers_answer(app, db, smtp):
    smtp.start()
    email = _queue("nobody@obrnice.example")
    db.session.commit()

    row = _row(db, email.id)
    assert (row.status, row.attempts) == (EmailStatus.FAILED, 1)
    assert row.last_error == "nobody@obrnice.example: 550 5.1.1 user unknown"
    assert smtp.received == []


def test_recipient_refused_for_now_is_tried_again(app, db, smtp):
    smtp.start()
    email = _queue("later@obrnice.example")
    db.session.commit()

    row = _row(db, email.id)
    assert (row.status, row.attempts) == (EmailStatus.QUEUED, 1)
    assert row.last_error == "later@obrnice.example: 451 4.3.0 mailbox busy, try again later"


def test_duplicated_job_sends_once(app, db, outbox):
    email = _queue()
    db.session.commit()
    deliver_email(email.id)
    deliver_email(email.id)
    assert len(outbox) == 1
    assert _row(db, email.id).attempts == 1


def test_job_of_a_retry_not_yet_due_sends_nothing(app, db, outbox, monkeypatch):
    monkeypatch.setattr(delivery, "send", _server_disconnected)
    email = _queue()
    db.session.commit()
    monkeypatch.undo()

    deliver_email(email.id)  # a duplicate of the first job, arriving late
    assert outbox == []
    assert _row(db, email.id).status == EmailStatus.QUEUED


def _server_disconnected(email):
    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_failed_attempt_is_logged_without_the_recipients_address(app, db, monkeypatch, caplog):
    monkeypatch.setattr(delivery, "send", _server_disconnected)

    email = _queue(to="jana@obrnice.example")
    db.session.commit()

    (record,) = [r for r in caplog.records if r.name == delivery.__name__]
    assert record.getMessage() == (
        f"email {email.id} not sent (attempt 1): SMTPServerDisconnected: Connection unexpectedly closed"
    )
    assert "jana@obrnice.example" not in caplog.text


def test_retries_wait_longer_each_time_then_the_email_fails(app, db, outbox, monkeypatch):
    monkeypatch.setattr(delivery, "send", _server_disconnected)
    email = _queue()
    db.session.commit()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS):
        row = _row(db, email.id)
        assert (row.status, row.attempts) == (EmailStatus.QUEUED, attempt)
        waits.append(round((row.next_attempt_at - utcnow()).total_seconds() / 60))
        _due_now(db, email.id)
        resume_emails()

    row = _row(db, email.id)
    assert (row.status, row.attempts) == (EmailStatus.FAILED, MAX_ATTEMPTS)
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert waits == [1, 3, 9, 27, 81, 243, 729]
    assert sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta()) < timedelta(days=1)
    assert outbox == []


def test_sweep_sends_an_email_whose_job_never_reached_the_queue(app, db, outbox, monkeypatch):
    monkeypatch.setattr(jobs, "enqueue", _queue_down)
    email = _queue()
    db.session.commit()
    monkeypatch.undo()
    assert _row(db, email.id).status == EmailStatus.QUEUED

    assert resume_emails() == 1
    assert _row(db, email.id).status == EmailStatus.SENT
    assert len(outbox) == 1


def _queue_down(fn, *args):
    raise jobs.QueueUnavailable("Connection refused")


def test_sweep_leaves_a_fresh_email_while_jobs_wait(app, db, outbox, monkeypatch):
    monkeypatch.setattr(jobs, "enqueue", _queue_down)
    email = _queue()
    db.session.commit()
    monkeypatch.undo()
    monkeypatch.setattr(jobs, "waiting_count", lambda app=None: 3)  # its job may be one of them
    assert resume_emails() == 0
    assert _row(db, email.id).status == EmailStatus.QUEUED


def test_sweep_sends_an_email_whose_worker_died_while_sending(app, db, outbox, monkeypatch):
    monkeypatch.setattr(jobs, "enqueue", _queue_down)
    email = _queue()
    db.session.commit()
    monkeypatch.undo()
    row = _row(db, email.id)
    row.status, row.attempts, row.claimed_at = EmailStatus.SENDING, 1, utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert resume_emails() == 0  # within the lease: its worker may still be at it

    row = _row(db, email.id)
    row.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert resume_emails() == 1
    row = _row(db, email.id)
    assert (row.status, row.attempts) == (EmailStatus.SENT, 2)
    assert len(outbox) == 1


# --- Security emails leave the request: the same work whether or not the address has an account -----------


def test_forgot_password_only_queues_and_commits_alike_for_known_and_unknown(
    app, client, db, make, monkeypatch
):
    make.applicant(email="ana@kocaeli.example")
    db.session.commit()
    queued, commits = [], []
    monkeypatch.setattr(jobs, "enqueue", lambda fn, *args: queued.append((fn.__name__, args)))
    monkeypatch.setattr(delivery, "send", _must_not_send)

    def committed(session):
        commits.append(session)

    event.listen(Session, "after_commit", committed)
    try:
        for address in ("nobody.here@kocaeli.example", "ana@kocaeli.example"):
            token = csrf_from(client.get("/password/forgot").get_data(as_text=True))
            commits.clear()
            response = client.post("/password/forgot", data={"email": address, "csrf_token": token})
            assert response.status_code == 302
            assert len(commits) == 1, address
    finally:
        event.remove(Session, "after_commit", committed)

    (email_id,) = db.session.scalars(select(OutgoingEmail.id))
    assert queued == [("deliver_email", (email_id,))]


def _must_not_send(email):
    raise AssertionError("the request sent an email itself")
