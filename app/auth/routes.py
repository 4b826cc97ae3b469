from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.auth.forms import LoginForm
from app.auth.models import Role, User
from app.auth.passwords import verify_password
from app.auth.services import sign_in, sign_out
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None or not verify_password(user.password_hash, form.password.data):
            flash(_("Wrong email or password."), "error")
        elif not user.active:
            flash(_("This account has been deactivated. Ask the organisers if you need it again."), "error")
        elif user.email_confirmed_at is None:
            flash(_("Please confirm your email address first: follow the link we sent you."), "warning")
        else:
            sign_in(user)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or home_for(user))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    sign_out(current_user)
    db.session.commit()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("contests.home"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    abort(404)


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html")


@bp.get("/manage/people")
@login_required
def people():
    abort(404)
