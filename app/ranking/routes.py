"""The organiser's ranking and its exports, and the jury's deliberation (the awards)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions as can
from app.contests.enums import Phase
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.ranking import charts, deliberation, exports, scoring
from app.ranking.awards import edition_awards, joint_places
from app.ranking.forms import AwardsForm, awards_form
from app.ranking.scores import all_sheets, load_scores, rank
from app.ranking.view import method_label, ranking_view
from app.web import load_or_404

bp = Blueprint("ranking", __name__)

LEADING_ENTRIES = 10  # rows of the spread chart


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
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    if request.args.get("method") and request.args["method"] not in scoring.METHODS:
        flash(_("Unknown method: the edition's own method is shown."), "warning")
    view = ranking_view(load_scores(edition), _chosen_method(edition))
    awards = edition_awards(edition)
    leading = max(LEADING_ENTRIES, edition.prizes_count + 3)
    return render_template(
        "ranking/ranking.html",
        edition=edition,
        view=view,
        methods=scoring.METHODS,
        method_label=method_label,
        juror_chart=charts.juror_chart(view),
        juror_chart_compact=charts.juror_chart(view, compact=True),
        entries_chart=charts.entries_chart(view, leading),
        entries_chart_compact=charts.entries_chart(view, leading, compact=True),
        leading_rows=charts.leading_rows(view, leading),
        leniency_tone=charts.leniency_tone,
        signed=charts.signed,
        awards=awards,
        joint=joint_places(awards),
        phase=edition.phase(),
        Phase=Phase,
    )


@bp.get("/manage/editions/<int:edition_id>/ranking.csv")
@login_required
def ranking_csv(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    view = ranking_view(load_scores(edition), _chosen_method(edition))
    return _download(exports.to_csv(exports.ranking_table(view)), "text/csv", f"{edition.slug}-ranking.csv")


@bp.get("/manage/editions/<int:edition_id>/ranking.xlsx")
@login_required
def ranking_xlsx(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    view = ranking_view(load_scores(edition), _chosen_method(edition))
    content = exports.to_xlsx([exports.ranking_table(view)])
    return _download(content, exports.XLSX_MIMETYPE, f"{edition.slug}-ranking.xlsx")


def _sheets_table(edition: Edition) -> exports.Table:
    scores = load_scores(edition)
    return exports.sheets_table(all_sheets(edition, scores.criteria), scores.criteria)


@bp.get("/manage/editions/<int:edition_id>/sheets.csv")
@login_required
def sheets_csv(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    return _download(exports.to_csv(_sheets_table(edition)), "text/csv", f"{edition.slug}-score-sheets.csv")


@bp.get("/manage/editions/<int:edition_id>/sheets.xlsx")
@login_required
def sheets_xlsx(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    content = exports.to_xlsx([_sheets_table(edition)])
    return _download(content, exports.XLSX_MIMETYPE, f"{edition.slug}-score-sheets.xlsx")


@bp.get("/manage/editions/<int:edition_id>/jury-report.pdf")
@login_required
def jury_report(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    view = ranking_view(load_scores(edition))
    awards = edition_awards(edition)
    html = render_template(
        "ranking/jury_report.html",
        edition=edition,
        view=view,
        methods=scoring.METHODS,
        method_label=method_label,
        awards=awards,
        joint=joint_places(awards),
        justifications=sorted({a.justification for a in awards if a.justification}),
        departures=deliberation.departures(
            view.ranking, deliberation.current_decisions(awards).values(), view.scores.entries
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
    edition = load_or_404(Edition, edition_id)
    is_chair = deliberation.is_jury_chair(current_user, edition)
    may_record = can.can_record_awards(current_user, edition, is_chair)
    if not (may_record or can.can_view_ranking(current_user, edition)):
        abort(403)
    deliberating = edition.phase() == Phase.DELIBERATION
    scores = load_scores(edition)
    ranking = rank(scores)
    current = edition_awards(edition)
    decisions = deliberation.current_decisions(current) or (
        deliberation.proposed_decisions(ranking) if ranking else {}
    )
    justification = current[0].justification if current else ""
    form = awards_form(scores.entries.values(), edition.prizes_count, decisions, justification)
    problems: list[str] = []
    if request.method == "POST":
        if not (may_record and deliberating):
            abort(403)
        if form.validate_on_submit():
            try:
                changed = deliberation.record_awards(
                    edition, scores, form.decisions(), form.justification.data or "", current_user
                )
            except deliberation.DecisionRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                db.session.commit()
                flash(_("The awards are saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("ranking.awards", edition_id=edition.id))
    return _render_awards(edition, scores, ranking, current, form, problems, may_record and deliberating)


def _render_awards(edition, scores, ranking, current, form: AwardsForm, problems, editable: bool):
    rows = [(scores.entries[row.entry_id], row) for row in ranking.rows] if ranking else []
    departs = deliberation.departures(ranking, form.decisions(), scores.entries) if ranking else []
    return render_template(
        "ranking/awards.html",
        edition=edition,
        form=form,
        rows=rows,
        ranking=ranking,
        awards=current,
        joint=joint_places(current),
        problems=problems,
        departures=departs,
        editable=editable,
        proposed=not current,
        phase=edition.phase(),
        Phase=Phase,
        method_label=method_label,
    )
