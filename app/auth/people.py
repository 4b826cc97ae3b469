"""Accounts made and managed for others: invitations (by organisers, by colleagues, from the CLI), accounts
created with a password from the CLI, resent invitations, deactivation and reactivation.

Each use case flushes and records its audit event; the caller queues the email (notifications.py) and
commits. EmailTaken is caught by the route to explain it beside the email field, or by the CLI.
"""

from app.audit import services as audit
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.queries import normalise_email, user_by_email
from app.auth.sessions import end_all_sessions
from app.db import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES


class EmailTaken(Exception):
    """An account already uses this email address."""

    def __init__(self, user: User):
        super().__init__(user.email)
        self.user = user


def invite(
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    country: str | None = None,
    invited_by: User | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> User:
    """An account without a password: the invitation link lets its owner choose one. The caller commits."""
    existing = user_by_email(email)
    if existing is not None:
        raise EmailTaken(existing)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        organisation_id=organisation_id,
        country=country.upper() if country else None,
        invited_at=utcnow(),
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.invite",
        user,
        after={
            "email": user.email,
            "role": user.role,
            "organisation_id": user.organisation_id,
            "country": user.country,
        },
        actor=invited_by,
    )
    return user


def create_with_password(*, email: str, name: str, role: str, country: str | None, password: str) -> User:
    """An account ready to use, email taken as confirmed (the CLI operator vouches for it)."""
    existing = user_by_email(email)
    if existing is not None:
        raise EmailTaken(existing)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        country=country.upper() if country else None,
        password_hash=hash_password(password),
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user, after={"email": user.email, "role": user.role, "via": "cli"})
    return user


def note_invitation_resent(user: User, by: User | None = None) -> None:
    before = {"invited_at": user.invited_at.isoformat() if user.invited_at else None}
    user.invited_at = utcnow()
    db.session.flush()
    audit.record(
        "user.invitation_resent",
        user,
        before=before,
        after={"invited_at": user.invited_at.isoformat()},
        actor=by,
    )


def deactivate(user: User, by: User | None = None) -> int:
    """Refuse the account from now on: its sessions end at once. Returns how many ended."""
    user.active = False
    db.session.flush()
    audit.record("user.deactivate", user, before={"active": True}, after={"active": False}, actor=by)
    return end_all_sessions(user)


def reactivate(user: User, by: User | None = None) -> None:
    user.active = True
    db.session.flush()
    audit.record("user.reactivate", user, before={"active": False}, after={"active": True}, actor=by)
