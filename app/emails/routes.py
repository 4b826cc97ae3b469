"""The delivery log for organisers: an edition's emails, a person's emails, sending one again."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions as can
from app.auth.models import User
from app.auth.routes import safe_next
from app.contests.models import Edition
from app.emails.forms import EmailFilterForm, SendAgainForm
from app.emails.labels import STATUS_COLOURS, STATUS_LABELS
from app.emails.queries import about_edition, about_person, emails, status_counts
from app.emails.resend import send_email_again
from app.extensions import db
from app.mail import EmailStatus, OutgoingEmail
from app.web import load_or_404, page_number

bp = Blueprint("emails", __name__)

EMAILS_PER_PAGE = 50


def _render_log(template: str, where, **context):
    form = EmailFilterForm(formdata=request.args)
    form.validate()
    chosen = (form.status.data or "").strip()  # Optional() lets a blank one through unchecked
    status = EmailStatus(chosen) if chosen and not form.status.errors else None
    page = db.paginate(
        emails(where, status),
        page=page_number(),
        per_page=EMAILS_PER_PAGE,
        max_per_page=EMAILS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        template,
        form=form,
        page=page,
        filtered=status is not None,
        counts=status_counts(where),
        statuses=list(EmailStatus),
        status_labels=STATUS_LABELS,
        status_colours=STATUS_COLOURS,
        **context,
    )


@bp.get("/manage/editions/<int:edition_id>/emails")
@login_required
def edition_log(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_emails)
    return _render_log("emails/edition_log.html", about_edition(edition.id), edition=edition)


@bp.get("/manage/people/<int:user_id>/emails")
@login_required
def person_log(user_id: int):
    person = load_or_404(User, user_id, can.can_view_emails)
    return _render_log("emails/person_log.html", about_person(person), person=person)


@bp.post("/manage/emails/<int:email_id>/send-again")
@login_required
def send_again(email_id: int):
    email = load_or_404(OutgoingEmail, email_id, can.can_view_emails)
    back = safe_next(request.args.get("next")) or _log_of(email)
    if not SendAgainForm().validate_on_submit():
        flash(_("The form had expired: please try again."), "error")
    elif not can.can_send_email_again(current_user, email):
        flash(_("This email is being sent at this moment: wait for the outcome, then try again."), "error")
    else:
        again = send_email_again(email, actor=current_user)
        db.session.commit()
        if again.id == email.id:
            flash(_("The email to %(to)s will be sent again.", to=email.recipients), "success")
        else:
            flash(_("A copy of the email to %(to)s will be sent.", to=email.recipients), "success")
    return redirect(back)


def _log_of(email: OutgoingEmail) -> str:
    if email.edition_id is not None:
        return url_for(".edition_log", edition_id=email.edition_id)
    if email.user_id is not None:
        return url_for(".person_log", user_id=email.user_id)
    return url_for("auth.people")
