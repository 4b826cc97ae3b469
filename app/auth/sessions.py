"""Signing in and out with server-side sessions.

Each browser that signs in gets a LoginSession row; the cookie carries only its token. Revoking the row signs
that browser out at once (logging out, a password change or reset, deactivation). The caller commits.
"""

from flask import request
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from app.auth.models import LoginSession, User
from app.auth.passwords import hash_password, verify_password
from app.db import utcnow
from app.extensions import db


def load_user_from_session(token: str) -> User | None:
    """The active account whose open session has this token (Flask-Login's user loader)."""
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


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password opens this account; as slow for an unknown email, so timing reveals no account."""
    if user is None or not user.password_hash:
        hash_password(password)  # the same argon2 work as a verification
        return False
    return verify_password(user.password_hash, password)


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
    """Revoke every session of the user (after a password reset or a deactivation)."""
    result = db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
