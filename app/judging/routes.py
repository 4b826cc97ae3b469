"""The jury's pages: the juror's dashboard and sheets; screening, jury, assignments and progress."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from app import permissions as can
from app.auth.tokens import INVITATION_MAX_AGE, make_token
from app.contests.enums import Phase
from app.contests.models import Edition
from app.extensions import db
from app.formatting import local_datetime
from app.judging import services
from app.judging.forms import (
    BalancedAssignmentForm,
    InviteJurorForm,
    ManualAssignmentForm,
    RecusalForm,
    Scale,
    ScreeningForm,
    format_score,
    sheet_form,
)
from app.judging.models import Assignment, JuryMember
from app.links import external_url
from app.mail import send_email
from app.submissions.enums import ApplicationStatus
from app.submissions.forms import FIELD_OF_ACTION_LABELS as FIELD_LABELS
from app.submissions.models import Application

bp = Blueprint("judging", __name__)

INLINE_IMAGE_TYPES = ("image/jpeg", "image/png")
INLINE_FRAME_TYPES = ("application/pdf",)


@bp.app_template_filter("score")
def score_filter(value) -> str:
    return format_score(value)


# --- The juror's pages -----------------------------------------------------------------------------------


def _require_juror() -> None:
    if not can.is_juror(current_user):
        abort(403)


@bp.get("/jury")
@login_required
def dashboard():
    _require_juror()
    return render_template("judging/dashboard.html", work=services.juror_work(current_user))


def _load_own_assignment(assignment_id: int) -> Assignment:
    item = services.entry_assignment(assignment_id)
    if item is None:
        abort(404)
    if not can.is_juror(current_user) or item.juror_id != current_user.id:
        abort(403)
    return item


def _sheet_data(item: Assignment) -> dict:
    criteria = item.application.edition.criteria
    values = services.SheetValues.of(item.sheet, criteria)
    data = {
        "version": str(item.sheet.version if item.sheet else 0),
        "overall_comment": values.overall_comment,
    }
    for criterion in criteria:
        data[f"score_{criterion.id}"] = values.scores[criterion.id]
        data[f"comment_{criterion.id}"] = values.comments[criterion.id]
    return data


def _saved_sheet_form(item: Assignment):
    """The score form filled with what is saved now, ignoring anything posted."""
    edition = item.application.edition
    return sheet_form(edition.criteria, Scale.of(edition), formdata=None, data=_sheet_data(item))


def _render_entry(item: Assignment, *, form=None, recusal_form=None, conflict=None, status: int = 200):
    edition = item.application.edition
    editable = can.can_score(current_user, item)
    conflicts = services.conflict_reasons(item) if editable else ()
    fellows = services.fellow_sheets(item) if can.can_see_fellow_scores(current_user, edition) else []
    own_scores = {score.criterion_id: score for score in item.sheet.scores} if item.sheet else {}
    page = render_template(
        "judging/entry.html",
        item=item,
        application=item.application,
        edition=edition,
        sheet=item.sheet,
        form=form or _saved_sheet_form(item),
        recusal_form=recusal_form or RecusalForm(formdata=None),
        editable=editable and not conflicts,
        conflicts=[services.exclusion_label(reason) for reason in conflicts],
        conflict=conflict,
        own_scores=own_scores,
        fellows=[(sheet, {score.criterion_id: score for score in sheet.scores}) for sheet in fellows],
        around=services.neighbours(item),
        answers={answer.criterion_id: answer.text for answer in item.application.answers},
        field_labels=FIELD_LABELS,
        inline_images=INLINE_IMAGE_TYPES,
        inline_frames=INLINE_FRAME_TYPES,
    )
    return page, status


@bp.get("/jury/entries/<int:assignment_id>")
@login_required
def entry(assignment_id: int):
    item = _load_own_assignment(assignment_id)
    if not can.can_view_entry(current_user, item):
        abort(403)
    return _render_entry(item)


def _frozen_message(item: Assignment) -> str:
    edition = item.application.edition
    phase = edition.phase()
    if phase == Phase.PUBLISHED:
        return _("The results are published: score sheets can no longer be changed.")
    if item.application.status != ApplicationStatus.ELIGIBLE:
        return _("This entry is no longer in the competition: its sheet can no longer be changed.")
    if phase in (Phase.UPCOMING, Phase.OPEN):
        return _(
            "Judging opens when submissions close, on %(when)s.",
            when=local_datetime(edition.submissions_close_at),
        )
    if phase == Phase.DELIBERATION:
        return _(
            "Judging closed on %(when)s: score sheets are frozen.",
            when=local_datetime(edition.judging_close_at),
        )
    return _("You can no longer change this sheet.")


@bp.post("/jury/entries/<int:assignment_id>/sheet")
@login_required
def save_sheet(assignment_id: int):
    item = _load_own_assignment(assignment_id)
    if not can.can_view_entry(current_user, item):
        abort(403)
    if not can.can_score(current_user, item):
        flash(_frozen_message(item), "error")
        return redirect(url_for(".entry", assignment_id=item.id))
    if reasons := services.conflict_reasons(item):
        flash(
            _(
                "You may not score this entry (%(reasons)s). Ask the organisers to remove the assignment.",
                reasons=", ".join(services.exclusion_label(r) for r in reasons),
            ),
            "error",
        )
        return redirect(url_for(".entry", assignment_id=item.id))
    edition = item.application.edition
    criteria = list(edition.criteria)
    form = sheet_form(criteria, Scale.of(edition))
    if not form.validate_on_submit():
        return _render_entry(item, form=form, status=422)
    scores, comments, overall = form.values()
    sent = services.SheetValues(scores=scores, comments=comments, overall_comment=overall)
    try:
        action = services.save_sheet(item, sent, form.sent_version, form.submitting, current_user)
        db.session.commit()
    except (services.StaleSheet, StaleDataError, IntegrityError):
        # Another tab or device saved first: keep its save, show this page what changed since.
        db.session.rollback()
        item = _load_own_assignment(assignment_id)
        saved = services.SheetValues.of(item.sheet, criteria)
        conflict = services.differences(saved, sent, criteria)
        return _render_entry(item, conflict=conflict, status=409)
    except services.JudgingError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_entry(_load_own_assignment(assignment_id), form=form, status=422)
    flash(SAVED_MESSAGES[action](), "success" if action != "unchanged" else "info")
    return redirect(url_for(".entry", assignment_id=item.id, _anchor="sheet"))


SAVED_MESSAGES = {
    "unchanged": lambda: _("Nothing to save: the sheet is as you left it."),
    "saved": lambda: _("Draft saved. You can come back to it until judging closes."),
    "submitted": lambda: _("Score sheet submitted. You can still revise it until judging closes."),
    "revised": lambda: _("Your submitted score sheet is updated."),
}


@bp.post("/jury/entries/<int:assignment_id>/recuse")
@login_required
def recuse(assignment_id: int):
    item = _load_own_assignment(assignment_id)
    if not can.can_view_entry(current_user, item):
        abort(403)
    if not can.can_recuse(current_user, item):
        flash(_frozen_message(item), "error")
        return redirect(url_for(".entry", assignment_id=item.id))
    form = RecusalForm()
    if not form.validate_on_submit():
        return _render_entry(item, recusal_form=form, status=422)
    services.recuse(item, form.reason.data, current_user)
    db.session.commit()
    application = item.application
    if recipients := services.organiser_emails():
        send_email(
            recipients,
            _(
                "%(juror)s recused from %(reference)s",
                juror=current_user.name,
                reference=application.reference,
            ),
            "judging_recusal",
            juror=current_user,
            application=application,
            edition=application.edition,
            reason=item.recusal_reason,
            link=external_url("judging.progress", edition_id=application.edition_id),
        )
    flash(
        _(
            "You have recused yourself from %(reference)s; the organisers have been told. It is no longer "
            "in your list.",
            reference=application.reference,
        ),
        "success",
    )
    return redirect(url_for(".dashboard"))


# --- The organisers' pages -------------------------------------------------------------------------------


def _load_edition(edition_id: int, allowed) -> Edition:
    edition = db.get_or_404(Edition, edition_id)
    if not allowed(current_user, edition):
        abort(403)
    return edition


def _manage_links(edition: Edition) -> dict:
    """Where the judging pages link back to; other domains' pages only when they exist."""
    views = current_app.view_functions
    return {
        "edition_url": url_for("contests.manage_edition", edition_id=edition.id)
        if "contests.manage_edition" in views
        else url_for("contests.manage_list"),
        "application_endpoint": "submissions.view" if "submissions.view" in views else None,
    }


