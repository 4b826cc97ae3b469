"""The juror's pages: their dashboard, an entry with its score sheet, saving the sheet, recusing.

Every page is the juror's own: an assignment of someone else is refused (403). A sheet saved from a stale
page is answered with 409 and what changed since; a refused save re-renders the form (422).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import permissions as can
from app.contests.enums import Phase
from app.extensions import db
from app.formatting import local_datetime
from app.judging import queries, sheets
from app.judging.conflicts import conflict_reasons, exclusion_label
from app.judging.dashboard import juror_work
from app.judging.enums import SheetSave
from app.judging.errors import JudgingError
from app.judging.forms import RecusalForm, Scale, sheet_form
from app.judging.models import Assignment
from app.judging.routes import bp
from app.submissions.enums import ApplicationStatus
from app.submissions.forms import FIELD_OF_ACTION_LABELS as FIELD_LABELS
from app.web import back_to, page_number

INLINE_IMAGE_TYPES = ("image/jpeg", "image/png")
INLINE_FRAME_TYPES = ("application/pdf",)

SAVED_MESSAGES = {
    SheetSave.UNCHANGED: _l("Nothing to save: the sheet is as you left it."),
    SheetSave.SAVED: _l("Draft saved. You can come back to it until judging closes."),
    SheetSave.SUBMITTED: _l("Score sheet submitted. You can still revise it until judging closes."),
    SheetSave.REVISED: _l("Your submitted score sheet is updated."),
}


@bp.get("/jury")
@login_required
def dashboard():
    if not can.is_juror(current_user):
        abort(403)
    work = juror_work(current_user, request.args.get("edition", type=int), page_number())
    return render_template("judging/dashboard.html", work=work)


def _load_own_assignment(assignment_id: int) -> Assignment:
    """The juror's own assignment with what its page shows: 404 if none, 403 if not theirs or not viewable."""
    assignment = queries.entry_assignment(assignment_id)
    if assignment is None:
        abort(404)
    if not can.is_juror(current_user) or assignment.juror_id != current_user.id:
        abort(403)
    if not can.can_view_entry(current_user, assignment):
        abort(403)
    return assignment


def _sheet_data(assignment: Assignment) -> dict:
    criteria = assignment.application.edition.criteria
    values = sheets.SheetValues.of(assignment.sheet, criteria)
    data = {
        "version": str(assignment.sheet.version if assignment.sheet else 0),
        "overall_comment": values.overall_comment,
    }
    for criterion in criteria:
        data[f"score_{criterion.id}"] = values.scores[criterion.id]
        data[f"comment_{criterion.id}"] = values.comments[criterion.id]
    return data


def _saved_sheet_form(assignment: Assignment):
    """The score form filled with what is saved now, ignoring anything posted."""
    edition = assignment.application.edition
    return sheet_form(edition.criteria, Scale.of(edition), formdata=None, data=_sheet_data(assignment))


def _render_entry(assignment: Assignment, *, form=None, recusal_form=None, conflict=None, status: int = 200):
    edition = assignment.application.edition
    editable = can.can_score(current_user, assignment)
    conflicts = conflict_reasons(assignment) if editable else ()
    fellows = queries.fellow_sheets(assignment) if can.can_see_fellow_scores(current_user, edition) else []
    own_scores = {score.criterion_id: score for score in assignment.sheet.scores} if assignment.sheet else {}
    page = render_template(
        "judging/entry.html",
        assignment=assignment,
        application=assignment.application,
        edition=edition,
        sheet=assignment.sheet,
        form=form or _saved_sheet_form(assignment),
        recusal_form=recusal_form or RecusalForm(formdata=None),
        editable=editable and not conflicts,
        conflicts=[exclusion_label(reason) for reason in conflicts],
        conflict=conflict,
        own_scores=own_scores,
        fellows=[(sheet, {score.criterion_id: score for score in sheet.scores}) for sheet in fellows],
        around=queries.neighbours(assignment),
        answers={answer.criterion_id: answer.text for answer in assignment.application.answers},
        field_labels=FIELD_LABELS,
        inline_images=INLINE_IMAGE_TYPES,
        inline_frames=INLINE_FRAME_TYPES,
    )
    return page, status


@bp.get("/jury/entries/<int:assignment_id>")
@login_required
def entry(assignment_id: int):
    return _render_entry(_load_own_assignment(assignment_id))


def _frozen_message(assignment: Assignment) -> str:
    """Why the sheet can no longer be changed, in the juror's words."""
    edition = assignment.application.edition
    phase = edition.phase()
    if phase == Phase.PUBLISHED:
        return _("The results are published: score sheets can no longer be changed.")
    if assignment.application.status != ApplicationStatus.ELIGIBLE:
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
    assignment = _load_own_assignment(assignment_id)
    if not can.can_score(current_user, assignment):
        flash(_frozen_message(assignment), "error")
        return redirect(url_for(".entry", assignment_id=assignment.id))
    if reasons := conflict_reasons(assignment):
        flash(
            _(
                "You may not score this entry (%(reasons)s). Ask the organisers to remove the assignment.",
                reasons=", ".join(exclusion_label(r) for r in reasons),
            ),
            "error",
        )
        return redirect(url_for(".entry", assignment_id=assignment.id))
    edition = assignment.application.edition
    criteria = list(edition.criteria)
    form = sheet_form(criteria, Scale.of(edition))
    if not form.validate_on_submit():
        return _render_entry(assignment, form=form, status=422)
    scores, comments, overall = form.values()
    sent = sheets.SheetValues(scores=scores, comments=comments, overall_comment=overall)
    try:
        action = sheets.save_sheet(assignment, sent, form.sent_version, form.submitting, current_user)
        db.session.commit()
    except (sheets.StaleSheet, StaleDataError, IntegrityError):
        # Another tab or device saved first: keep its save, show this page what changed since.
        db.session.rollback()
        assignment = _load_own_assignment(assignment_id)
        saved = sheets.SheetValues.of(assignment.sheet, criteria)
        conflict = sheets.differences(saved, sent, criteria)
        return _render_entry(assignment, conflict=conflict, status=409)
    except JudgingError as error:  # shown above the form the juror filled in
        db.session.rollback()
        flash(error.message, "error")
        return _render_entry(_load_own_assignment(assignment_id), form=form, status=422)
    flash(str(SAVED_MESSAGES[action]), "success" if action != SheetSave.UNCHANGED else "info")
    return redirect(url_for(".entry", assignment_id=assignment.id, _anchor="sheet"))


@bp.post("/jury/entries/<int:assignment_id>/recuse")
@login_required
def recuse(assignment_id: int):
    assignment = _load_own_assignment(assignment_id)
    if not can.can_recuse(current_user, assignment):
        flash(_frozen_message(assignment), "error")
        return redirect(url_for(".entry", assignment_id=assignment.id))
    form = RecusalForm()
    if not form.validate_on_submit():
        return _render_entry(assignment, recusal_form=form, status=422)
    back_to(".entry", assignment_id=assignment.id)
    sheets.recuse(assignment, form.reason.data, current_user)
    db.session.commit()
    flash(
        _(
            "You have recused yourself from %(reference)s; the organisers have been told. It is no longer "
            "in your list.",
            reference=assignment.application.reference,
        ),
        "success",
    )
    return redirect(url_for(".dashboard"))
