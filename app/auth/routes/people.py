"""The organisers' people screens: the filtered list of every account, inviting a juror or an organiser,
deactivating, reactivating, resending an invitation. After an action the organiser returns to the list as
it was filtered (a safe next= target)."""

from dataclasses import astuple

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.auth import notifications
from app.auth.forms import InvitePersonForm, PeopleFilterForm
from app.auth.labels import account_status_label, role_label
from app.auth.models import User
from app.auth.people import EmailTaken, deactivate, invite, note_invitation_resent, reactivate
from app.auth.permissions import (
    can_deactivate_person,
    can_manage_people,
    can_reactivate_person,
    can_resend_invitation,
)
from app.auth.queries import PeopleFilter, account_status, organisations_by_name, people_query, user_by_email
from app.auth.routes import bp, safe_next, signed_in_user
from app.auth.routes.account import email_taken_message
from app.auth.tokens import link_validity
from app.extensions import db
from app.web import load_or_404, page_number

PEOPLE_PER_PAGE = 50


def _back_to_people():
    return redirect(safe_next(request.args.get("next")) or url_for("auth.people"))


def _valid(field) -> str:
    # Optional() lets a blank value through without the choices' check: " " is no filter, not a role.
    value = (field.data or "").strip()
    return value if value and not field.errors else ""


def _person(user_id: int) -> User:
    """The account an organiser acts on: 403 for anyone else, whether or not it exists; 404 if it does not."""
    if not can_manage_people(current_user):
        abort(403)
    return load_or_404(User, user_id)


@bp.get("/manage/people")
@login_required
def people():
    if not can_manage_people(current_user):
        abort(403)
    organisations = organisations_by_name()
    form = PeopleFilterForm(formdata=request.args, organisations=organisations)
    form.validate()
    organisation = _valid(form.organisation)
    filters = PeopleFilter(
        role=_valid(form.role),
        country=_valid(form.country),
        organisation_id=int(organisation) if organisation else None,
        status=_valid(form.status),
        q=_valid(form.q),
    )
    page = db.paginate(
        people_query(filters),
        page=page_number(),
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
    me = signed_in_user()
    form = InvitePersonForm()
    if form.validate_on_submit():
        try:
            person = invite(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                country=form.country.data or None,
                invited_by=me,
                language=form.language.data,
            )
            notifications.notify_invitation(person, me)
            db.session.commit()
        except (EmailTaken, IntegrityError) as error:
            db.session.rollback()
            existing = getattr(error, "user", None) or user_by_email(form.email.data)
            message = _existing_account_message(existing) if existing else email_taken_message()
            form.email.errors.append(message)
        else:
            flash(
                _(
                    "%(name)s is invited as %(role)s. The link sent to %(email)s is valid for %(validity)s.",
                    name=person.name,
                    role=role_label(person.role).lower(),
                    email=person.email,
                    validity=link_validity("invite"),
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
        role=role_label(existing.role).lower(),
        status=account_status_label(account_status(existing)).lower(),
    )


@bp.post("/manage/people/<int:user_id>/deactivate")
@login_required
def deactivate_person(user_id: int):
    person = _person(user_id)
    me = signed_in_user()
    if not can_deactivate_person(me, person):
        # Not a DomainError: the refusal returns to the list as it was filtered, like the other outcomes.
        flash(_("You cannot deactivate your own account. Another organiser can."), "error")
    elif not person.active:
        flash(_("%(name)s is already deactivated.", name=person.name), "info")
    else:
        deactivate(person, by=me)
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
    person = _person(user_id)
    if person.active:
        flash(_("%(name)s is already active.", name=person.name), "info")
    elif not can_reactivate_person(signed_in_user(), person):
        flash(_("This account was erased: it cannot be reactivated."), "error")
    else:
        reactivate(person, by=signed_in_user())
        db.session.commit()
        flash(_("%(name)s is active again and can log in.", name=person.name), "success")
    return _back_to_people()


@bp.post("/manage/people/<int:user_id>/resend")
@login_required
def resend_invitation(user_id: int):
    person = _person(user_id)
    me = signed_in_user()
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
        note_invitation_resent(person, by=me)
        notifications.notify_invitation(person, me)
        db.session.commit()
        flash(_("A new invitation was sent to %(email)s.", email=person.email), "success")
    return _back_to_people()
