"""The organiser's ranking and its exports, and the jury's deliberation (the awards)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import permissions as can
from app.contests.enums import Phase
from app.contests.models import Edition
from app.extensions import db
from app.i18n import current_language
from app.judging.queries import ListPage
from app.prepared.enums import PreparedKind
from app.prepared.forms import PrepareForm
from app.prepared.queries import file_states
from app.prepared.requests import request_file
from app.prepared.web import requested_message
from app.ranking import charts, deliberation, prepared, scoring
from app.ranking.awards import edition_awards, joint_places
from app.ranking.forms import AwardsForm, awards_form
from app.ranking.numbers import rank, ranking_numbers
from app.ranking.scores import load_scores
from app.ranking.view import method_label, ranking_view, rows_shown
from app.web import DomainError, back_to, load_or_404, page_number

bp = Blueprint("ranking", __name__)

LEADING_ENTRIES = 10  # rows of the spread chart
SEARCH_CHARS = 100  # a longer search is cut: no reference or name is that long


def _chosen_method(edition: Edition) -> str:
    method = request.args.get("method") or edition.aggregation
    return method if method in scoring.METHODS else edition.aggregation


# --- The organiser's ranking --------------------------------------------------------------------------------


@bp.get("/manage/editions/<int:edition_id>/ranking")
@login_required
def ranking(edition_id: int):
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    if request.args.get("method") and request.args["method"] not in scoring.METHODS:
        flash(_("Unknown method: the edition's own method is shown."), "warning")
    scores = load_scores(edition)
    view = ranking_view(scores, ranking_numbers(scores, _chosen_method(edition)))
    asked = page_number()
    shown = rows_shown(
        view, asked, request.args.get("flagged") == "1", request.args.get("q", "")[:SEARCH_CHARS]
    )
    if asked > shown.pages:
        flash(_("There is no page %(page)d: the last page is shown.", page=asked), "warning")
    awards = edition_awards(edition)
    language = current_language()
    files = file_states(
        edition.id, [(kind, prepared.parameters_for(kind, language, view.method)) for kind in prepared.KINDS]
    )
    leading = max(LEADING_ENTRIES, edition.prizes_count + 3)
    return render_template(
        "ranking/ranking.html",
        edition=edition,
        view=view,
        shown=shown,
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
        files=files,
        file_labels=prepared.LABELS,
    )


@bp.post("/manage/editions/<int:edition_id>/files")
@login_required
def prepare_file(edition_id: int):
    """Ask for the jury report or an export: a job prepares it, the ranking page offers it once ready."""
    edition = load_or_404(Edition, edition_id, can.can_view_ranking)
    form = PrepareForm()
    method = request.form.get("method") or edition.aggregation
    back_to("ranking.ranking", edition_id=edition.id, method=method if method in scoring.METHODS else None)
    if not form.validate_on_submit() or form.kind.data not in prepared.KINDS:
        raise DomainError(_("This file cannot be prepared: reload the page and try again."))
    if method not in scoring.METHODS:
        raise DomainError(_("Unknown method: reload the page and try again."))
    kind = PreparedKind(form.kind.data)
    file, new = request_file(
        kind,
        edition.id,
        parameters=prepared.parameters_for(kind, current_language(), method),
        download_name=prepared.download_name(kind, edition, method),
        user_id=current_user.id,
        again=form.again.data,
    )
    db.session.commit()
    flash(requested_message(file, new), "info")
    return redirect(url_for("ranking.ranking", edition_id=edition.id, method=method, _anchor="files"))


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
    answered = _posted_entry_ids(scores.entries) if request.method == "POST" else None
    shown = _shown_entries(ranking, decisions, page_number(), also=answered or ())
    form = awards_form(
        [scores.entries[entry_id] for entry_id in shown.entry_ids if entry_id in scores.entries],
        edition.prizes_count,
        decisions,
        justification,
    )
    # Only the entries the page showed are decided by the form; the others keep their recorded award.
    answered = set(form.entry_ids if answered is None else answered)
    kept = [
        decision
        for entry_id, decision in deliberation.current_decisions(current).items()
        if entry_id not in answered and entry_id in scores.entries
    ]
    problems: list[str] = []
    if request.method == "POST":
        if not (may_record and deliberating):
            abort(403)
        if form.validate_on_submit():
            try:
                changed = deliberation.record_awards(
                    edition,
                    scores,
                    _answered(form, answered) + kept,
                    form.justification.data or "",
                    current_user,
                )
            except deliberation.DecisionRefused as refused:
                db.session.rollback()
                problems = refused.problems
            else:
                db.session.commit()
                flash(_("The awards are saved.") if changed else _("Nothing changed."), "success")
                return redirect(url_for("ranking.awards", edition_id=edition.id))
    decided = _answered(form, answered) + kept
    return _render_awards(
        edition, scores, ranking, current, form, decided, shown, problems, may_record and deliberating
    )


AWARDS_PER_PAGE = 50  # entries of the awards form beyond those always shown


@dataclass(frozen=True)
class ShownEntries:
    """The entries the awards form holds: those always shown (the computed podium, the entries with a
    decision, the flagged ones: fewer sheets than the minimum), then one page of the others, in rank order."""

    leading: tuple[int, ...]
    page: ListPage

    @property
    def entry_ids(self) -> tuple[int, ...]:
        return self.leading + tuple(self.page.items)


def _posted_entry_ids(entries) -> list[int] | None:
    """The entries whose fields the posted page showed (its `shown_entries` field), None when not sent."""
    sent = request.form.get("shown_entries")
    if sent is None:
        return None
    ids = {int(part) for part in sent.split(",") if part.strip().isdigit() and len(part.strip()) < 12}
    return [entry_id for entry_id in entries if entry_id in ids]


def _answered(form: AwardsForm, answered: set[int]) -> list:
    return [decision for decision in form.decisions() if decision.application_id in answered]


def _shown_entries(ranking, decisions, page: int, also=()) -> ShownEntries:
    """`also`: entries a posted page showed, kept in the form when it is shown again."""
    if not ranking:
        return ShownEntries(tuple(dict.fromkeys([*decisions, *also])), ListPage([], 1, AWARDS_PER_PAGE, 0))
    ranked = {row.entry_id for row in ranking.rows}
    wanted = set(decisions) | set(also)
    leading = tuple(
        row.entry_id
        for row in ranking.rows
        if row.on_podium or row.below_min_sheets or row.entry_id in wanted
    ) + tuple(entry_id for entry_id in wanted if entry_id not in ranked)
    always = set(leading)
    others = [row.entry_id for row in ranking.rows if row.entry_id not in always]
    first = (page - 1) * AWARDS_PER_PAGE
    return ShownEntries(
        leading, ListPage(others[first : first + AWARDS_PER_PAGE], page, AWARDS_PER_PAGE, len(others))
    )


def _render_awards(
    edition,
    scores,
    ranking,
    current,
    form: AwardsForm,
    decided,
    shown: ShownEntries,
    problems,
    editable: bool,
):
    rows_by_id = {row.entry_id: row for row in ranking.rows} if ranking else {}

    # The names are read a moment apart from the kept ranking: an entry screened out in between is left out.
    def rows(entry_ids):
        return [
            (scores.entries[i], rows_by_id[i]) for i in entry_ids if i in rows_by_id and i in scores.entries
        ]

    departs = deliberation.departures(ranking, decided, scores.entries) if ranking else []
    return render_template(
        "ranking/awards.html",
        edition=edition,
        form=form,
        rows=rows(shown.leading),
        other_rows=rows(shown.page.items),
        others=shown.page,
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
