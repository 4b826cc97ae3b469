from dataclasses import astuple
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.auth import services
from app.auth.enums import Role
from app.auth.forms import (
    KIND_LABELS,
    AcceptInvitationForm,
    AccountForm,
    ChangePasswordForm,
    ConfirmEmailForm,
    EmailForm,
    InviteColleagueForm,
    InvitePersonForm,
    LoginForm,
    PeopleFilterForm,
    RegistrationForm,
    ResetPasswordForm,
)
from app.auth.models import User
from app.auth.passwords import verify_password
from app.auth.permissions import (
    can_deactivate_person,
    can_invite_colleagues,
    can_manage_people,
    can_resend_colleague_invitation,
    can_resend_invitation,
)
from app.auth.services import ACCOUNT_STATUS_LABELS, ROLE_LABELS, TokenError, read_token, sign_in, sign_out
from app.countries import country_name
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)

PEOPLE_PER_PAGE = 50


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


@bp.context_processor
def labels():
    return {
        "role_label": lambda role: str(ROLE_LABELS.get(role, role)),
        "kind_label": lambda kind: str(KIND_LABELS.get(kind, kind)),
        "account_status": services.account_status,
        "account_status_label": lambda status: str(ACCOUNT_STATUS_LABELS.get(status, status)),
    }


def _me() -> User:
    # The real object, not the proxy: services store it and compare ids with it.
    return current_user._get_current_object()


def _check_inbox(purpose: str, email: str):
    """Send the browser to the page that says an email is on its way (POST, redirect, GET)."""
    session["check_inbox"] = {"purpose": purpose, "email": email}
    return redirect(url_for("auth.check_inbox"))


def _link_problem(purpose: str, reason: str):
    """A clear page for a link that is invalid, expired, already used, or of a deactivated account."""
    status = 400 if reason in ("invalid", "deactivated") else 410
    form = EmailForm(formdata=None)
    return render_template("auth/link_problem.html", purpose=purpose, reason=reason, form=form), status


def _to_login(user: User):
    """To the log-in page with the email filled in (kept in the session, out of URLs and server logs)."""
    session["login_email"] = user.email
    return redirect(url_for("auth.login"))


def _registered_only_once(successful_response) -> bool:
    # Only a registration that went through counts towards the hourly limit: typos cost nothing.
    return successful_response.status_code == 302


# --- Logging in and out ---------------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm(email=session.pop("login_email", ""))
    unconfirmed = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if not services.password_matches(user, form.password.data):
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


# --- Registering an organisation and confirming the email -----------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], deduct_when=_registered_only_once)
def register():
    if current_user.is_authenticated:
        flash(_("You are logged in already. To register another organisation, log out first."), "info")
        return redirect(home_for(current_user))
    form = RegistrationForm()
    if form.validate_on_submit():
        try:
            user = services.register_organisation(
                organisation_name=form.organisation_name.data,
                kind=form.kind.data,
                country=form.country.data,
                population=form.population.data,
                website=form.website.data,
                contact_name=form.contact_name.data,
                email=form.email.data,
                password=form.password.data,
            )
            db.session.commit()
        except services.RegistrationRefused as refusal:
            db.session.rollback()
            _explain_refusal(form, refusal)
        except IntegrityError:
            # Someone registered the same email or organisation a moment earlier.
            db.session.rollback()
            form.email.errors.append(_email_taken_message())
        else:
            services.send_confirmation_email(user)
            return _check_inbox("confirm", user.email)
    return render_template("auth/register.html", form=form)


def _explain_refusal(form: RegistrationForm, refusal: services.RegistrationRefused) -> None:
    if refusal.email_taken:
        form.email.errors.append(_email_taken_message())
    if refusal.organisation_exists:
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


