"""Signing in and out with server-side sessions, and signed single-purpose links."""

import hashlib

from flask import current_app, request
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update

from app.auth.models import LoginSession, User
from app.db import utcnow
from app.extensions import db

CONFIRM_EMAIL_MAX_AGE = 3 * 24 * 3600
RESET_PASSWORD_MAX_AGE = 2 * 3600
INVITATION_MAX_AGE = 14 * 24 * 3600


def load_user_from_session(token: str) -> User | None:
    if not token:
        return None
    row = db.session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    login_session, user = row
    if not user.active:
        return None
    user.login_session_token = login_session.token
    return user


def sign_in(user: User) -> LoginSession:
    """Open a server-side session for this browser; the caller commits."""
    login_session = LoginSession(
        user_id=user.id,
        ip=request.remote_addr,
        user_agent=(request.user_agent.string or "")[:300],
    )
    db.session.add(login_session)
    db.session.flush()
    user.login_session_token = login_session.token
    user.last_login_at = utcnow()
    login_user(user)
    return login_session


def sign_out(user: User) -> None:
    """End this browser's session on the server too; the caller commits."""
    if user.is_authenticated and user.login_session_token:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.token == user.login_session_token)
            .values(revoked_at=utcnow())
        )
    logout_user()


def end_other_sessions(user: User) -> int:
    """Revoke every session of the user but the current one (after a password change)."""
    result = db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.revoked_at.is_(None),
            LoginSession.token != (user.login_session_token or ""),
        )
        .values(revoked_at=utcnow())
    )
    return result.rowcount


def end_all_sessions(user: User) -> int:
    result = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"prizejury.{purpose}")


def _password_fingerprint(user: User) -> str:
    # Changes whenever the password does, so a used reset or invitation link stops working.
    return hashlib.sha256((user.password_hash or "no-password").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A signed link token for 'confirm', 'reset' or 'invite'."""
    payload = {"uid": user.id, "email": user.email}
    if purpose in ("reset", "invite"):
        payload["pw"] = _password_fingerprint(user)
    return _serializer(purpose).dumps(payload)


MAX_AGES = {"confirm": CONFIRM_EMAIL_MAX_AGE, "reset": RESET_PASSWORD_MAX_AGE, "invite": INVITATION_MAX_AGE}


class TokenError(Exception):
    """The link is invalid, expired or already used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "used"


def read_token(token: str, purpose: str) -> User:
    try:
        payload = _serializer(purpose).loads(token, max_age=MAX_AGES[purpose])
    except SignatureExpired as error:
        raise TokenError("expired") from error
    except BadSignature as error:
        raise TokenError("invalid") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        raise TokenError("invalid")
    user = db.session.get(User, payload["uid"])
    if user is None or user.email != payload.get("email"):
        raise TokenError("invalid")
    if "pw" in payload and payload["pw"] != _password_fingerprint(user):
        raise TokenError("used")
    return user
