"""The header's language switch.

A visitor's choice is a cookie, set by a plain link (GET), as GOV.UK's language toggles are: it
changes nothing on the server. A signed-in user's choice is also their preference, which their pages and
emails follow: that is a POST with its CSRF token, sent by the header's form.
"""

from flask import abort, current_app, redirect, request
from flask_login import current_user

from app.auth import accounts
from app.auth.routes import bp, safe_next, signed_in_user
from app.extensions import db
from app.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES


@bp.route("/language/<code>", methods=["GET", "POST"])
def switch_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    if (
        request.method == "POST"
        and current_user.is_authenticated
        and accounts.set_language(signed_in_user(), code)
    ):
        db.session.commit()
    target = safe_next(request.values.get("next")) or "/"
    response = redirect(target)
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response
