"""Signing in and out with server-side sessions, and signed single-purpose links."""

import enum
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import contains_eager

from app.audit import services as audit
from app.auth.enums import Role
from app.auth.models import LoginSession, Organisation, User
from app.auth.passwords import hash_password, verify_password
from app.db import utcnow
from app.extensions import db
from app.links import external_url
from app.mail import send_email

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


# --- Registration, confirmation, passwords, invitations and people ------------------------------------


class AccountStatus(enum.StrEnum):
    INVITED = "invited"  # created by someone else, no password yet
    UNCONFIRMED = "unconfirmed"  # registered, email not yet confirmed
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def account_status(user: User) -> AccountStatus:
    if not user.active:
        return AccountStatus.DEACTIVATED
    if not user.password_hash:
        return AccountStatus.INVITED
    if user.email_confirmed_at is None:
        return AccountStatus.UNCONFIRMED
    return AccountStatus.ACTIVE


def _status_condition(status: str):
    has_password = User.password_hash.is_not(None) & (User.password_hash != "")
    return {
        AccountStatus.DEACTIVATED: User.active.is_(False),
        AccountStatus.INVITED: User.active.is_(True) & ~has_password,
        AccountStatus.UNCONFIRMED: User.active.is_(True) & has_password & User.email_confirmed_at.is_(None),
        AccountStatus.ACTIVE: User.active.is_(True) & has_password & User.email_confirmed_at.is_not(None),
    }[AccountStatus(status)]


def password_matches(user: User | None, password: str) -> bool:
    """Whether the password opens this account; as slow for an unknown email, so timing reveals no account."""
    if user is None or not user.password_hash:
        hash_password(password)  # the same argon2 work as a verification
        return False
    return verify_password(user.password_hash, password)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _name_key(name: str) -> str:
    # "Ηράκλειο", "ΗΡΆΚΛΕΙΟ" and " Ηράκλειο " name the same municipality; the stored name stays as typed.
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def find_organisation(name: str, country: str) -> Organisation | None:
    """The organisation of that country whose name matches, ignoring case, accents' encoding and spacing."""
    key = _name_key(name)
    candidates = db.session.scalars(select(Organisation).where(Organisation.country == country.upper()))
    return next((organisation for organisation in candidates if _name_key(organisation.name) == key), None)


class RegistrationRefused(Exception):
    """The email already has an account, or the organisation is already registered (or both)."""

    def __init__(self, *, email_taken: bool, organisation_exists: bool):
        super().__init__("registration refused")
        self.email_taken = email_taken
        self.organisation_exists = organisation_exists


class EmailTaken(Exception):
    """An account already uses this email address."""

    def __init__(self, user: User):
        super().__init__(user.email)
        self.user = user


