"""Certificates: public verification, downloads for laureates and organisers, the organisers' list."""

from __future__ import annotations

import functools
import io
import re

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import permissions as can
from app.caching import public_page
from app.certificates.content import (
    DEFAULT_SIGNATORIES,
    WORDING,
    ceremony_place,
    content_of,
    distinction,
    distinction_label,
    download_name,
    edition_name,
    place_text,
    prize_name,
)
from app.certificates.design import design_of, sample_content, save_design
from app.certificates.enums import CertificateKind, CertificateLanguage
from app.certificates.files import AREA as CERTIFICATE_AREA
from app.certificates.files import CertificateFileProblem, checked_copy, file_problem
from app.certificates.files import verify as verify_file
from app.certificates.forms import LANGUAGE_LABELS, DesignForm, IssueForm, RetryForm, RevokeForm, VerifyForm
from app.certificates.issue import issue_certificates, issue_problems, revoke_certificate, signatories
from app.certificates.jobs import retry_failed
from app.certificates.look import DEFAULT_ACCENT
from app.certificates.models import MAX_SIGNATORIES, Certificate, CertificateDesign
from app.certificates.pdf import render_certificate
from app.certificates.prepared import zip_name
from app.certificates.progress import progress_view
from app.certificates.queries import certificate_by_code, edition_certificates, issue_counts
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db, limiter, login_manager
from app.formatting import display_zone
from app.i18n import current_language
from app.prepared.enums import PreparedKind
from app.prepared.forms import PrepareForm
from app.prepared.queries import file_states
from app.prepared.requests import request_file
from app.prepared.web import requested_message
from app.results.models import PublicationPlan
from app.storage import web as storage_web
from app.web import DomainError, back_to, load_or_404

bp = Blueprint("certificates", __name__)

# Codes are 128 random bits: the limit keeps the page cheap, guessing was never an option anyway.
VERIFY_LIMIT = "120 per minute"


def _public_certificate(code: str) -> Certificate:
    """The certificate with this code if its edition's results are public; 404 otherwise, for everyone."""
    certificate = certificate_by_code(code)
    if certificate is None or not certificate.edition.results_are_public:
        abort(404)
    return certificate


# --- Public verification -----------------------------------------------------------------------------------


HEX_CODE = re.compile(r"[0-9A-Fa-f]{32}")


def _code_from(text: str) -> str:
    """The code from what was typed or pasted: the code itself, or the whole address under the QR code."""
    text = "".join(text.split())
    code = text.rstrip("/").rsplit("/", 1)[-1]
    # Codes are lowercase hex; a code read aloud or retyped from print often comes back in capitals.
    return code.lower() if HEX_CODE.fullmatch(code) else code


@bp.get("/verify")
@limiter.limit(VERIFY_LIMIT)
def verify_form():
    form = VerifyForm(formdata=request.args if "code" in request.args else None)
    if "code" in request.args and form.validate() and (code := _code_from(form.code.data)):
        return redirect(url_for(".verify", code=code))
    return render_template("certificates/verify_form.html", form=form)


@bp.get("/verify/<code>")
@limiter.limit(VERIFY_LIMIT)
@public_page  # a published certificate's page is public; an unknown code's 404 is not kept
def verify(code: str):
    certificate = certificate_by_code(code)
    if certificate is None or not certificate.edition.results_are_public:
        # The same page for every unknown code, whatever it looks like: nothing to learn from it.
        form = VerifyForm(formdata=None)
        return render_template("certificates/verify_form.html", form=form, unknown=True), 404
    content = content_of(certificate)
    language = current_language()
    return render_template(
        "certificates/verify.html",
        certificate=certificate,
        content=content,
        distinction=distinction(content, language),
        place=place_text(content, language),
        country=content.country_name_fr if language == "fr" else content.country_name,
        prize_name=prize_name(content, language),
        edition_name=edition_name(content, language),
        ceremony_place=ceremony_place(content, language),
        language_label=LANGUAGE_LABELS[certificate.language],
        form=VerifyForm(formdata=None),
    )


# --- Downloads ---------------------------------------------------------------------------------------------


def _unavailable(certificate: Certificate, reason: str, status: int):
    return render_template("certificates/unavailable.html", certificate=certificate, reason=reason), status


