"""The demo's delivery log: the 2013 results emails as the workers sent them, one refused by its server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.auth.models import User
from app.contests.models import Edition
from app.extensions import db
from app.mail import EmailStatus, OutgoingEmail
from app.submissions.models import Application

EDITION_2013 = "dosta-2013"
REFUSED = "550 5.1.1 user unknown"


def load_emails_demo() -> str:
    """Log the 2013 results emails (the caller commits); a summary, or "" without that edition."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == EDITION_2013))
    if edition is None or edition.results_published_at is None:
        return ""
    contacts = db.session.scalars(
        select(User)
        .join(Application, Application.organisation_id == User.organisation_id)
        .where(Application.edition_id == edition.id)
        .order_by(User.email)
    ).all()
    at = edition.results_published_at
    for number, contact in enumerate(contacts):
        refused = number == len(contacts) - 1
        db.session.add(
            OutgoingEmail(
                recipients=contact.email,
                subject=f"{edition.name}: the results",
                body=f"Dear {contact.name},\n\nthe results of the {edition.name} are published.\n",
                template="results_thanks",
                edition_id=edition.id,
                user_id=contact.id,
                status=EmailStatus.FAILED if refused else EmailStatus.SENT,
                attempts=1,
                last_error=f"{contact.email}: {REFUSED}" if refused else None,
                created_at=at,
                sent_at=None if refused else at + timedelta(seconds=2 + number),
            )
        )
    return f"{len(contacts)} emails"