def _email_taken_message() -> str:
    return _(
        "An account already uses this email address. Log in, or choose “Forgot your password?” on the "
        "log-in page if you do not remember it."
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
    try:
        user = read_token(token, "confirm")
    except TokenError as error:
        return _link_problem("confirm", error.reason)
    if not user.active:
        return _link_problem("confirm", "deactivated")
    if user.email_confirmed_at is not None:
        flash(_("Your email address is already confirmed. You can log in."), "info")
        return _to_login(user)
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        services.confirm_email(user)
        db.session.commit()
        flash(_("Thank you: your email address is confirmed. You can now log in."), "success")
        return _to_login(user)
    return render_template("auth/confirm_email.html", form=form, user=user)


@bp.route("/confirm/resend", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def resend_confirmation():
    """The same answer whether or not an account waits for confirmation, so that nobody learns who has one."""
    form = EmailForm()
    if form.validate_on_submit():
        user = services.user_by_email(form.email.data)
        if user is not None and user.active and user.has_password and user.email_confirmed_at is None:
            services.send_confirmation_email(user)
        return _check_inbox("confirm", form.email.data)
    return render_template("auth/resend_confirmation.html", form=form)


# --- Forgotten and changed passwords --------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    """The same answer whether or not the email has an account."""
    form = EmailForm()
    if form.validate_on_submit():
        user = services.user_by_email(form.email.data)
        if user is not None and user.active:
            services.send_reset_email(user)
        return _check_inbox("reset", form.email.data)
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset_password(token: str):
    try:
        user = read_token(token, "reset")
    except TokenError as error:
        return _link_problem("reset", error.reason)
    if not user.active:
        return _link_problem("reset", "deactivated")
    form = ResetPasswordForm(account=user)
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        if current_user.is_authenticated:
            sign_out(current_user)  # this browser starts afresh too, whoever was logged in here
        db.session.commit()
        services.send_password_changed_email(user)
        flash(_("Your new password is saved. Log in with it; any other session has been ended."), "success")
        return _to_login(user)
    return render_template("auth/reset_password.html", form=form, user=user)


@bp.route("/account/password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@login_required
def change_password():
    me = _me()
    form = ChangePasswordForm(account=me)
    if form.validate_on_submit():
        if not verify_password(me.password_hash, form.current_password.data):
            form.current_password.errors.append(_("This is not your current password."))
        elif verify_password(me.password_hash, form.password.data):
            form.password.errors.append(_("The new password is the same as the current one."))
        else:
            ended = services.change_password(me, form.password.data)
            db.session.commit()
            services.send_password_changed_email(me)
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


# --- The account and the organisation's colleagues ------------------------------------------------------


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    me = _me()
    form = AccountForm(obj=me)
    if form.validate_on_submit():
        if services.rename(me, form.name.data):
            db.session.commit()
            flash(_("Your name is saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, user=me)


def _render_colleagues(form: InviteColleagueForm):
    me = _me()
    return render_template(
        "auth/colleagues.html",
        form=form,
        colleagues=services.colleagues_of(me.organisation_id),
        organisation=me.organisation,
    )


@bp.get("/account/colleagues")
@login_required
def colleagues():
    if not can_invite_colleagues(current_user):
        abort(403)
    return _render_colleagues(InviteColleagueForm(formdata=None))


@bp.post("/account/colleagues/invite")
@limiter.limit("30 per hour")
@login_required
def invite_colleague():
    if not can_invite_colleagues(current_user):
        abort(403)
    me = _me()
    form = InviteColleagueForm()
    if form.validate_on_submit():
        try:
            colleague = services.invite(
                email=form.email.data,
                name=form.name.data,
                role=Role.APPLICANT,
                organisation_id=me.organisation_id,
                invited_by=me,
            )
            db.session.commit()
        except (services.EmailTaken, IntegrityError) as error:
            db.session.rollback()
            existing = getattr(error, "user", None)
            if existing is not None and existing.organisation_id == me.organisation_id:
                form.email.errors.append(_("This person is already in your organisation's list below."))
            else:
                form.email.errors.append(
                    _(
                        "This email address already has an account for another organisation or role. "
                        "An account belongs to one organisation only: use another address, or write to "
                        "the organisers."
                    )
                )
        else:
            services.send_invitation_email(colleague, me)
            flash(
                _(
                    "Invitation sent to %(email)s. The link in it is valid for %(validity)s.",
                    email=colleague.email,
                    validity=services.link_validity("invite"),
                ),
                "success",
            )
            return redirect(url_for("auth.colleagues"))
    return _render_colleagues(form)


@bp.post("/account/colleagues/<int:user_id>/resend")
@limiter.limit("30 per hour")
@login_required
def resend_colleague_invitation(user_id: int):
    if not can_invite_colleagues(current_user):
        abort(403)
    colleague = db.get_or_404(User, user_id)
    if colleague.organisation_id != current_user.organisation_id:
        abort(404)  # another organisation's people are none of this user's business
    me = _me()
    if not can_resend_colleague_invitation(me, colleague):
        flash(_("%(name)s has already chosen a password and can log in.", name=colleague.name), "info")
    else:
        services.note_invitation_resent(colleague, by=me)
        db.session.commit()
        services.send_invitation_email(colleague, me)
        flash(_("A new invitation was sent to %(email)s.", email=colleague.email), "success")
    return redirect(url_for("auth.colleagues"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def accept_invitation(token: str):
    try:
        user = read_token(token, "invite")
    except TokenError as error:
        return _link_problem("invite", error.reason)
    if not user.active:
        return _link_problem("invite", "deactivated")
    form = AcceptInvitationForm(account=user, obj=user)
    if form.validate_on_submit():
        services.accept_invitation(user, form.name.data, form.password.data)
        if current_user.is_authenticated:
            sign_out(current_user)
        sign_in(user)
        db.session.commit()
        flash(
            _("Welcome, %(name)s. Your password is saved and you are logged in.", name=user.name), "success"
        )
        return redirect(home_for(user))
    return render_template("auth/accept_invitation.html", form=form, invited=user)


# --- People: the organisers' management of accounts -----------------------------------------------------


def _back_to_people():
    return redirect(safe_next(request.args.get("next")) or url_for("auth.people"))


def _valid(field) -> str:
    return field.data if field.data and not field.errors else ""


@bp.get("/manage/people")
@login_required
def people():
    if not can_manage_people(current_user):
        abort(403)
    organisations = services.organisations_by_name()
    form = PeopleFilterForm(formdata=request.args, organisations=organisations)
    form.validate()
    organisation = _valid(form.organisation)
    filters = services.PeopleFilter(
        role=_valid(form.role),
        country=_valid(form.country),
        organisation_id=int(organisation) if organisation else None,
        status=_valid(form.status),
        q=_valid(form.q),
    )
    page = db.paginate(
        services.people_query(filters),
        per_page=PEOPLE_PER_PAGE,
        max_per_page=PEOPLE_PER_PAGE,
        error_out=False,
    )
    return render_template("auth/people.html", form=form, page=page, filtered=any(astuple(filters)))


@bp.route("/manage/people/invite", methods=["GET", "POST"])
@login_required
def invite_person():
    if not can_manage_people(current_user):
        abort(403)
    me = _me()
    form = InvitePersonForm()
    if form.validate_on_submit():
        try:
            person = services.invite(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                country=form.country.data or None,
                invited_by=me,
            )
            db.session.commit()
        except (services.EmailTaken, IntegrityError) as error:
            db.session.rollback()
            existing = getattr(error, "user", None) or services.user_by_email(form.email.data)
            form.email.errors.append(
                _existing_account_message(existing) if existing else _email_taken_message()
            )
        else:
            services.send_invitation_email(person, me)
            flash(
                _(
                    "%(name)s is invited as %(role)s. The link sent to %(email)s is valid for %(validity)s.",
                    name=person.name,
                    role=str(ROLE_LABELS[person.role]).lower(),
                    email=person.email,
                    validity=services.link_validity("invite"),
                ),
                "success",
            )
            return redirect(url_for("auth.people"))
    return render_template("auth/invite_person.html", form=form)


def _existing_account_message(existing: User) -> str:
    return _(
        "%(email)s already has an account: %(name)s, %(role)s, %(status)s. Find it in the list of people.",
        email=existing.email,
        name=existing.name,
        role=str(ROLE_LABELS.get(existing.role, existing.role)).lower(),
        status=str(ACCOUNT_STATUS_LABELS[services.account_status(existing)]).lower(),
    )


@bp.post("/manage/people/<int:user_id>/deactivate")
@login_required
def deactivate_person(user_id: int):
    if not can_manage_people(current_user):
        abort(403)
    person = db.get_or_404(User, user_id)
    me = _me()
    if not can_deactivate_person(me, person):
        flash(_("You cannot deactivate your own account. Another organiser can."), "error")
    elif not person.active:
        flash(_("%(name)s is already deactivated.", name=person.name), "info")
    else:
        services.deactivate(person, by=me)
        db.session.commit()
        flash(
            _(
                "%(name)s is deactivated and signed out everywhere. You can reactivate the account at any "
                "time.",
                name=person.name,
            ),
            "success",
        )
    return _back_to_people()


@bp.post("/manage/people/<int:user_id>/reactivate")
@login_required
def reactivate_person(user_id: int):
    if not can_manage_people(current_user):
        abort(403)
    person = db.get_or_404(User, user_id)
    if person.active:
        flash(_("%(name)s is already active.", name=person.name), "info")
    else:
        services.reactivate(person, by=_me())
        db.session.commit()
        flash(_("%(name)s is active again and can log in.", name=person.name), "success")
    return _back_to_people()


@bp.post("/manage/people/<int:user_id>/resend")
@login_required
def resend_invitation(user_id: int):
    if not can_manage_people(current_user):
        abort(403)
    person = db.get_or_404(User, user_id)
    me = _me()
    if not person.active:
        flash(_("%(name)s is deactivated: reactivate the account first.", name=person.name), "warning")
    elif not can_resend_invitation(me, person):
        flash(
            _(
                "%(name)s has already chosen a password. If it is forgotten, “Forgot your password?” on "
                "the log-in page sends a new link.",
                name=person.name,
            ),
            "info",
        )
    else:
        services.note_invitation_resent(person, by=me)
        db.session.commit()
        services.send_invitation_email(person, me)
        flash(_("A new invitation was sent to %(email)s.", email=person.email), "success")
    return _back_to_people()
