"""The municipality's journey (dashboard, draft, submit, withdraw, attachments) and the organiser's list."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import permissions
from app.certificates.content import distinction_label
from app.certificates.queries import certificates_for_organisation
from app.contests.enums import Phase
from app.contests.models import Edition
from app.countries import country_name, is_member_state
from app.db import utcnow
from app.extensions import db
from app.formatting import local_datetime
from app.judging.queries import juror_assignment
from app.results.queries import organisation_laureates
from app.storage import web as storage_web
from app.submissions import notifications, services, storage
from app.submissions.enums import ApplicationStatus
from app.submissions.forms import FIELD_OF_ACTION_LABELS, UploadForm, WithdrawForm, application_form
from app.submissions.models import Application, Attachment
from app.submissions.services import ApplicationValues
from app.web import page_number

bp = Blueprint("submissions", __name__)


@bp.app_template_filter("filesize")
def filesize(size: int | None) -> str:
    """'340 KB', '1.2 MB': sizes as people read them."""
    if size is None:
        return ""
    if size < 1024:
        return _("%(n)d bytes", n=size)
    if size < 1024 * 1024:
        return _("%(n)d KB", n=max(1, round(size / 1024)))
    return _("%(n).1f MB", n=size / (1024 * 1024))


def _load(application_id: int) -> Application:
    return db.get_or_404(Application, application_id)


def _require_own(application: Application) -> None:
    """Only the applicant organisation's own users change an application (403 for everyone else)."""
    if not permissions.belongs_to_organisation(current_user, application.organisation_id):
        abort(403)


def _why_locked(application: Application) -> str:
    edition = application.edition
    phase = edition.phase()
    if phase == Phase.UPCOMING:
        return _(
            "Applications to this edition open on %(date)s.",
            date=local_datetime(edition.submissions_open_at),
        )
    if phase != Phase.OPEN and request.method == "POST":
        return _(
            "The deadline passed on %(deadline)s (Strasbourg time): the application can no longer be "
            "changed. Nothing was saved.",
            deadline=local_datetime(edition.submissions_close_at),
        )
    if phase != Phase.OPEN:
        return _(
            "The deadline passed on %(deadline)s (Strasbourg time): the application can no longer be "
            "changed.",
            deadline=local_datetime(edition.submissions_close_at),
        )
    if application.status not in permissions.EDITABLE_STATUSES:
        return _("The organisers have screened this application: it can no longer be changed.")
    return _("This application cannot be changed now.")


def _refuse(application: Application, message: str | None = None):
    flash(message or _why_locked(application), "error")
    return redirect(url_for(".view", application_id=application.id))


def _back_to_attachments(application: Application):
    return redirect(url_for(".view", application_id=application.id, _anchor="attachments"))


def _render_view(application: Application, *, withdraw_form=None, submit_missing=None, status: int = 200):
    own = permissions.belongs_to_organisation(current_user, application.organisation_id)
    return (
        render_template(
            "submissions/view.html",
            application=application,
            edition=application.edition,
            own=own,
            missing=services.missing(application) if own else [],
            submit_missing=submit_missing,
            answers={answer.criterion_id: answer.text for answer in application.answers},
            field_labels=FIELD_OF_ACTION_LABELS,
            upload_form=UploadForm(formdata=None) if own else None,
            withdraw_form=withdraw_form or WithdrawForm(formdata=None),
            max_attachments=current_app.config["MAX_ATTACHMENTS"],
            max_attachment_mb=current_app.config["MAX_ATTACHMENT_MB"],
            kinds=storage.kinds_label(),
            inline_types=storage.INLINE_CONTENT_TYPES,
        ),
        status,
    )


def _render_edit(application: Application, form, *, refused_missing=None):
    return render_template(
        "submissions/edit.html",
        application=application,
        edition=application.edition,
        form=form,
        missing=services.missing(application),
        refused_missing=refused_missing,
    )