@bp.route("/manage/editions/<int:edition_id>/screening", methods=["GET", "POST"])
@login_required
def screening(edition_id: int):
    edition = _load_edition(edition_id, can.can_screen_applications)
    form = ScreeningForm()
    failed = None
    if request.method == "POST":
        if not can.can_decide_eligibility(current_user, edition):
            flash(
                _("Eligibility can be decided from the close of submissions until judging closes."), "error"
            )
            return redirect(url_for(".screening", edition_id=edition.id))
        if form.validate_on_submit():
            application = _screened_application(edition, form.application_id.data)
            eligible = form.decision.data == "eligible"
            try:
                changed = services.screen(application, eligible, form.reason.data or "", current_user)
            except services.JudgingError as error:
                db.session.rollback()
                flash(error.message, "error")
                return redirect(url_for(".screening", edition_id=edition.id))
            db.session.commit()
            if changed:
                _tell_applicant(application)
                flash(
                    _(
                        "%(reference)s is %(decision)s; the applicant has been told by email.",
                        reference=application.reference,
                        decision=_("eligible") if eligible else _("ineligible"),
                    ),
                    "success",
                )
            else:
                flash(_("%(reference)s: no change.", reference=application.reference), "info")
            return redirect(url_for(".screening", edition_id=edition.id, _anchor=f"app-{application.id}"))
        failed = form
    applications = services.screening_list(edition)
    return render_template(
        "judging/screening.html",
        edition=edition,
        applications=applications,
        sheets=services.sheets_per_application(edition),
        failed=failed,
        failed_id=_int_or_none(failed.application_id.data) if failed else None,
        form_for=_screening_form_for,
        counts=services.status_counts(edition),
        field_labels=FIELD_LABELS,
        **_manage_links(edition),
    ), (422 if failed else 200)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _screening_form_for(application: Application) -> ScreeningForm:
    decision = (
        application.status
        if application.status in (ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)
        else None
    )
    return ScreeningForm(
        formdata=None,
        data={
            "application_id": str(application.id),
            "decision": decision,
            "reason": application.eligibility_reason,
        },
    )


