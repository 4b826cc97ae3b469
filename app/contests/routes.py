"""The organiser's edition screens, and the template helpers for editions every page uses.

The public pages (home, archive, an edition's page) are in app/results/routes/public.py."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import permissions
from app.contests import services
from app.contests.enums import Phase
from app.contests.forms import AGGREGATION_LABELS, EditionForm, locked_fields_sent
from app.contests.models import Edition
from app.contests.navigation import all_sections
from app.extensions import db
from app.formatting import page_ordinal, utc_to_local
from app.judging.queries import scoring_started
from app.prepared.models import PreparedFile
from app.prepared.queries import file_state
from app.prepared.web import send_prepared
from app.submissions.queries import answer_counts, application_counts
from app.web import load_or_404

bp = Blueprint("contests", __name__)

PHASE_LABELS = {
    Phase.UPCOMING: _l("Opens soon"),
    Phase.OPEN: _l("Accepting applications"),
    Phase.JUDGING: _l("Jury at work"),
    Phase.DELIBERATION: _l("Jury deliberating"),
    Phase.PUBLISHED: _l("Results published"),
}
NEW_CRITERION_ROWS = 2


@bp.app_template_global()
def phase_label(edition: Edition) -> str:
    if edition.archived:
        return str(_l("Results published (archive)"))
    return str(PHASE_LABELS[edition.phase()])


@bp.app_template_filter()
def place_label(place: int | None, joint: bool = False) -> str:
    """'1st place', 'Joint 2nd place'."""
    if place is None:
        return _("Special mention")
    words = page_ordinal(place)
    return _("Joint %(place)s place", place=words) if joint else _("%(place)s place", place=words)


@bp.app_template_global()
def aggregation_label(value: str) -> str:
    return str(AGGREGATION_LABELS.get(value, value))


# --- The organiser's screens -----------------------------------------------------------------------


@bp.get("/manage/editions")
@login_required
def manage_list():
    if not permissions.can_manage_edition(current_user):
        abort(403)
    editions = services.all_editions()
    return render_template(
        "contests/manage_list.html",
        editions=editions,
        counts=application_counts(),
        statuses=("draft", "submitted", "eligible", "ineligible", "withdrawn"),
    )


@bp.get("/manage/editions/<int:edition_id>")
@login_required
def manage_edition(edition_id: int):
    item = db.get_or_404(Edition, edition_id)
    if not permissions.can_manage_edition(current_user, item):
        abort(403)
    sections = [
        (endpoint, label) for endpoint, label in all_sections() if endpoint in current_app.view_functions
    ]
    return render_template(
        "contests/manage_edition.html",
        edition=item,
        sections=sections,
        counts=application_counts([item.id]).get(item.id, {}),
        locked=scoring_started(item),
        statuses=("draft", "submitted", "eligible", "ineligible", "withdrawn"),
    )


@bp.route("/manage/editions/new", methods=["GET", "POST"])
@login_required
def manage_new():
    if not permissions.can_manage_edition(current_user):
        abort(403)
    source = _copy_source()
    form = EditionForm(data=_new_form_data(source)) if request.method == "GET" else EditionForm()
    if form.validate_on_submit():
        created = services.create_edition(form.edition_values(), actor=current_user)
        db.session.commit()
        flash(_("Edition %(name)s created.", name=created.name), "success")
        return redirect(url_for("contests.manage_edition", edition_id=created.id))
    _add_blank_rows(form)
    return render_template("contests/manage_form.html", form=form, edition=None, source=source, locked=False)


@bp.route("/manage/editions/<int:edition_id>/edit", methods=["GET", "POST"])
@login_required
def manage_edit(edition_id: int):
    item = db.get_or_404(Edition, edition_id)
    if not permissions.can_manage_edition(current_user, item):
        abort(403)
    locked = scoring_started(item)
    form = EditionForm(data=_edit_form_data(item)) if request.method == "GET" else EditionForm()
    form.edition = item
    form.answered = answer_counts(item)
    if locked:
        if request.method == "POST" and locked_fields_sent(request.form, item):
            flash(
                _(
                    "Criteria, weights and the score scale are locked: jurors have started scoring. "
                    "Nothing was saved."
                ),
                "error",
            )
            return redirect(url_for("contests.manage_edit", edition_id=item.id), 303)
        form.lock()
    if form.validate_on_submit():
        changed = services.update_edition(item, form.edition_values(), locked=locked, actor=current_user)
        db.session.commit()
        flash(_("Edition saved.") if changed else _("Nothing to save: no changes."), "success")
        return redirect(url_for("contests.manage_edition", edition_id=item.id))
    if not locked:
        _add_blank_rows(form)
    return render_template("contests/manage_form.html", form=form, edition=item, source=None, locked=locked)


def _copy_source() -> Edition | None:
    copy_from = request.args.get("copy_from", type=int)
    if copy_from is None:
        return None
    if not 1 <= copy_from <= 2**31 - 1:
        abort(404)
    return db.get_or_404(Edition, copy_from)


def _new_form_data(source: Edition | None) -> dict:
    if source is not None:
        return services.copy_values(source)
    return {
        **services.default_dates(),
        "ceremony_place_en": "Strasbourg",
        "ceremony_place_fr": "Strasbourg",
        "criteria": [
            {**c, "id": None, "weight": 1, "position": i + 1} for i, c in enumerate(services.DEFAULT_CRITERIA)
        ],
    }


def _edit_form_data(item: Edition) -> dict:
    data = services.plain_decimals({name: getattr(item, name) for name in services.EDITION_FIELDS})
    for name in EditionForm.DATE_FIELDS:
        data[name] = utc_to_local(data[name])
    data["criteria"] = [
        {
            "id": c.id,
            **services.criterion_texts(c),
            "weight": services.plain_decimal(c.weight),
            "position": c.position + 1,
        }
        for c in item.criteria
    ]
    return data


def _add_blank_rows(form: EditionForm) -> None:
    """Unused rows at the end of the criteria, for adding new ones."""
    blanks = sum(1 for row in form.criteria if row.form.is_blank)
    for _n in range(NEW_CRITERION_ROWS - blanks):
        form.criteria.append_entry()


# --- Files prepared for an edition (the certificates' ZIP, the jury report, exports: app/prepared/) ---------


def _prepared_file(edition_id: int, file_id: int) -> PreparedFile:
    prepared = load_or_404(PreparedFile, file_id, permissions.can_download_prepared_file)
    if prepared.edition_id != edition_id:
        abort(404)
    return prepared


@bp.get("/manage/editions/<int:edition_id>/files/<int:file_id>")
@login_required
def prepared_file(edition_id: int, file_id: int):
    return send_prepared(_prepared_file(edition_id, file_id))


@bp.get("/manage/editions/<int:edition_id>/files/<int:file_id>/status")
@login_required
def prepared_file_status(edition_id: int, file_id: int):
    """Where a prepared file stands, as JSON, for the page that waits for it (static/js/prepared.js)."""
    state = file_state(_prepared_file(edition_id, file_id))
    response = jsonify(status=state.status, size=state.file.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response
