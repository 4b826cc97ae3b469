"""The organisers' judging pages of an edition: eligibility screening, the jury, assignments, progress and
reminders.

Each view loads the edition (404) under its permission (403), checks the phase, calls one use case and
commits once. A use case's refusal (JudgingError) is flashed on the page set by `back_to`; only the juror
invitation catches it, to show it beside the email field (422). The use-case modules are imported under
`*_cases` names because the views carry the endpoint names (`judging.jury`, `judging.progress`, ...).
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app import permissions as can
from app.contests.models import Edition
from app.extensions import db
from app.formatting import local_datetime
from app.judging import assignments as assignment_cases
from app.judging import jury as jury_cases
from app.judging import progress as progress_cases
from app.judging import queries
from app.judging import screening as screening_cases
from app.judging.errors import JudgingError
from app.judging.forms import BalancedAssignmentForm, InviteJurorForm, ManualAssignmentForm, ScreeningForm
from app.judging.models import Assignment, JuryMember
from app.judging.routes import bp
from app.submissions.enums import ApplicationStatus
from app.submissions.forms import FIELD_OF_ACTION_LABELS as FIELD_LABELS
from app.submissions.models import Application
from app.web import back_to, load_or_404, page_number


def _links() -> dict:
    """Other domains' pages the judging pages link to, only when they exist."""
    views = current_app.view_functions
    return {"application_endpoint": "submissions.view" if "submissions.view" in views else None}