def register_organisation(
    *,
    organisation_name: str,
    kind: str,
    country: str,
    population: int | None,
    website: str,
    contact_name: str,
    email: str,
    password: str,
) -> User:
    """Create the organisation and its contact person (applicant, email unconfirmed); the caller commits."""
    email = normalise_email(email)
    email_taken = user_by_email(email) is not None
    organisation_exists = find_organisation(organisation_name, country) is not None
    if email_taken or organisation_exists:
        raise RegistrationRefused(email_taken=email_taken, organisation_exists=organisation_exists)
    organisation = Organisation(
        name=organisation_name.strip(),
        kind=kind,
        country=country.upper(),
        population=population,
        website=website or "",
    )
    user = User(
        email=email,
        name=contact_name.strip(),
        role=Role.APPLICANT,
        organisation=organisation,
        password_hash=hash_password(password),
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record(
        "organisation.register",
        organisation,
        after={"name": organisation.name, "kind": organisation.kind, "country": organisation.country},
        actor=user,
    )
    audit.record("user.register", user, after={"email": user.email, "role": user.role}, actor=user)
    return user


def confirm_email(user: User) -> bool:
    """Mark the email as confirmed; False when it already was."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return True


def set_password(user: User, password: str) -> None:
    """Store a new password; following an emailed link also proves the address, so it counts as confirmed."""
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()


def change_password(user: User, password: str) -> int:
    """A new password from the signed-in user; every other browser of the account is signed out."""
    set_password(user, password)
    audit.record("user.password_change", user, actor=user)
    return end_other_sessions(user)


def reset_password(user: User, password: str) -> int:
    """A new password through an emailed link; every session of the account ends."""
    set_password(user, password)
    audit.record("user.password_reset", user, actor=user)
    return end_all_sessions(user)


def accept_invitation(user: User, name: str, password: str) -> None:
    before = {"name": user.name}
    user.name = name.strip() or user.name
    set_password(user, password)
    audit.record("user.accept_invitation", user, before=before, after={"name": user.name}, actor=user)


def rename(user: User, name: str) -> bool:
    name = name.strip()
    if not name or name == user.name:
        return False
    audit.record("user.rename", user, before={"name": user.name}, after={"name": name}, actor=user)
    user.name = name
    db.session.flush()
    return True


def invite(
    *,
    email: str,
    name: str,
    role: str,
    organisation_id: int | None = None,
    country: str | None = None,
    invited_by: User | None = None,
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


def colleagues_of(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.organisation_id == organisation_id).order_by(User.name, User.id)
        )
    )


@dataclass(frozen=True)
class PeopleFilter:
    role: str = ""
    country: str = ""
    organisation_id: int | None = None
    status: str = ""
    q: str = ""


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def people_query(filters: PeopleFilter) -> Select:
    """Users matching the organisers' filters, their organisation loaded in the same query."""
    query = (
        select(User)
        .outerjoin(Organisation, User.organisation_id == Organisation.id)
        .options(contains_eager(User.organisation))
        .order_by(User.role.desc(), User.name, User.id)
    )
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.country:
        query = query.where(or_(User.country == filters.country, Organisation.country == filters.country))
    if filters.organisation_id:
        query = query.where(User.organisation_id == filters.organisation_id)
    if filters.status:
        query = query.where(_status_condition(filters.status))
    if filters.q.strip():
        pattern = _like_pattern(filters.q.strip().lower())
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
            )
        )
    return query


def organisations_by_name() -> list[Organisation]:
    """Every organisation, by name, for the people filter."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name, Organisation.id)))


# --- Emails (sent by the route after the commit) --------------------------------------------------------


def link_expiry(purpose: str) -> datetime:
    return utcnow() + timedelta(seconds=MAX_AGES[purpose])


def link_validity(purpose: str) -> str:
    """'2 hours', '14 days': how long a link of this kind stays valid."""
    seconds = MAX_AGES[purpose]
    if seconds % 86400 == 0:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    return ngettext("%(num)d hour", "%(num)d hours", max(1, seconds // 3600))


def send_confirmation_email(user: User) -> None:
    send_email(
        user.email,
        _("Confirm your email address for the Dosta!-Congress Prize"),
        "auth_confirm",
        user=user,
        link=external_url("auth.confirm_email", token=make_token(user, "confirm")),
        valid_until=link_expiry("confirm"),
        valid_for=link_validity("confirm"),
    )


def send_reset_email(user: User) -> None:
    send_email(
        user.email,
        _("Choose a new password for the Dosta!-Congress Prize"),
        "auth_reset",
        user=user,
        link=external_url("auth.reset_password", token=make_token(user, "reset")),
        forgot_link=external_url("auth.forgot_password"),
        valid_until=link_expiry("reset"),
        valid_for=link_validity("reset"),
    )


def send_invitation_email(user: User, invited_by: User | None = None) -> None:
    send_email(
        user.email,
        _("You are invited to the Dosta!-Congress Prize"),
        "auth_invitation",
        user=user,
        invited_by=invited_by,
        role_label=str(ROLE_LABELS.get(user.role, user.role)),
        link=external_url("auth.accept_invitation", token=make_token(user, "invite")),
        valid_until=link_expiry("invite"),
        valid_for=link_validity("invite"),
    )


def send_password_changed_email(user: User) -> None:
    send_email(
        user.email,
        _("Your Dosta!-Congress Prize password was changed"),
        "auth_password_changed",
        user=user,
        forgot_link=external_url("auth.forgot_password"),
    )


ROLE_LABELS = {
    Role.APPLICANT: _l("Applicant"),
    Role.JUROR: _l("Juror"),
    Role.ORGANISER: _l("Organiser"),
}

ACCOUNT_STATUS_LABELS = {
    AccountStatus.INVITED: _l("Invited"),
    AccountStatus.UNCONFIRMED: _l("Email not confirmed"),
    AccountStatus.ACTIVE: _l("Active"),
    AccountStatus.DEACTIVATED: _l("Deactivated"),
}
