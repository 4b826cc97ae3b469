"""Signing in and out with server-side sessions, and how long a session lasts.

Each browser that signs in gets a LoginSession row; the cookie carries only its token. Revoking the row signs
that browser out at once (logging out, a password change or reset, deactivation, ending it from the account's
sessions page). The caller commits.

A session also ends by itself: after `SESSION_IDLE_MINUTES` without a request, and `SESSION_ABSOLUTE_HOURS`
after signing in, whatever the activity. The user loader enforces both on every request (so a remember-me
cookie, which reaches the same loader, cannot outlast them): an expired row is revoked, the browser is signed
out and told why. Activity is noted in `last_seen_at`, written at most once a minute (`Limits.touch`), not on
every request; a page asking how long its session has left (`auth.session_status`) is not activity.
`check_session`, run before each request, loads the user first, so these writes are committed on their own,
before the view does anything.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select, update

from app.auth.models import LoginSession, User
from app.auth.passwords import hash_password, verify_password
from app.db import utcnow
from app.extensions import db
from app.web import SESSIONLESS_ENDPOINTS, same_site_referrer

# Requests that do not count as activity: the page's own question of how long its session has left (asking
# must not keep the session alive). Static files and the probes do not load the user (SESSIONLESS_ENDPOINTS).
NOT_ACTIVITY = frozenset({"auth.session_status"})


@dataclass(frozen=True)
class Limits:
    """How long a session lasts without activity (idle) and at most (absolute); when the page warns."""

    idle: timedelta
    absolute: timedelta
    warning: timedelta

    @property
    def touch(self) -> timedelta:
        """How stale `last_seen_at` may be before a request writes it again: a minute, or a tenth of a short
        idle limit (so a 30-minute limit is enforced to within a minute, with one write a minute at most)."""
        return min(timedelta(minutes=1), self.idle / 10)

    def deadline(self, login_session: LoginSession) -> datetime:
        """When the session ends if nothing happens before."""
        return min(login_session.last_seen_at + self.idle, login_session.created_at + self.absolute)

    def expired(self, login_session: LoginSession, now: datetime) -> str | None:
        """Why the session has ended by now ("absolute" or "idle"), or None while it lasts."""
        if now >= login_session.created_at + self.absolute:
            return "absolute"
        if now >= login_session.last_seen_at + self.idle:
            return "idle"
        return None

    def extendable(self, login_session: LoginSession) -> bool:
        """Whether activity can still push the deadline back (false once the absolute limit comes first)."""
        return login_session.last_seen_at + self.idle < login_session.created_at + self.absolute


def limits() -> Limits:
    config = current_app.config
    return Limits(
        idle=timedelta(minutes=float(config["SESSION_IDLE_MINUTES"])),
        absolute=timedelta(hours=float(config["SESSION_ABSOLUTE_HOURS"])),
        warning=timedelta(minutes=float(config["SESSION_WARNING_MINUTES"])),
    )


def load_user_from_session(token: str) -> User | None:
    """The active account whose open, unexpired session has this token (Flask-Login's user loader).

    An expired session is revoked here; `g.session_ended` says why for `check_session`.
    """
    if not token:
        return None
    row = db.session.execute(
        select(LoginSession, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.token == token, LoginSession.revoked_at.is_(None))
    ).first()
    if row is None or not row[1].active:
        g.session_ended = "ended"  # revoked elsewhere, deleted, or the account deactivated
        return None
    login_session, user = row
    now = utcnow()
    session_limits = limits()
    reason = session_limits.expired(login_session, now)
    if reason is not None:
        login_session.revoked_at = now
        g.session_ended = reason
        g.session_written = True
        return None
    if request.endpoint not in NOT_ACTIVITY and now - login_session.last_seen_at >= session_limits.touch:
        login_session.last_seen_at = now
        g.session_written = True
    user.login_session_token = login_session.token
    g.login_session = login_session
    return user


def check_session() -> None:
    """Before each request: load the user now (the loader ends an expired session and notes the activity),
    commit what it wrote, on its own, and sign out with a message a browser whose session has ended."""
    if request.endpoint in SESSIONLESS_ENDPOINTS:
        return
    _ = current_user.is_authenticated  # loads the user
    if g.pop("session_written", False):
        db.session.commit()
    reason = g.pop("session_ended", None)
    if reason is not None:
        logout_user()  # forget the token: the next requests are plainly anonymous
        flash(ended_message(reason), "warning")
        g.session_message = True


def ended_message(reason: str) -> str:
    if reason == "idle":
        minutes = max(1, round(limits().idle.total_seconds() / 60))
        return ngettext(
            "You were signed out after %(num)d minute without activity. Log in again to continue.",
            "You were signed out after %(num)d minutes without activity. Log in again to continue.",
            minutes,
        )
    if reason == "absolute":
        hours = max(1, round(limits().absolute.total_seconds() / 3600))
        return ngettext(
            "For your security, a session lasts at most %(num)d hour. Log in again to continue.",
            "For your security, a session lasts at most %(num)d hours. Log in again to continue.",
            hours,
        )
    return _("You have been signed out. Log in again to continue.")


def ask_to_sign_in():
    """Flask-Login's unauthorized handler: a script gets a 401 in JSON; a person the log-in page, and after
    it the page they were on (for a form sent once the session had ended: the form's page, not its POST)."""
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json":
        return jsonify(signed_in=False), 401
    if not g.get("session_message"):
        flash(_("Please log in to access this page."), "info")
    here = request.full_path if request.query_string else request.path
    # A form sent to its POST URL comes back to the page it was on (the same-origin referrer policy has the
    # browser say which); without one, to its own URL, as Flask-Login does.
    target = here if request.method == "GET" else same_site_referrer() or here
    return redirect(url_for("auth.login", next=target))


def session_clock() -> dict | None:
    """What the page's script needs to know of this browser's session: the seconds left, how long before the
    end it warns, and whether staying signed in pushes the end back. None when nobody is signed in."""
    login_session = g.get("login_session")
    if login_session is None or not current_user.is_authenticated:
        return None
    session_limits = limits()
    left = session_limits.deadline(login_session) - utcnow()
    return {
        "signed_in": True,
        "expires_in": max(0, round(left.total_seconds(), 1)),
        "warning": session_limits.warning.total_seconds(),
        "extendable": session_limits.extendable(login_session),
    }


def keep_alive() -> None:
    """The person chose to stay signed in: that is activity now. The caller commits."""
    g.login_session.last_seen_at = utcnow()


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
