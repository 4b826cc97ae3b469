"""The organiser's ranking and exports, the jury's deliberation, publication, and the public results."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions
from app.contests.enums import Phase
from app.contests.models import Edition
from app.contests.services import (
    edition_by_slug,
    local_time_exists,
    local_to_utc,
    results_are_public,
    utc_to_local,
)
from app.countries import country_name
from app.db import utcnow
from app.extensions import db
from app.links import external_url
from app.ranking import charts, exports, scoring, services
from app.ranking.forms import AwardsForm, PublishForm, ScheduleForm, awards_form

bp = Blueprint("ranking", __name__)

LEADING_ENTRIES = 10  # rows of the spread chart
API_CACHE = "public, max-age=300"


def _edition_for_organiser(edition_id: int) -> Edition:
    edition = db.get_or_404(Edition, edition_id)
    if not permissions.can_view_ranking(current_user, edition):
        abort(403)
    return edition


def _chosen_method(edition: Edition) -> str:
    method = request.args.get("method") or edition.aggregation
    return method if method in scoring.METHODS else edition.aggregation


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- The organiser's ranking --------------------------------------------------------------------------------


@bp.get("/manage/editions/<int:edition_id>/ranking")
@login_required
def ranking(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    if request.args.get("method") and request.args["method"] not in scoring.METHODS:
        flash(_("Unknown method: the edition's own method is shown."), "warning")
    view = services.ranking_view(services.load_scores(edition), _chosen_method(edition))
    awards = services.edition_awards(edition)
    return render_template(
        "ranking/ranking.html",
        edition=edition,
        view=view,
        methods=scoring.METHODS,
        method_label=services.method_label,
        juror_chart=charts.juror_chart(view),
        entries_chart=charts.entries_chart(view, max(LEADING_ENTRIES, edition.prizes_count + 3)),
        leniency_tone=charts.leniency_tone,
        signed=charts.signed,
        awards=awards,
        joint=services.joint_places(awards),
        phase=edition.phase(),
        Phase=Phase,
    )


@bp.get("/manage/editions/<int:edition_id>/ranking.csv")
@login_required
def ranking_csv(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    view = services.ranking_view(services.load_scores(edition), _chosen_method(edition))
    return _download(exports.to_csv(exports.ranking_table(view)), "text/csv", f"{edition.slug}-ranking.csv")


@bp.get("/manage/editions/<int:edition_id>/ranking.xlsx")
@login_required
def ranking_xlsx(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    view = services.ranking_view(services.load_scores(edition), _chosen_method(edition))
    content = exports.to_xlsx([exports.ranking_table(view)])
    return _download(content, exports.XLSX_MIMETYPE, f"{edition.slug}-ranking.xlsx")


def _sheets_table(edition: Edition) -> exports.Table:
    scores = services.load_scores(edition)
    return exports.sheets_table(services.all_sheets(edition, scores.criteria), scores.criteria)


@bp.get("/manage/editions/<int:edition_id>/sheets.csv")
@login_required
def sheets_csv(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    return _download(exports.to_csv(_sheets_table(edition)), "text/csv", f"{edition.slug}-score-sheets.csv")


@bp.get("/manage/editions/<int:edition_id>/sheets.xlsx")
@login_required
def sheets_xlsx(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    content = exports.to_xlsx([_sheets_table(edition)])
    return _download(content, exports.XLSX_MIMETYPE, f"{edition.slug}-score-sheets.xlsx")


@bp.get("/manage/editions/<int:edition_id>/jury-report.pdf")
@login_required
def jury_report(edition_id: int):
    edition = _edition_for_organiser(edition_id)
    view = services.ranking_view(services.load_scores(edition))
    awards = services.edition_awards(edition)
    html = render_template(
        "ranking/jury_report.html",
        edition=edition,
        view=view,
        methods=scoring.METHODS,
        method_label=services.method_label,
        ordinal=services.ordinal,
        awards=awards,
        joint=services.joint_places(awards),
        justifications=sorted({a.justification for a in awards if a.justification}),
        departures=services.departures(
            view.ranking, services.current_decisions(awards).values(), view.scores.entries
        )
        if view.ranking
        else [],
        # The report's font has no minus sign (U+2212): negative numbers take the hyphen-minus.
        juror_chart=charts.juror_chart(view, font_family="Report Serif", minus="-"),
        signed=lambda value: charts.signed(value, minus="-"),
        leniency_tone=charts.leniency_tone,
        generated_at=utcnow(),
    )
    return _download(exports.jury_report_pdf(html), "application/pdf", f"{edition.slug}-jury-report.pdf")


# --- Deliberation -------------------------------------------------------------------------------------------


@bp.route("/manage/editions/<int:edition_id>/awards", methods=["GET", "POST"])
@login_required
def awards(edition_id: int):
    edition = db.get_or_404(Edition, edition_id)
    is_chair = services.is_jury_chair(current_user, edition)
    may_record = permissions.can_record_awards(current_user, edition, is_chair)
    if not (may_record or permissions.can_view_ranking(current_user, edition)):
        abort(403)
    deliberating = edition.phase() == Phase.DELIBERATION
    scores = services.load_scores(edition)
    ranking = services.rank(scores)
    current = services.edition_awards(edition)
    decisions = services.current_decisions(current) or (
        services.proposed_decisions(ranking) if ranking else {}
    )
    justification = current[0].justification if current else ""
    form = awards_form(scores.entries.values(), edition.prizes_count, decisions, justification)
    problems: list[str] = []
    if request.method == "POST":
        if not (may_record and deliberating):
            abort(403)
        if form.validate_on_submit():
            try:
                changed = services.record_awards(
                    edition, scores, form.decisions(), form.justification.data or "", current_user
                )
            except services.DecisionRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                db.session.commit()
                flash(_("The awards are saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("ranking.awards", edition_id=edition.id))
    return _render_awards(edition, scores, ranking, current, form, problems, may_record and deliberating)


def _render_awards(edition, scores, ranking, current, form: AwardsForm, problems, editable: bool):
    rows = [(scores.entries[row.entry_id], row) for row in ranking.rows] if ranking else []
    departs = services.departures(ranking, form.decisions(), scores.entries) if ranking else []
    return render_template(
        "ranking/awards.html",
        edition=edition,
        form=form,
        rows=rows,
        ranking=ranking,
        awards=current,
        joint=services.joint_places(current),
        problems=problems,
        departures=departs,
        editable=editable,
        proposed=not current,
        phase=edition.phase(),
        Phase=Phase,
        method_label=services.method_label,
        ordinal=services.ordinal,
    )


# --- Publication --------------------------------------------------------------------------------------------


def _edition_for_publisher(edition_id: int) -> Edition:
    edition = db.get_or_404(Edition, edition_id)
    if not permissions.can_manage_edition(current_user, edition):
        abort(403)
    return edition


@bp.get("/manage/editions/<int:edition_id>/publication")
@login_required
def publication(edition_id: int):
    edition = _edition_for_publisher(edition_id)
    plan = services.publication_plan(edition)
    publish_form = PublishForm(
        data={
            "certificate_language": plan.certificate_language,
            "participation": plan.participation_certificates,
        }
    )
    schedule_form = ScheduleForm(
        data={
            "publish_at": utc_to_local(edition.results_publish_at),
            "certificate_language": plan.certificate_language,
            "participation": plan.participation_certificates,
        }
    )
    return _render_publication(edition, publish_form, schedule_form)


def _render_publication(edition: Edition, publish_form: PublishForm, schedule_form: ScheduleForm, status=200):
    awards = services.edition_awards(edition)
    return (
        render_template(
            "ranking/publication.html",
            edition=edition,
            awards=awards,
            joint=services.joint_places(awards),
            problems=[] if edition.is_published else services.publication_problems(edition),
            publish_form=publish_form,
            schedule_form=schedule_form,
            phase=edition.phase(),
            Phase=Phase,
        ),
        status,
    )


@bp.post("/manage/editions/<int:edition_id>/publication/publish")
@login_required
def publish(edition_id: int):
    edition = _edition_for_publisher(edition_id)
    if edition.is_published:
        flash(_("The results were already published: nothing changed."), "info")
        return redirect(url_for("ranking.publication", edition_id=edition.id))
    form = PublishForm()
    if not form.validate_on_submit():
        return _render_publication(edition, form, ScheduleForm(formdata=None), status=400)
    try:
        result = services.publish_results(
            edition,
            language=form.certificate_language.data,
            participation=form.participation.data,
            actor=current_user,
        )
    except services.NotReady as not_ready:
        flash(str(not_ready), "error")
        return redirect(url_for("ranking.publication", edition_id=edition.id))
    except Exception:
        # publish_results has rolled everything back and removed the files it wrote.
        current_app.logger.exception("publishing the results of %s failed", edition.slug)
        flash(
            _("The publication failed and nothing was published. The error is logged; please try again."),
            "error",
        )
        return redirect(url_for("ranking.publication", edition_id=edition.id))
    if result.published:
        flash(
            _(
                "The results are published: %(certificates)d certificates issued, %(emails)d emails sent.",
                certificates=result.certificates,
                emails=result.emails,
            ),
            "success",
        )
    else:
        flash(_("The results were already published: nothing changed."), "info")
    return redirect(url_for("ranking.publication", edition_id=edition.id))


@bp.post("/manage/editions/<int:edition_id>/publication/schedule")
@login_required
def schedule(edition_id: int):
    edition = _edition_for_publisher(edition_id)
    if not permissions.can_publish_results(current_user, edition):
        flash(_("The results are already published: there is nothing to schedule."), "info")
        return redirect(url_for("ranking.publication", edition_id=edition.id))
    form = ScheduleForm()
    if form.validate_on_submit():
        local = form.publish_at.data
        when = local_to_utc(local) if local else None
        if local and not local_time_exists(local):
            form.publish_at.errors.append(
                _("This time does not exist in Strasbourg (the clocks go forward).")
            )
        elif when is not None and when <= utcnow():
            form.publish_at.errors.append(_("Choose a time in the future, or publish now."))
        elif when is not None and when < edition.judging_close_at:
            form.publish_at.errors.append(_("Choose a time after judging closes."))
        else:
            services.schedule_publication(
                edition,
                when,
                language=form.certificate_language.data,
                participation=form.participation.data,
                actor=current_user,
            )
            db.session.commit()
            if when:
                flash(_("The results will be published automatically at the time you chose."), "success")
            else:
                flash(_("No publication is scheduled any more."), "success")
            return redirect(url_for("ranking.publication", edition_id=edition.id))
    return _render_publication(edition, PublishForm(formdata=None), form, status=400)


# --- Public results ----------------------------------------------------------------------------------------


def _public_edition(slug: str) -> Edition | None:
    edition = edition_by_slug(slug)
    return edition if edition is not None and results_are_public(edition) else None


@bp.get("/editions/<slug>/results")
def public_results(slug: str):
    edition = _public_edition(slug)
    if edition is None:
        abort(404)
    return render_template(
        "ranking/results.html", edition=edition, laureates=services.public_laureates(edition)
    )


@bp.get("/api/editions")
def api_editions():
    editions = services.public_editions()
    return _json({"editions": [{"slug": e.slug, "name": e.name, "year": e.year} for e in editions]})


@bp.get("/api/editions/<slug>/results")
def api_results(slug: str):
    """The laureates of a published edition. Special mentions are left out: `place` is always a number."""
    edition = _public_edition(slug)
    if edition is None:
        return _json({"error": "not_found", "message": _("No published results for this edition.")}, 404)
    laureates = [
        {
            "place": laureate.place,
            "joint": laureate.joint,
            "organisation": laureate.organisation,
            "country": country_name(laureate.country),
            "project_title": laureate.project_title,
            "citation": laureate.citation,
            "certificate_url": _certificate_url("certificates.download", laureate),
            "verification_url": _certificate_url("certificates.verify", laureate),
        }
        for laureate in services.public_laureates(edition)
        if laureate.place is not None
    ]
    return _json(
        {
            "edition": {
                "slug": edition.slug,
                "name": edition.name,
                "year": edition.year,
                "ceremony_date": edition.ceremony_date.isoformat() if edition.ceremony_date else None,
                "ceremony_place": edition.ceremony_place,
            },
            "laureates": laureates,
        }
    )


def _json(data: dict, status: int = 200) -> Response:
    """JSON in the order written here (jsonify sorts keys); public and cacheable when found."""
    response = Response(json.dumps(data, ensure_ascii=False), status=status, mimetype="application/json")
    if status == 200:
        response.headers["Cache-Control"] = API_CACHE
    return response


def _certificate_url(endpoint: str, laureate: services.PublicLaureate) -> str | None:
    if laureate.certificate is None:
        return None
    return external_url(endpoint, code=laureate.certificate.verification_code)