@bp.get("/my")
@login_required
def dashboard():
    if not permissions.is_applicant(current_user):
        abort(403)
    editions = services.open_editions()
    applications = services.organisation_applications(current_user.organisation_id)
    return render_template(
        "submissions/dashboard.html",
        organisation=current_user.organisation,
        editions=editions,
        upcoming=None if editions else services.next_upcoming_edition(),
        applications=applications,
        application_for={application.edition_id: application for application in applications},
        missing={application.id: services.missing(application) for application in applications},
        awards=organisation_laureates(current_user.organisation_id, applications),
        certificates=certificates_for_organisation(current_user.organisation_id),
        distinction_label=distinction_label,
    )


@bp.post("/editions/<slug>/apply")
@login_required
def start(slug: str):
    edition = db.first_or_404(select(Edition).where(Edition.slug == slug))
    if not permissions.is_applicant(current_user):
        abort(403)
    if not permissions.can_apply(current_user, edition):
        flash(_("%(edition)s does not accept applications now.", edition=edition.name), "error")
        return redirect(url_for(".dashboard"))
    application, created = services.start_application(edition, current_user.organisation, current_user)
    db.session.commit()
    if created:
        flash(
            _(
                "Your application %(reference)s is started. Save it as often as you like; "
                "submit it once everything is filled in.",
                reference=application.reference,
            ),
            "success",
        )
    else:
        flash(
            _(
                "Your organisation already has an application to this edition: %(reference)s.",
                reference=application.reference,
            ),
            "info",
        )
    target = ".edit" if permissions.can_edit_application(current_user, application) else ".view"
    return redirect(url_for(target, application_id=application.id))


@bp.route("/applications/<int:application_id>/edit", methods=["GET", "POST"])
@login_required
def edit(application_id: int):
    application = _load(application_id)
    _require_own(application)
    if not permissions.can_edit_application(current_user, application):
        return _refuse(application)
    edition = application.edition
    if request.method == "GET":
        return _render_edit(application, application_form(edition, ApplicationValues.of(application)))

    form = application_form(edition)
    if not form.validate():
        return _render_edit(application, form)
    values = form.values()
    if application.status == ApplicationStatus.SUBMITTED:
        still_missing = services.missing_items(values, edition.criteria, edition.year)
        if still_missing:
            return _render_edit(application, form, refused_missing=still_missing)
    changed = services.save_values(application, values)
    db.session.commit()
    if application.status == ApplicationStatus.SUBMITTED:
        flash(_("Your changes are saved. The application stays submitted."), "success")
    elif changed:
        flash(_("Draft saved at %(time)s.", time=local_datetime(utcnow())), "success")
    else:
        flash(_("Nothing to save: no changes since the last save."), "info")
    if request.form.get("next") == "view" or application.status == ApplicationStatus.SUBMITTED:
        return redirect(url_for(".view", application_id=application.id))
    return redirect(url_for(".edit", application_id=application.id))


@bp.get("/applications/<int:application_id>")
@login_required
def view(application_id: int):
    application = _load(application_id)
    assignment = juror_assignment(current_user, application.id)
    if not permissions.can_view_application(current_user, application, assignment):
        abort(403)
    return _render_view(application)


@bp.post("/applications/<int:application_id>/submit")
@login_required
def submit(application_id: int):
    application = _load(application_id)
    _require_own(application)
    if not permissions.can_submit_application(current_user, application):
        if permissions.can_withdraw_application(current_user, application):
            return _refuse(application, _("This application is already submitted."))
        return _refuse(application)
    still_missing = services.missing(application)
    if still_missing:
        return _render_view(application, submit_missing=still_missing)
    services.submit(application)
    notifications.notify_submitted(application, current_user)
    db.session.commit()
    return redirect(url_for(".receipt", application_id=application.id))


@bp.get("/applications/<int:application_id>/receipt")
@login_required
def receipt(application_id: int):
    application = _load(application_id)
    _require_own(application)
    if application.submitted_at is None or application.status in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.WITHDRAWN,
    ):
        return redirect(url_for(".view", application_id=application.id))
    return render_template("submissions/receipt.html", application=application, edition=application.edition)


