"""Personal data pages: the privacy notice (public), one's own data (account page), the organisers' page
of a person or an organisation (their data for a request made by post; erasure), and the data files."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app import permissions as can
from app.audit import services as audit
from app.auth.models import Organisation, User
from app.auth.routes import labels as account_labels
from app.auth.routes import signed_in_user
from app.extensions import db
from app.i18n import current_language
from app.prepared.models import PreparedFile
from app.prepared.queries import file_state
from app.prepared.web import requested_message, send_prepared
from app.privacy import erasure, prepared, retention
from app.privacy.forms import EraseForm, PrepareDataForm
from app.web import DomainError, back_to, load_or_404

bp = Blueprint("privacy", __name__)


@bp.context_processor
def labels():
    return {**account_labels(), "pseudonym": erasure.pseudonym}


def _checked_form() -> PrepareDataForm:
    form = PrepareDataForm()
    if not form.validate_on_submit():
        raise DomainError(_("The form had expired: please try again."))
    return form


# --- What everyone reads ------------------------------------------------------------------------------------


@bp.get("/privacy")
def notice():
    return render_template(
        "privacy/notice.html",
        retention_days=retention.retention_days(),
        prepared_days=_prepared_days(),
    )


def _prepared_days() -> int:
    return current_app.config["PREPARED_FILE_DAYS"]


# --- One's own data -----------------------------------------------------------------------------------------


@bp.get("/account/data")
@login_required
def my_data():
    me = signed_in_user()
    language = current_language()
    organisation = me.organisation if can.can_ask_for_organisation_data(me) else None
    return render_template(
        "privacy/my_data.html",
        person_state=prepared.person_state(me, language),
        organisation=organisation,
        organisation_state=prepared.organisation_state(organisation, language) if organisation else None,
        labels=prepared.LABELS,
        retention_days=retention.retention_days(),
        prepared_days=_prepared_days(),
    )


@bp.post("/account/data/person")
@login_required
def prepare_my_data():
    back_to("privacy.my_data")
    form = _checked_form()
    me = signed_in_user()
    file, new = prepared.ask_for_person(me, asked_by=me, language=current_language(), again=form.again.data)
    db.session.commit()
    flash(requested_message(file, new), "success" if new else "info")
    return redirect(url_for("privacy.my_data"))


@bp.post("/account/data/organisation")
@login_required
def prepare_my_organisation_data():
    me = signed_in_user()
    if not can.can_ask_for_organisation_data(me):
        abort(403)
    back_to("privacy.my_data")
    form = _checked_form()
    file, new = prepared.ask_for_organisation(
        me.organisation, asked_by=me, language=current_language(), again=form.again.data
    )
    db.session.commit()
    flash(requested_message(file, new), "success" if new else "info")
    return redirect(url_for("privacy.my_data"))


# --- The data files -----------------------------------------------------------------------------------------


@bp.get("/data-files/<int:file_id>")
@login_required
def download(file_id: int):
    file = load_or_404(PreparedFile, file_id, can.can_download_data_file)
    response = send_prepared(file)
    audit.record("privacy.data_downloaded", file, after={"kind": str(file.kind), "file_id": file.id})
    db.session.commit()
    return response


@bp.get("/data-files/<int:file_id>/status")
@login_required
def file_status(file_id: int):
    """Where a data file stands, as JSON, for the page that waits for it (static/js/prepared.js)."""
    state = file_state(load_or_404(PreparedFile, file_id, can.can_download_data_file))
    response = jsonify(status=state.status, size=state.file.size)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- The organisers' pages: a person ------------------------------------------------------------------------


def _person_page(person: User, form: EraseForm, status: int = 200):
    me = signed_in_user()
    return (
        render_template(
            "privacy/person.html",
            person=person,
            state=prepared.person_state(person, current_language()),
            labels=prepared.LABELS,
            consequences=erasure.person_consequences(person),
            refusal=erasure.person_refusal(person, me),
            form=form,
        ),
        status,
    )


@bp.get("/manage/people/<int:user_id>/data")
@login_required
def person(user_id: int):
    person = load_or_404(User, user_id, can.can_manage_personal_data)
    return _person_page(person, EraseForm(formdata=None, expected=person.name))


@bp.post("/manage/people/<int:user_id>/data/prepare")
@login_required
def prepare_person_data(user_id: int):
    person = load_or_404(User, user_id, can.can_manage_personal_data)
    back_to("privacy.person", user_id=person.id)
    form = _checked_form()
    file, new = prepared.ask_for_person(
        person, asked_by=signed_in_user(), language=current_language(), again=form.again.data
    )
    db.session.commit()
    flash(requested_message(file, new), "success" if new else "info")
    return redirect(url_for("privacy.person", user_id=person.id))


@bp.post("/manage/people/<int:user_id>/erase")
@login_required
def erase_person(user_id: int):
    person = load_or_404(User, user_id, can.can_manage_personal_data)
    back_to("privacy.person", user_id=person.id)
    form = EraseForm(expected=person.name)
    if not form.validate_on_submit():
        return _person_page(person, form, 400)
    done = erasure.erase_person(person, signed_in_user())
    db.session.commit()
    erasure.remove_files(done)
    flash(_("The account is erased. It now appears as “%(name)s”.", name=person.name), "success")
    return redirect(url_for("auth.people"))


# --- The organisers' pages: an organisation -----------------------------------------------------------------


def _organisation_page(organisation: Organisation, form: EraseForm, status: int = 200):
    return (
        render_template(
            "privacy/organisation.html",
            organisation=organisation,
            state=prepared.organisation_state(organisation, current_language()),
            labels=prepared.LABELS,
            consequences=erasure.organisation_consequences(organisation),
            refusal=erasure.organisation_refusal(organisation),
            people=erasure.members_of(organisation),
            form=form,
        ),
        status,
    )


@bp.get("/manage/organisations/<int:organisation_id>/data")
@login_required
def organisation(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id, can.can_manage_personal_data)
    return _organisation_page(organisation, EraseForm(formdata=None, expected=organisation.name))


@bp.post("/manage/organisations/<int:organisation_id>/data/prepare")
@login_required
def prepare_organisation_data(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id, can.can_manage_personal_data)
    back_to("privacy.organisation", organisation_id=organisation.id)
    form = _checked_form()
    file, new = prepared.ask_for_organisation(
        organisation, asked_by=signed_in_user(), language=current_language(), again=form.again.data
    )
    db.session.commit()
    flash(requested_message(file, new), "success" if new else "info")
    return redirect(url_for("privacy.organisation", organisation_id=organisation.id))


@bp.post("/manage/organisations/<int:organisation_id>/erase")
@login_required
def erase_organisation(organisation_id: int):
    organisation = load_or_404(Organisation, organisation_id, can.can_manage_personal_data)
    back_to("privacy.organisation", organisation_id=organisation.id)
    form = EraseForm(expected=organisation.name)
    if not form.validate_on_submit():
        return _organisation_page(organisation, form, 400)
    done = erasure.erase_organisation(organisation, signed_in_user())
    db.session.commit()
    erasure.remove_files(done)
    flash(_("The organisation is erased. It now appears as “%(name)s”.", name=organisation.name), "success")
    return redirect(url_for("privacy.organisation", organisation_id=organisation.id))
