"""Logging in and out; this browser's session (how long it has left, staying signed in); the account's open
sessions, and ending them."""

from flask import flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.auth import limits as rate_limits
from app.auth import open_sessions
from app.auth.forms import EmailForm, LoginForm
from app.auth.models import LoginSession
from app.auth.permissions import can_end_session
from app.auth.queries import user_by_email
from app.auth.routes import bp, home_for, safe_next, signed_in_user
from app.auth.sessions import keep_alive, limits, password_matches, session_clock, sign_in, sign_out
from app.extensions import db, limiter
from app.web import back_to, load_or_404


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(rate_limits.LOGIN_FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=rate_limits.login_failed)
@limiter.limit(
    rate_limits.LOGIN_FAILURES_PER_ACCOUNT,
    methods=["POST"],
    key_func=rate_limits.submitted_email,
    deduct_when=rate_limits.login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_for(current_user))
    form = LoginForm(email=session.pop("login_email", ""))
    unconfirmed = None
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if not password_matches(user, form.password.data):
            rate_limits.record_failed_login()
            flash(_("Wrong email or password."), "error")
        elif not user.active:
            flash(_("This account has been deactivated. Ask the organisers if you need it again."), "error")
        elif user.email_confirmed_at is None:
            flash(_("Please confirm your email address first: follow the link we sent you."), "warning")
            unconfirmed = EmailForm(formdata=None, email=user.email)
        else:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form, unconfirmed=unconfirmed)


@bp.post("/logout")
@login_required
def logout():
    sign_out(current_user)
    db.session.commit()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("results.home"))


# --- This browser's session: asked by static/js/session.js ----------------------------------------------


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/session")
def session_status():
    """How long this browser's session has left; asking is not activity (sessions.NOT_ACTIVITY)."""
    return _no_store(jsonify(session_clock() or {"signed_in": False}))


@bp.post("/session/refresh")
@login_required
def session_refresh():
    """Stay signed in: the idle limit starts again from now."""
    keep_alive()
    db.session.commit()
    return _no_store(jsonify(session_clock()))


# --- The account's open sessions --------------------------------------------------------------------------


@bp.get("/account/sessions")
@login_required
def sessions():
    return render_template(
        "auth/sessions.html", sessions=open_sessions.open_sessions(signed_in_user()), limits=limits()
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    back_to("auth.sessions")
    login_session = load_or_404(LoginSession, session_id, can_end_session)
    open_sessions.end_session(signed_in_user(), login_session)
    db.session.commit()
    flash(_("That session has been ended: the browser is signed out."), "success")
    return redirect(url_for("auth.sessions"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = open_sessions.end_others(signed_in_user())
    db.session.commit()
    if ended:
        flash(
            ngettext(
                "%(num)d other session has been ended.", "%(num)d other sessions have been ended.", ended
            ),
            "success",
        )
    else:
        flash(_("No other browser was signed in to your account."), "info")
    return redirect(url_for("auth.sessions"))