@bp.post("/applications/<int:application_id>/withdraw")
@login_required
def withdraw(application_id: int):
    application = _load(application_id)
    _require_own(application)
    if not permissions.can_withdraw_application(current_user, application):
        if permissions.can_submit_application(current_user, application):
            return _refuse(application, _("Only a submitted application can be withdrawn."))
        return _refuse(application)
    form = WithdrawForm()
    if not form.validate():
        return _render_view(application, withdraw_form=form)
    services.withdraw(application)
    notifications.notify_withdrawn(application, current_user)
    db.session.commit()
    flash(
        _(
            "Application %(reference)s is withdrawn. You may submit it again until %(deadline)s.",
            reference=application.reference,
            deadline=local_datetime(application.edition.submissions_close_at),
        ),
        "success",
    )
    return redirect(url_for(".view", application_id=application.id))


@bp.post("/applications/<int:application_id>/attachments")
@login_required
def upload_attachment(application_id: int):
    application = _load(application_id)
    _require_own(application)
    if not permissions.can_edit_application(current_user, application):
        return _refuse(application)
    form = UploadForm()
    if not form.validate():
        for message in form.file.errors:
            flash(message, "error")
        return _back_to_attachments(application)
    limit = current_app.config["MAX_ATTACHMENTS"]
    if services.attachment_count(application.id) >= limit:
        flash(
            _("An application may have up to %(n)d files: remove one before adding another.", n=limit),
            "error",
        )
        return _back_to_attachments(application)
    try:
        stored = storage.save_upload(form.file.data.stream, form.file.data.filename)
    except storage.UploadRefused as refusal:
        flash(str(refusal), "error")
        return _back_to_attachments(application)
    try:
        services.add_attachment(application, stored, current_user)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()  # deletes the file too: no file without its row
        raise
    flash(_("“%(name)s” is attached.", name=stored.original_name), "success")
    return _back_to_attachments(application)


@bp.post("/attachments/<int:attachment_id>/delete")
@login_required
def delete_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    application = attachment.application
    _require_own(application)
    if not permissions.can_edit_application(current_user, application):
        return _refuse(application)
    name = attachment.original_name
    services.delete_attachment(attachment)
    db.session.commit()  # the file goes once the row is gone for good: a failed commit keeps both
    flash(_("“%(name)s” is removed.", name=name), "success")
    return _back_to_attachments(application)


@bp.get("/attachments/<int:attachment_id>")
@login_required
def download_attachment(attachment_id: int):
    attachment = db.get_or_404(Attachment, attachment_id)
    assignment = juror_assignment(current_user, attachment.application_id)
    if not permissions.can_download_attachment(current_user, attachment, assignment):
        abort(403)
    inline = request.args.get("inline") == "1" and attachment.content_type in storage.INLINE_CONTENT_TYPES
    try:
        return storage_web.send_stored(
            storage.AREA,
            storage.key_of(attachment.stored_name),
            mimetype=attachment.content_type,
            as_attachment=not inline,
            download_name=attachment.original_name,
            etag=attachment.sha256,
        )
    except storage_web.FileMissing:
        current_app.logger.error("attachment %s: file %s is missing", attachment.id, attachment.stored_name)
        abort(404)


@bp.get("/manage/editions/<int:edition_id>/applications")
@login_required
def organiser_list(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    if not permissions.can_list_applications(current_user, edition):
        abort(403)
    notes = []
    status = request.args.get("status", "").strip()
    if status and status not in {item.value for item in ApplicationStatus}:
        notes.append(_("Unknown status “%(value)s” ignored.", value=status[:40]))
        status = ""
    country = request.args.get("country", "").strip().upper()
    if country and not is_member_state(country):
        notes.append(_("Unknown country “%(value)s” ignored.", value=country[:40]))
        country = ""
    page, rows = services.edition_applications(edition, status or None, country or None, page_number())
    return render_template(
        "submissions/organiser_list.html",
        edition=edition,
        page=page,
        rows=rows,
        counts=services.status_counts(edition),
        countries=sorted(services.countries_of(edition), key=country_name),
        status=status,
        country=country,
        notes=notes,
    )
