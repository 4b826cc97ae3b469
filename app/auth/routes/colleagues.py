"""An applicant organisation's colleagues: who belongs to it, inviting someone into it, resending an
invitation. Only the organisation's own people are visible; another organisation's are answered with 404."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from app.auth import notifications, people
from app.auth.enums import Role
from app.auth.forms import InviteColleagueForm
from app.auth.models import User
from app.auth.permissions import can_invite_colleagues, can_resend_colleague_invitation
from app.auth.queries import colleagues_of
from app.auth.routes import bp, signed_in_user
from app.auth.tokens import link_validity
from app.extensions import db, limiter
from app.web import load_or_404


def _render_colleagues(form: InviteColleagueForm):
    me = signed_in_user()
    return render_template(
        "auth/colleagues.html",
        form=form,
        colleagues=colleagues_of(me.organisation_id),
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
    me = signed_in_user()
    form = InviteColleagueForm()
    if form.validate_on_submit():
        try:
            colleague = people.invite(
                email=form.email.data,
                name=form.name.data,
                role=Role.APPLICANT,
                organisation_id=me.organisation_id,
                invited_by=me,
                language=form.language.data,
            )
            notifications.notify_invitation(colleague, me)
            db.session.commit()
        except (people.EmailTaken, IntegrityError) as error:
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
            flash(
                _(
                    "Invitation sent to %(email)s. The link in it is valid for %(validity)s.",
                    email=colleague.email,
                    validity=link_validity("invite"),
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
    colleague = load_or_404(User, user_id)
    if colleague.organisation_id != current_user.organisation_id:
        abort(404)  # another organisation's people are none of this user's business
    me = signed_in_user()
    if not can_resend_colleague_invitation(me, colleague):
        flash(_("%(name)s has already chosen a password and can log in.", name=colleague.name), "info")
    else:
        people.note_invitation_resent(colleague, by=me)
        notifications.notify_invitation(colleague, me)
        db.session.commit()
        flash(_("A new invitation was sent to %(email)s.", email=colleague.email), "success")
    return redirect(url_for("auth.colleagues"))