def _screened_application(edition: Edition, application_id) -> Application:
    application = db.session.get(Application, _int_or_none(application_id) or 0)
    if application is None or application.edition_id != edition.id:
        abort(404)
    return application


def _tell_applicant(application: Application) -> None:
    recipients = services.applicant_emails(application)
    if not recipients:
        return
    eligible = application.status == ApplicationStatus.ELIGIBLE
    send_email(
        recipients,
        _("Your application %(reference)s is eligible", reference=application.reference)
        if eligible
        else _("Your application %(reference)s is not eligible", reference=application.reference),
        "judging_screened",
        application=application,
        edition=application.edition,
        eligible=eligible,
    )


@bp.get("/manage/editions/<int:edition_id>/jury")
@login_required
def jury(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    return _render_jury(edition, InviteJurorForm(formdata=None))


def _render_jury(edition: Edition, form: InviteJurorForm, status: int = 200):
    progress = services.progress(edition)
    return render_template(
        "judging/jury.html",
        edition=edition,
        progress=progress,
        form=form,
        **_manage_links(edition),
    ), status


@bp.post("/manage/editions/<int:edition_id>/jury/invite")
@login_required
def invite_juror(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    if not can.can_change_jury(current_user, edition):
        flash(_("The jury is fixed once judging has closed."), "error")
        return redirect(url_for(".jury", edition_id=edition.id))
    form = InviteJurorForm()
    if not form.validate_on_submit():
        return _render_jury(edition, form, status=422)
    try:
        invitation = services.invite_juror(
            edition, form.name.data, form.email.data, form.country.data, current_user
        )
    except services.JudgingError as error:
        db.session.rollback()
        form.email.errors.append(error.message)
        return _render_jury(edition, form, status=422)
    db.session.commit()
    user = invitation.user
    link = (
        external_url("auth.accept_invitation", token=make_token(user, "invite"))
        if invitation.needs_link
        else external_url("auth.login")
    )
    send_email(
        user.email,
        _("You are invited to the jury of the %(edition)s", edition=edition.name),
        "judging_invitation",
        user=user,
        edition=edition,
        link=link,
        needs_link=invitation.needs_link,
        valid_days=INVITATION_MAX_AGE // 86400,
        invited_by=current_user,
    )
    if invitation.created:
        message = _(
            "%(name)s is invited: an email with a link to choose a password is on its way.", name=user.name
        )
    else:
        message = _(
            "%(name)s (an existing juror account) is added to the jury and told by email.", name=user.name
        )
    flash(message, "success")
    return redirect(url_for(".jury", edition_id=edition.id))


def _load_member(edition: Edition, member_id: int) -> JuryMember:
    member = db.get_or_404(JuryMember, member_id)
    if member.edition_id != edition.id:
        abort(404)
    return member


@bp.post("/manage/editions/<int:edition_id>/jury/<int:member_id>/remove")
@login_required
def remove_juror(edition_id: int, member_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    member = _load_member(edition, member_id)
    if not can.can_change_jury(current_user, edition):
        flash(_("The jury is fixed once judging has closed."), "error")
        return redirect(url_for(".jury", edition_id=edition.id))
    name = member.user.name
    try:
        drafts = services.remove_juror(member, current_user)
    except services.JudgingError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".jury", edition_id=edition.id))
    db.session.commit()
    message = _("%(name)s is no longer on the jury.", name=name)
    if drafts:
        message += " " + ngettext(
            "Their %(num)d draft sheet was discarded.", "Their %(num)d draft sheets were discarded.", drafts
        )
    flash(message, "success")
    return redirect(url_for(".jury", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/jury/<int:member_id>/chair")
@login_required
def name_chair(edition_id: int, member_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    member = _load_member(edition, member_id)
    if not can.can_change_jury(current_user, edition):
        flash(_("The jury is fixed once judging has closed."), "error")
        return redirect(url_for(".jury", edition_id=edition.id))
    services.name_chair(member, current_user)
    db.session.commit()
    flash(_("%(name)s chairs the jury.", name=member.user.name), "success")
    return redirect(url_for(".jury", edition_id=edition.id))


@bp.get("/manage/editions/<int:edition_id>/assignments")
@login_required
def assignments(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    return _render_assignments(
        edition, BalancedAssignmentForm(formdata=None, jurors_per_entry=edition.min_sheets_per_entry)
    )


def _render_assignments(edition: Edition, balance_form: BalancedAssignmentForm, status: int = 200):
    progress = services.progress(edition)
    started = any(a.sheet is not None or a.is_recused for a in progress.assignments.values())
    return render_template(
        "judging/assignments.html",
        edition=edition,
        progress=progress,
        balance_form=balance_form,
        started=started,
        **_manage_links(edition),
    ), status


def _refuse_assignment_change(edition: Edition):
    flash(_("Assignments can be changed only while judging is open, after eligibility screening."), "error")
    return redirect(url_for(".assignments", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/assignments/all")
@login_required
def assign_all(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    added = services.assign_all(edition, current_user)
    db.session.commit()
    if added:
        flash(ngettext("%(num)d assignment added.", "%(num)d assignments added.", added), "success")
    else:
        flash(_("Every juror already has every entry they may score."), "info")
    return redirect(url_for(".assignments", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/assignments/balanced")
@login_required
def assign_balanced(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    form = BalancedAssignmentForm()
    if not form.validate_on_submit():
        return _render_assignments(edition, form, status=422)
    try:
        plan = services.assign_balanced(edition, form.jurors_per_entry.data, current_user)
    except services.JudgingError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".assignments", edition_id=edition.id))
    db.session.commit()
    loads = sorted(plan.loads.values())
    flash(
        _(
            "Each entry now has up to %(k)d jurors; each juror scores %(low)d to %(high)d entries.",
            k=plan.k,
            low=loads[0],
            high=loads[-1],
        ),
        "success",
    )
    if plan.shortfall:
        references = {a.id: a.reference for a in services.eligible_entries(edition)}
        short = ", ".join(
            _("%(reference)s (%(missing)d short)", reference=references[entry_id], missing=missing)
            for entry_id, missing in plan.shortfall.items()
        )
        flash(
            _(
                "Not enough jurors may score these entries (conflicts of interest): %(entries)s.",
                entries=short,
            ),
            "warning",
        )
    return redirect(url_for(".assignments", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/assignments/add")
@login_required
def add_assignment(edition_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    form = ManualAssignmentForm()
    form.juror_id.choices = [SelectChoice(m.user_id, m.user.name) for m in services.jury(edition)]
    form.application_id.choices = [
        SelectChoice(a.id, a.reference) for a in services.eligible_entries(edition)
    ]
    if not form.validate_on_submit():
        flash(_("Choose a juror of this edition and one of its eligible entries."), "error")
        return redirect(url_for(".assignments", edition_id=edition.id))
    try:
        item = services.add_assignment(edition, form.juror_id.data, form.application_id.data, current_user)
    except services.JudgingError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".assignments", edition_id=edition.id))
    db.session.commit()
    flash(
        _("%(name)s now scores %(reference)s.", name=item.juror.name, reference=item.application.reference),
        "success",
    )
    return redirect(url_for(".assignments", edition_id=edition.id, _anchor=f"entry-{item.application_id}"))


@bp.post("/manage/editions/<int:edition_id>/assignments/<int:assignment_id>/remove")
@login_required
def remove_assignment(edition_id: int, assignment_id: int):
    edition = _load_edition(edition_id, can.can_manage_edition)
    item = db.get_or_404(Assignment, assignment_id)
    if item.application.edition_id != edition.id:
        abort(404)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    name, reference, application_id = item.juror.name, item.application.reference, item.application_id
    try:
        had_draft = services.remove_assignment(item, current_user)
    except services.JudgingError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for(".assignments", edition_id=edition.id))
    db.session.commit()
    message = _("%(name)s no longer scores %(reference)s.", name=name, reference=reference)
    if had_draft:
        message += " " + _("Their draft sheet was discarded.")
    flash(message, "success")
    return redirect(url_for(".assignments", edition_id=edition.id, _anchor=f"entry-{application_id}"))


@bp.get("/manage/editions/<int:edition_id>/progress")
@login_required
def progress(edition_id: int):
    edition = _load_edition(edition_id, can.can_view_judging_progress)
    return render_template(
        "judging/progress.html",
        edition=edition,
        progress=services.progress(edition),
        **_manage_links(edition),
    )


@bp.post("/manage/editions/<int:edition_id>/progress/remind")
@login_required
def remind(edition_id: int):
    edition = _load_edition(edition_id, can.can_view_judging_progress)
    if not can.can_remind_jurors(current_user, edition):
        flash(_("Reminders can be sent only while judging is open."), "error")
        return redirect(url_for(".progress", edition_id=edition.id))
    run = services.remind(edition, current_user)
    db.session.commit()
    for juror in run.sent:
        send_email(
            juror.member.user.email,
            ngettext(
                "Reminder: %(num)d score sheet to submit by %(when)s",
                "Reminder: %(num)d score sheets to submit by %(when)s",
                juror.outstanding,
                when=local_datetime(edition.judging_close_at),
            ),
            "judging_reminder",
            user=juror.member.user,
            edition=edition,
            outstanding=juror.outstanding,
            submitted=juror.submitted,
            assigned=juror.assigned,
            link=external_url("judging.dashboard"),
        )
    if run.sent:
        flash(
            _("Reminder sent to %(names)s.", names=", ".join(j.member.user.name for j in run.sent)),
            "success",
        )
    else:
        flash(_("No reminder sent."), "info")
    if run.recently_reminded:
        flash(
            _(
                "Skipped, already reminded in the last 24 hours: %(names)s.",
                names=", ".join(
                    _(
                        "%(name)s (%(when)s)",
                        name=j.member.user.name,
                        when=local_datetime(j.member.last_reminded_at),
                    )
                    for j in run.recently_reminded
                ),
            ),
            "warning",
        )
    if run.nothing_due:
        flash(
            _(
                "Skipped, nothing outstanding: %(names)s.",
                names=", ".join(j.member.user.name for j in run.nothing_due),
            ),
            "info",
        )
    return redirect(url_for(".progress", edition_id=edition.id))
