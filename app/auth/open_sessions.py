"""A user's open sessions, as the account's sessions page shows them, and ending them.

A session is open while it is not revoked and neither limit of `sessions.Limits` has passed. The page names
each browser in plain words (ua-parser reads the user agent the browser sent when it signed in), with its
address, when it signed in and when it was last seen. Ending one, or all but this browser's, revokes the rows
and is audited; the caller commits. Ended sessions are deleted by `auth/jobs.py` (`purge_ended_sessions`).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update
from ua_parser import parse

from app.audit import services as audit
from app.auth.models import LoginSession, User
from app.auth.sessions import limits
from app.db import utcnow
from app.extensions import db
from app.web import DomainError

# An expired session's row is kept this long, so that a browser coming back is told why it was signed out
# ("after 30 minutes without activity") rather than only that it was.
KEEP_EXPIRED = timedelta(days=1)


@dataclass(frozen=True)
class OpenSession:
    id: int
    browser: str
    ip: str | None
    signed_in_at: datetime
    last_seen_at: datetime
    current: bool


def browser_in_words(user_agent: str | None) -> str:
    """ "Firefox on Windows", "Mobile Safari on iOS"; what the user agent does not say is left out."""
    result = parse(user_agent or "")
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or _("A browser on %(system)s", system=system)
    return _("Unknown browser")


def _open(now: datetime):
    session_limits = limits()
    return (
        LoginSession.revoked_at.is_(None),
        LoginSession.last_seen_at > now - session_limits.idle,
        LoginSession.created_at > now - session_limits.absolute,
    )


def open_sessions(user: User) -> list[OpenSession]:
    """The user's open sessions: this browser's first, then the most recently seen."""
    rows = db.session.scalars(
        select(LoginSession)
        .where(LoginSession.user_id == user.id, *_open(utcnow()))
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    ).all()
    found = [
        OpenSession(
            id=row.id,
            browser=browser_in_words(row.user_agent),
            ip=row.ip,
            signed_in_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.token == user.login_session_token,
        )
        for row in rows
    ]
    return sorted(found, key=lambda found_session: not found_session.current)


def end_session(user: User, login_session: LoginSession) -> None:
    """End one of the user's other sessions (their own, checked by the route's permission)."""
    if login_session.token == user.login_session_token:
        raise DomainError(_("This is the session of this browser: to end it, log out."))
    now = utcnow()
    if login_session.revoked_at is not None or limits().expired(login_session, now):
        raise DomainError(_("That session had already ended."))
    login_session.revoked_at = now
    audit.record(
        "session.end",
        login_session,
        before={"ip": login_session.ip, "signed_in_at": login_session.created_at.isoformat()},
        after={"revoked_at": now.isoformat()},
        actor=user,
    )


def end_others(user: User) -> int:
    """End every open session of the user but this browser's; how many there were."""
    result = db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.user_id == user.id,
            LoginSession.token != (user.login_session_token or ""),
            *_open(utcnow()),
        )
        .values(revoked_at=utcnow())
    )
    ended = result.rowcount
    if ended:
        audit.record("session.end_others", user, after={"ended": ended}, actor=user)
    return ended


def purge_ended_sessions() -> int:
    """Delete the sessions that have ended: revoked, or expired for more than a day. The caller commits."""
    now = utcnow()
    session_limits = limits()
    result = db.session.execute(
        delete(LoginSession).where(
            or_(
                LoginSession.revoked_at.is_not(None),
                LoginSession.last_seen_at < now - session_limits.idle - KEEP_EXPIRED,
                LoginSession.created_at < now - session_limits.absolute - KEEP_EXPIRED,
            )
        )
    )
    return result.rowcount
