"""Sending an email of the log again, at an organiser's request, audited."""

from __future__ import annotations

from app.audit.services import record
from app.mail import OutgoingEmail
from app.mail.delivery import send_again


def send_email_again(email: OutgoingEmail, *, actor) -> OutgoingEmail:
    """Queue the message again once the transaction commits (a sent one as a new copy); returns the row that
    will be sent."""
    before = {"status": email.status.value, "attempts": email.attempts, "last_error": email.last_error}
    again = send_again(email)
    record(
        "email.resent",
        email,
        before=before,
        after={"email_id": again.id, "copy": again.id != email.id},
        edition_id=email.edition_id,
        actor=actor,
    )
    return again
