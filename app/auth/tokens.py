"""Signed, expiring single-purpose links: confirming an email, resetting a password, accepting an invitation.

A token carries the account's id and email, signed with the app's secret and salted by its purpose, so a
reset token is no confirmation token. Reset and invitation tokens also carry a fingerprint of the password
hash: choosing a password makes every earlier link of those kinds "used". `read_token` returns the account
or raises TokenError with the reason the link page shows.
"""

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import ngettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.auth.models import User
from app.db import utcnow
from app.extensions import db

CONFIRM_EMAIL_MAX_AGE = 3 * 24 * 3600
RESET_PASSWORD_MAX_AGE = 2 * 3600
INVITATION_MAX_AGE = 14 * 24 * 3600

MAX_AGES = {"confirm": CONFIRM_EMAIL_MAX_AGE, "reset": RESET_PASSWORD_MAX_AGE, "invite": INVITATION_MAX_AGE}


class TokenError(Exception):
    """The link is invalid, expired or already used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "invalid", "expired" or "used"


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


def read_token(token: str, purpose: str) -> User:
    """The account the link was made for; TokenError("expired" | "invalid" | "used") otherwise."""
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


def link_expiry(purpose: str) -> datetime:
    """When a link of this kind made now stops working."""
    return utcnow() + timedelta(seconds=MAX_AGES[purpose])


def link_validity(purpose: str) -> str:
    """'2 hours', '14 days': how long a link of this kind stays valid."""
    seconds = MAX_AGES[purpose]
    if seconds % 86400 == 0:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86400)
    return ngettext("%(num)d hour", "%(num)d hours", max(1, seconds // 3600))