@bp.get("/certificates/<code>.pdf")
def download(code: str):
    certificate = _public_certificate(code)
    if not can.can_download_certificate(current_user, certificate):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        abort(403)
    if certificate.revoked_at is not None:
        return _unavailable(certificate, "revoked", 410)
    if not certificate.is_ready:
        # Being rendered (or failed, and the organisers see why): not an error of the file.
        page, status = _unavailable(certificate, certificate.status, 503)
        return page, status, {"Retry-After": "30"}
    headers = {"mimetype": "application/pdf", "download_name": download_name(certificate)}
    try:
        if storage_web.presigning(CERTIFICATE_AREA):
            verify_file(certificate)  # the store's URL is handed out only for a file that matches its record
            return storage_web.presigned(CERTIFICATE_AREA, certificate.file_name, **headers)
        copy = checked_copy(certificate)
    except CertificateFileProblem as problem:
        return _unavailable(certificate, problem.reason, 409 if problem.reason == "altered" else 410)
    # The bytes just checked are the bytes sent: never rendered again, never read twice.
    return storage_web.send_stream(copy, size=None, etag=certificate.sha256, **headers)


# --- The organisers' list ----------------------------------------------------------------------------------


def _issue_form(edition: Edition, certificates: list[Certificate]) -> IssueForm:
    """Pre-filled with the choices of the publication, or of the certificates already issued."""
    plan = db.session.get(PublicationPlan, edition.id)
    if certificates:
        language = certificates[0].language
    else:
        language = plan.certificate_language if plan else CertificateLanguage.ENGLISH
    participation = any(c.kind == CertificateKind.PARTICIPATION for c in certificates) or bool(
        plan and plan.participation_certificates
    )
    return IssueForm(formdata=None, language=language, participation=participation)


def _render_list(edition: Edition, form: IssueForm | None = None, status: int = 200):
    certificates = edition_certificates(edition)
    return render_template(
        "certificates/edition_list.html",
        edition=edition,
        certificates=certificates,
        file_problems={c.id: file_problem(c) for c in certificates if c.is_ready},
        progress=progress_view(edition.id),
        retry_form=RetryForm(),
        counts=issue_counts(edition),
        problems=issue_problems(edition),
        form=form or _issue_form(edition, certificates),
        language_labels=LANGUAGE_LABELS,
        label=functools.partial(distinction_label, language=current_language()),
        zip_file=file_states(edition.id, [(PreparedKind.CERTIFICATES_ZIP, {})])[0] if certificates else None,
    ), status


@bp.get("/manage/editions/<int:edition_id>/certificates")
@login_required
def edition_list(edition_id: int):
    return _render_list(load_or_404(Edition, edition_id, can.can_manage_edition))


@bp.post("/manage/editions/<int:edition_id>/certificates")
@login_required
def issue(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_issue_certificates)
    form = IssueForm()
    if not form.validate():
        return _render_list(edition, form, 400)
    if problems := issue_problems(edition):
        for problem in problems:
            flash(problem, "error")
        return _render_list(edition, form, 409)
    certificates = issue_certificates(
        edition, participation=form.participation.data, language=form.language.data, actor=current_user
    )
    db.session.commit()
    reissued = sum(1 for c in certificates if c.reissued_at is not None)
    flash(
        ngettext(
            "%(num)d certificate recorded: its file is being made",
            "%(num)d certificates recorded: their files are being made",
            len(certificates),
        )
        + (" " + _("(%(n)d of them reissued under their code).", n=reissued) if reissued else "."),
        "success",
    )
    return redirect(url_for(".edition_list", edition_id=edition.id))


@bp.get("/manage/editions/<int:edition_id>/certificates/progress")
@login_required
def progress(edition_id: int):
    """Where the edition's certificate files stand, as JSON, for the progress bar."""
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    response = jsonify(progress_view(edition.id).as_json())
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/manage/editions/<int:edition_id>/certificates/retry")
@login_required
def retry(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_issue_certificates)
    back = url_for(".edition_list", edition_id=edition.id)
    if _same_site(request.referrer):
        back = request.referrer
    if not RetryForm().validate_on_submit():
        flash(_("The form had expired: please try again."), "error")
        return redirect(back)
    count = retry_failed(edition.id)
    db.session.commit()
    if count:
        flash(
            ngettext(
                "%(num)d certificate will be rendered again.",
                "%(num)d certificates will be rendered again.",
                count,
            ),
            "success",
        )
    else:
        flash(_("No certificate had failed: nothing to retry."), "info")
    return redirect(back)


