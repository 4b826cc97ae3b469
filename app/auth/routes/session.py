"""Logging in and out."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import limits
from app.auth.forms import EmailForm, LoginForm
from app.auth.queries import user_by_email
from app.auth.routes import bp, home_for, safe_next
from app.auth.sessions import password_matches, sign_in, sign_out
from app.extensions import db, limiter


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.LOGIN_FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=limits.login_failed)
@limiter.limit(
    limits.LOGIN_FAILURES_PER_ACCOUNT,
    methods=["POST"],
    key_func=limits.submitted_email,
    deduct_when=limits.login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(email=session.pop("login_email", ""))
    unconfirmed = None
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if not password_matches(user, form.password.data):
            limits.record_failed_login()
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