def _int_or_none(value) -> int | None:
    """A posted id, or None when it is not one (not a number, or past the id columns' 32 bits)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


# --- Screening -------------------------------------------------------------------------------------------


@bp.route("/manage/editions/<int:edition_id>/screening", methods=["GET", "POST"])
@login_required
def screening(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_screen_applications)
    form = ScreeningForm()
    failed = None
    if request.method == "POST":
        if not can.can_decide_eligibility(current_user, edition):
            flash(
                _("Eligibility can be decided from the close of submissions until judging closes."), "error"
            )
            return redirect(url_for(".screening", edition_id=edition.id))
        if form.validate_on_submit():
            return _screen(edition, form)
        failed = form
    page = queries.screening_list(edition, page_number())
    return render_template(
        "judging/screening.html",
        edition=edition,
        page=page,
        applications=page.items,
        sheets=queries.sheets_per_application(edition, [a.id for a in page.items]),
        failed=failed,
        failed_id=_int_or_none(failed.application_id.data) if failed else None,
        form_for=_screening_form_for,
        counts=queries.status_counts(edition),
        field_labels=FIELD_LABELS,
        **_links(),
    ), (422 if failed else 200)


def _screen(edition: Edition, form: ScreeningForm):
    application = db.session.get(Application, _int_or_none(form.application_id.data) or 0)
    if application is None or application.edition_id != edition.id:
        abort(404)
    eligible = form.decision.data == "eligible"
    back_to(".screening", edition_id=edition.id)
    changed = screening_cases.screen(application, eligible, form.reason.data or "", current_user)
    db.session.commit()
    if changed:
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
    return redirect(
        url_for(
            ".screening",
            edition_id=edition.id,
            page=queries.screening_page_of(application),
            _anchor=f"app-{application.id}",
        )
    )


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


# --- The jury --------------------------------------------------------------------------------------------


@bp.get("/manage/editions/<int:edition_id>/jury")
@login_required
def jury(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    return _render_jury(edition, InviteJurorForm(formdata=None))


def _render_jury(edition: Edition, form: InviteJurorForm, status: int = 200):
    return render_template(
        "judging/jury.html",
        edition=edition,
        progress=progress_cases.jury_progress(edition),
        form=form,
        **_links(),
    ), status


def _refuse_jury_change(edition: Edition):
    flash(_("The jury is fixed once judging has closed."), "error")
    return redirect(url_for(".jury", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/jury/invite")
@login_required
def invite_juror(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if not can.can_change_jury(current_user, edition):
        return _refuse_jury_change(edition)
    form = InviteJurorForm()
    if not form.validate_on_submit():
        return _render_jury(edition, form, status=422)
    try:
        invitation = jury_cases.invite_juror(
            edition, form.name.data, form.email.data, form.country.data, current_user
        )
    except JudgingError as error:  # shown beside the email field
        db.session.rollback()
        form.email.errors.append(error.message)
        return _render_jury(edition, form, status=422)
    db.session.commit()
    user = invitation.user
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
    member = load_or_404(JuryMember, member_id)
    if member.edition_id != edition.id:
        abort(404)
    return member


@bp.post("/manage/editions/<int:edition_id>/jury/<int:member_id>/remove")
@login_required
def remove_juror(edition_id: int, member_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    member = _load_member(edition, member_id)
    if not can.can_change_jury(current_user, edition):
        return _refuse_jury_change(edition)
    name = member.user.name
    back_to(".jury", edition_id=edition.id)
    drafts = jury_cases.remove_juror(member, current_user)
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
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    member = _load_member(edition, member_id)
    if not can.can_change_jury(current_user, edition):
        return _refuse_jury_change(edition)
    jury_cases.name_chair(member, current_user)
    db.session.commit()
    flash(_("%(name)s chairs the jury.", name=member.user.name), "success")
    return redirect(url_for(".jury", edition_id=edition.id))


# --- Assignments -----------------------------------------------------------------------------------------


@bp.get("/manage/editions/<int:edition_id>/assignments")
@login_required
def assignments(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    return _render_assignments(
        edition, BalancedAssignmentForm(formdata=None, jurors_per_entry=edition.min_sheets_per_entry)
    )


def _render_assignments(edition: Edition, balance_form: BalancedAssignmentForm, status: int = 200):
    progress = progress_cases.jury_progress(edition)
    return render_template(
        "judging/assignments.html",
        edition=edition,
        progress=progress,
        matrix=progress_cases.entry_matrix(edition, progress.jurors, page_number()),
        balance_form=balance_form,
        started=progress_cases.judging_started(edition),
        **_links(),
    ), status


def _refuse_assignment_change(edition: Edition):
    flash(_("Assignments can be changed only while judging is open, after eligibility screening."), "error")
    return redirect(url_for(".assignments", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/assignments/all")
@login_required
def assign_all(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    added = assignment_cases.assign_all(edition, current_user)
    db.session.commit()
    if added:
        flash(ngettext("%(num)d assignment added.", "%(num)d assignments added.", added), "success")
    else:
        flash(_("Every juror already has every entry they may score."), "info")
    return redirect(url_for(".assignments", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/assignments/balanced")
@login_required
def assign_balanced(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    form = BalancedAssignmentForm()
    if not form.validate_on_submit():
        return _render_assignments(edition, form, status=422)
    back_to(".assignments", edition_id=edition.id)
    plan = assignment_cases.assign_balanced(edition, form.jurors_per_entry.data, current_user)
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
        references = {a.id: a.reference for a in queries.eligible_entries(edition)}
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
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    form = ManualAssignmentForm()
    form.juror_id.choices = [SelectChoice(m.user_id, m.user.name) for m in queries.jury(edition)]
    form.application_id.choices = [SelectChoice(a.id, a.reference) for a in queries.eligible_entries(edition)]
    if not form.validate_on_submit():
        flash(_("Choose a juror of this edition and one of its eligible entries."), "error")
        return redirect(url_for(".assignments", edition_id=edition.id))
    back_to(".assignments", edition_id=edition.id)
    assignment = assignment_cases.add_assignment(
        edition, form.juror_id.data, form.application_id.data, current_user
    )
    db.session.commit()
    flash(
        _(
            "%(name)s now scores %(reference)s.",
            name=assignment.juror.name,
            reference=assignment.application.reference,
        ),
        "success",
    )
    return redirect(
        url_for(".assignments", edition_id=edition.id, _anchor=f"entry-{assignment.application_id}")
    )


@bp.post("/manage/editions/<int:edition_id>/assignments/<int:assignment_id>/remove")
@login_required
def remove_assignment(edition_id: int, assignment_id: int):
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    assignment = load_or_404(Assignment, assignment_id)
    if assignment.application.edition_id != edition.id:
        abort(404)
    if not can.can_assign(current_user, edition):
        return _refuse_assignment_change(edition)
    name, reference = assignment.juror.name, assignment.application.reference
    application_id = assignment.application_id
    back_to(".assignments", edition_id=edition.id)
    had_draft = assignment_cases.remove_assignment(assignment, current_user)
    db.session.commit()
    message = _("%(name)s no longer scores %(reference)s.", name=name, reference=reference)
    if had_draft:
        message += " " + _("Their draft sheet was discarded.")
    flash(message, "success")
    return redirect(url_for(".assignments", edition_id=edition.id, _anchor=f"entry-{application_id}"))


# --- Progress and reminders ------------------------------------------------------------------------------


@bp.get("/manage/editions/<int:edition_id>/progress")
@login_required
def progress(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_judging_progress)
    progress = progress_cases.jury_progress(edition)
    wanted = progress_cases.EntryFilter.of(request.args)
    return render_template(
        "judging/progress.html",
        edition=edition,
        progress=progress,
        matrix=progress_cases.entry_matrix(edition, progress.jurors, page_number(), wanted),
        wanted=wanted,
        entry_filters=progress_cases.ENTRY_FILTERS,
        **_links(),
    )


@bp.post("/manage/editions/<int:edition_id>/progress/remind")
@login_required
def remind(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_judging_progress)
    if not can.can_remind_jurors(current_user, edition):
        flash(_("Reminders can be sent only while judging is open."), "error")
        return redirect(url_for(".progress", edition_id=edition.id))
    run = progress_cases.remind(edition, current_user)
    db.session.commit()
    if run.sent:
        flash(
            _("Reminder sent to %(names)s.", names=", ".join(j.member.user.name for j in run.sent)), "success"
        )
    else:
        flash(_("No reminder sent."), "info")
    if run.recently_reminded:
        names = ", ".join(
            _("%(name)s (%(when)s)", name=j.member.user.name, when=local_datetime(j.member.last_reminded_at))
            for j in run.recently_reminded
        )
        flash(_("Skipped, already reminded in the last 24 hours: %(names)s.", names=names), "warning")
    if run.nothing_due:
        names = ", ".join(j.member.user.name for j in run.nothing_due)
        flash(_("Skipped, nothing outstanding: %(names)s.", names=names), "info")
    return redirect(url_for(".progress", edition_id=edition.id))