def _same_site(url: str | None) -> bool:
    return bool(url) and url.startswith(request.host_url)


@bp.post("/manage/editions/<int:edition_id>/certificates/zip")
@login_required
def prepare_zip(edition_id: int):
    """Ask for the certificates' ZIP: a job prepares it, the list offers it once ready."""
    edition = load_or_404(Edition, edition_id, can.can_manage_edition)
    back_to(".edition_list", edition_id=edition.id)
    form = PrepareForm()
    if not form.validate_on_submit() or form.kind.data != PreparedKind.CERTIFICATES_ZIP:
        raise DomainError(_("This file cannot be prepared: reload the page and try again."))
    file, new = request_file(
        PreparedKind.CERTIFICATES_ZIP,
        edition.id,
        parameters={},
        download_name=zip_name(edition),
        user_id=current_user.id,
        again=form.again.data,
    )
    db.session.commit()
    flash(requested_message(file, new), "info")
    return redirect(url_for(".edition_list", edition_id=edition.id, _anchor="files"))


@bp.route("/manage/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@login_required
def revoke(certificate_id: int):
    certificate = load_or_404(Certificate, certificate_id, can.can_manage_certificate)
    back = url_for(".edition_list", edition_id=certificate.edition_id)
    if certificate.revoked_at is not None:
        flash(_("This certificate is already revoked."), "info")
        return redirect(back)
    if not can.can_revoke_certificate(current_user, certificate):
        abort(403)
    form = RevokeForm()
    if form.validate_on_submit():
        revoke_certificate(certificate, actor=current_user)
        db.session.commit()
        flash(
            _(
                "The certificate of %(name)s is revoked: its verification page now says so.",
                name=certificate.content.get("organisation_name", ""),
            ),
            "success",
        )
        return redirect(back)
    status = 400 if form.is_submitted() else 200
    return render_template("certificates/revoke.html", certificate=certificate, form=form, back=back), status


# --- The certificate design of an edition -------------------------------------------------------------------


def _design_data(design: CertificateDesign | None) -> dict:
    """The form's values from the saved design (or the default one)."""
    rows = {s.position: s for s in design.signatories} if design else {}
    texts = {
        name: getattr(design, name) if design else ""
        for name in (
            "awarding_body_en",
            "awarding_body_fr",
            "prize_name_en",
            "prize_name_fr",
            "logo_text_en",
            "logo_text_fr",
        )
    }
    return {
        **texts,
        "accent_colour": design.accent_colour if design else DEFAULT_ACCENT,
        "signatories": [
            {
                "name": row.name if row else "",
                "title_en": row.title_en if row else "",
                "title_fr": row.title_fr if row else "",
            }
            for row in (rows.get(position) for position in range(1, MAX_SIGNATORIES + 1))
        ],
    }


@bp.route("/manage/editions/<int:edition_id>/certificate-design", methods=["GET", "POST"])
@login_required
def design(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_design_certificates)
    saved = design_of(edition)
    form = DesignForm(data=_design_data(saved)) if request.method == "GET" else DesignForm()
    if form.validate_on_submit():
        changed = save_design(edition, form.values(), actor=current_user)
        db.session.commit()
        flash(_("The certificate design is saved.") if changed else _("Nothing changed."), "success")
        return redirect(url_for(".design", edition_id=edition.id))
    return render_template(
        "certificates/design.html",
        edition=edition,
        form=form,
        design=saved,
        current_signatories={s.position: s for s in saved.signatories} if saved else {},
        configured=signatories("fr" if current_language() == "fr" else "en"),
        configured_lang="fr" if current_language() == "fr" else "en",
        wording=WORDING,
        example_titles=DEFAULT_SIGNATORIES[-1][1:],  # the jury's chair, in English and French
        preview_languages=LANGUAGE_LABELS,
    ), 400 if form.is_submitted() else 200


@bp.get("/manage/editions/<int:edition_id>/certificate-design/preview.pdf")
@login_required
def design_preview(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_design_certificates)
    language = request.args.get("language", "en")
    if language not in LANGUAGE_LABELS:
        abort(404)
    saved = design_of(edition)
    content = sample_content(
        edition, language, saved, signatories(language, saved), now=utcnow().astimezone(display_zone())
    )
    response = send_file(
        io.BytesIO(render_certificate(content)),
        mimetype="application/pdf",
        download_name=f"{edition.slug}-certificate-preview-{language}.pdf",
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
