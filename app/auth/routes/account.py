"""One's own account: registering an organisation, confirming the email, forgotten and changed passwords,
accepting an invitation, and the account page. Links that arrive by email land here; a bad one gets a page
that says why (invalid, expired, used, deactivated) and offers a new one.

Refusals that need the database (an organisation already registered, a wrong current password) are shown
beside their field, so these views catch them instead of raising a DomainError. Whether an email address has
an account is never shown to whoever types it: registering with one answers as a new registration does, and
the account's owner is told by email.
"""

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.auth import accounts, limits, notifications
from app.auth.accounts import RegistrationRefused
from app.auth.forms import (
    AcceptInvitationForm,
    AccountForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    EmailForm,
    RegistrationForm,
    ResetPasswordForm,
)
from app.auth.models import User
from app.auth.passwords import verify_password
from app.auth.queries import normalise_email, user_by_email
from app.auth.routes import bp, home_for, signed_in_user
from app.auth.sessions import sign_in, sign_out
from app.auth.tokens import TokenError, read_token
from app.countries import country_name
from app.extensions import db, limiter
from app.i18n import current_language


def email_taken_message() -> str:
    return _(
        "An account already uses this email address. Log in, or choose “Forgot your password?” on the "
        "log-in page if you do not remember it."
    )


def _check_inbox(purpose: str, email: str):
    """Send the browser to the page that says an email is on its way (POST, redirect, GET)."""
    session["check_inbox"] = {"purpose": purpose, "email": email}
    return redirect(url_for("auth.check_inbox"))


class _LinkRefused(Exception):
    def __init__(self, purpose: str, reason: str):
        super().__init__(reason)
        self.purpose = purpose
        self.reason = reason


@bp.errorhandler(_LinkRefused)
def _link_problem(error: _LinkRefused):
    """A clear page for a link that is invalid, expired, already used, or of a deactivated account."""
    status = 400 if error.reason in ("invalid", "deactivated") else 410
    form = EmailForm(formdata=None)
    page = render_template("auth/link_problem.html", purpose=error.purpose, reason=error.reason, form=form)
    return page, status


def _account_of_link(token: str, purpose: str) -> User:
    """The active account the emailed link was made for; _LinkRefused shows what is wrong with it instead."""
    try:
        user = read_token(token, purpose)
    except TokenError as error:
        raise _LinkRefused(purpose, error.reason) from error
    if not user.active:
        raise _LinkRefused(purpose, "deactivated")
    return user


def _to_login(user: User):
    """To the log-in page with the email filled in (kept in the session, out of URLs and server logs)."""
    session["login_email"] = user.email
    return redirect(url_for("auth.login"))


# --- Registering an organisation and confirming the email -----------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(limits.REGISTRATION_ATTEMPTS, methods=["POST"])
@limiter.limit(limits.REGISTRATIONS, methods=["POST"], deduct_when=limits.went_through)
def register():
    if current_user.is_authenticated:
        flash(_("You are logged in already. To register another organisation, log out first."), "info")
        return redirect(home_for(current_user))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_organisation(
                organisation_name=form.organisation_name.data,
                kind=form.kind.data,
                country=form.country.data,
                population=form.population.data,
                website=form.website.data,
                contact_name=form.contact_name.data,
                email=form.email.data,
                password=form.password.data,
                language=current_language(),
            )
            notifications.notify_email_confirmation(user)
            db.session.commit()
        except RegistrationRefused as refusal:
            db.session.rollback()
            if not refusal.organisation_exists:
                return _as_if_registered(form.email.data)
            _organisation_registered(form)
        except IntegrityError:
            # Someone registered the same email or organisation a moment earlier.
            db.session.rollback()
            if user_by_email(form.email.data) is not None:
                return _as_if_registered(form.email.data)
            _organisation_registered(form)
        else:
            return _check_inbox("confirm", user.email)
    return render_template("auth/register.html", form=form)


def _as_if_registered(email: str):
    """The answer a new registration gets, for an address that has an account: whoever typed it learns
    nothing; the account's owner is told by email, with a link to choose a new password."""
    existing = user_by_email(email)
    if existing is not None and existing.active:
        notifications.notify_registration_attempt(existing)
    db.session.commit()
    return _check_inbox("confirm", normalise_email(email))


