"""The auth blueprint: signing in and out (session.py), one's own account and the links that arrive by
email (account.py), an organisation's colleagues (colleagues.py), the organisers' people screens (people.py)
and the language switch (language.py). Endpoint names are `auth.<view>` whichever module a view lives in.

Helpers shared by those modules live here too: where a user's home is, and which next= targets are safe.
"""

from urllib.parse import urlsplit

from flask import Blueprint, url_for
from flask_login import current_user

from app.auth.enums import Role
from app.auth.labels import account_status_label, kind_label, role_label
from app.auth.models import User
from app.auth.queries import account_status

bp = Blueprint("auth", __name__)


@bp.context_processor
def labels():
    return {
        "role_label": role_label,
        "kind_label": kind_label,
        "account_status": account_status,
        "account_status_label": account_status_label,
    }


def safe_next(target: str | None) -> str | None:
    """The next= target when it stays on this site, else None."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_for(user: User) -> str:
    if user.role == Role.ORGANISER:
        return url_for("contests.manage_list")
    if user.role == Role.JUROR:
        return url_for("judging.dashboard")
    return url_for("submissions.dashboard")


def signed_in_user() -> User:
    """The signed-in user as the real object, not the proxy: use cases store it and compare ids with it."""
    return current_user._get_current_object()


# The views register themselves on bp when imported.
from app.auth.routes import account, colleagues, language, people, session  # noqa: E402, F401