def _organisation_registered(form: RegistrationForm) -> None:
    # Who registered it stays private: the person asking may be anyone.
    form.organisation_name.errors.append(
        _(
            "%(name)s (%(country)s) is already registered. Ask the colleague who registered it to "
            "invite you: they can do so from their account, under Colleagues. If you cannot reach them, "
            "write to the organisers.",
            name=form.organisation_name.data,
            country=country_name(form.country.data),
        )
    )


@bp.get("/check-inbox")
def check_inbox():
    pending = session.pop("check_inbox", None) or {}
    return render_template(
        "auth/check_inbox.html",
        purpose=pending.get("purpose"),
        email=pending.get("email"),
        form=EmailForm(formdata=None, email=pending.get("email")),
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """GET shows a button; only the POST confirms, so link scanners in mail systems change nothing."""
    user = _account_of_link(token, "confirm")
    if user.email_confirmed_at is not None:
        flash(_("Your email address is already confirmed. You can log in."), "info")
        return _to_login(user)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        accounts.confirm_email(user)
        db.session.commit()
        flash(_("Thank you: your email address is confirmed. You can now log in."), "success")
        return _to_login(user)
    return render_template("auth/confirm_email.html", form=form, user=user)


@bp.route("/confirm/resend", methods=["GET", "POST"])
@limiter.limit(limits.LINK_REQUESTS_PER_ADDRESS, methods=["POST"])
@limiter.limit(limits.LINK_REQUESTS_PER_EMAIL, methods=["POST"], key_func=limits.submitted_email)
def resend_confirmation():
    """The same answer whether or not an account waits for confirmation, so that nobody learns who has one."""
    form = EmailForm()
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if user is not None and user.active and user.has_password and user.email_confirmed_at is None:
            notifications.notify_email_confirmation(user)
        # The same work either way: one commit (of the queued email, if any); a worker sends it.
        db.session.commit()
        return _check_inbox("confirm", form.email.data)
    return render_template("auth/resend_confirmation.html", form=form)


# --- Forgotten and changed passwords, invitations -------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(limits.LINK_REQUESTS_PER_ADDRESS, methods=["POST"])
@limiter.limit(limits.LINK_REQUESTS_PER_EMAIL, methods=["POST"], key_func=limits.submitted_email)
def forgot_password():
    """The same answer whether or not the email has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if user is not None and user.active:
            notifications.notify_password_reset(user)
        # The same work either way: one commit (of the queued email, if any); a worker sends it, so the
        # answer takes no longer when the address has an account.
        db.session.commit()
        return _check_inbox("reset", form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    user = _account_of_link(token, "reset")
    form = ResetPasswordForm(account=user)
    if form.validate_on_submit():
        accounts.reset_password(user, form.password.data)
        if current_user.is_authenticated:
            sign_out(current_user)  # this browser starts afresh too, whoever was logged in here
        notifications.notify_password_changed(user)
        db.session.commit()
        flash(_("Your new password is saved. Log in with it; any other session has been ended."), "success")
        return _to_login(user)
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@login_required
def change_password():
    me = signed_in_user()
    form = ChangePasswordForm(account=me)
    if form.validate_on_submit():
        if not verify_password(me.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif verify_password(me.password_hash, form.password.data):
            form.password.errors.append(_("The new password is the same as the current one."))
        else:
            ended = accounts.change_password(me, form.password.data)
            notifications.notify_password_changed(me)
            db.session.commit()
            flash(
                ngettext(
                    "Your password has been changed. %(num)d other session was ended.",
                    "Your password has been changed. %(num)d other sessions were ended.",
                    ended,
                )
                if ended
                else _("Your password has been changed."),
                "success",
            )
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def accept_invitation(token: str):
    user = _account_of_link(token, "invite")
    form = AcceptInvitationForm(account=user, obj=user)
    if form.validate_on_submit():
        accounts.accept_invitation(user, form.name.data, form.password.data)
        if current_user.is_authenticated:
            sign_out(current_user)
        sign_in(user)
        db.session.commit()
        flash(
            _("Welcome, %(name)s. Your password is saved and you are logged in.", name=user.name), "success"
        )
        return redirect(home_for(user))
    return render_template("auth/accept_invitation.html", form=form, invited=user)


# --- The account page ------------------------------------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    me = signed_in_user()
    form = AccountForm(obj=me)
    if form.validate_on_submit():
        renamed = accounts.rename(me, form.name.data)
        if accounts.set_language(me, form.language.data) or renamed:
            db.session.commit()
            flash(_("Your details are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, user=me)
