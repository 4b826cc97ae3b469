"""The jury report and the exports as prepared files (app/prepared/): made by a job in the language they
were asked in, and current until the data they are drawn from changes.

The stamp digests the edition's settings and criteria, the entries' screening, the jury, the assignments
and recusals, the score sheets and the awards. What it does not see (an organisation renamed, a juror's
account edited) is what the "Prepare again" button is for.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect

from app.contests.models import Criterion, Edition
from app.db import utcnow
from app.extensions import db
from app.judging.models import Assignment, JuryMember, ScoreSheet
from app.prepared import kinds
from app.prepared.enums import PreparedKind
from app.ranking import charts, deliberation, exports, scoring
from app.ranking.awards import edition_awards, joint_places
from app.ranking.models import Award
from app.ranking.numbers import ranking_numbers
from app.ranking.scores import all_sheets, load_scores
from app.ranking.view import method_label, ranking_view
from app.submissions.models import Application

RANKING_KINDS = (PreparedKind.RANKING_CSV, PreparedKind.RANKING_XLSX)
SHEETS_KINDS = (PreparedKind.SHEETS_CSV, PreparedKind.SHEETS_XLSX)
KINDS = (*RANKING_KINDS, *SHEETS_KINDS, PreparedKind.JURY_REPORT)


def ranking_stamp(edition_id: int, parameters: dict[str, Any]) -> str:
    """Changes with anything the ranking is computed from (see the module's docstring)."""
    edition = db.session.get(Edition, edition_id)
    # Every column as stored (name_en, name_fr: not the `name` read in the page's language).
    settings = tuple(getattr(edition, column.key) for column in sa_inspect(Edition).column_attrs)
    criteria = db.session.execute(
        select(Criterion.id, Criterion.weight, Criterion.position, Criterion.name_en, Criterion.name_fr)
        .where(Criterion.edition_id == edition_id)
        .order_by(Criterion.id)
    ).all()
    entries = db.session.execute(
        select(
            func.count(Application.id), func.max(Application.updated_at), func.max(Application.screened_at)
        ).where(Application.edition_id == edition_id)
    ).one()
    in_edition = Assignment.application_id.in_(
        select(Application.id).where(Application.edition_id == edition_id).scalar_subquery()
    )
    assignments = db.session.execute(
        select(func.count(Assignment.id), func.max(Assignment.id), func.count(Assignment.recused_at)).where(
            in_edition
        )
    ).one()
    sheets = db.session.execute(
        select(func.count(ScoreSheet.id), func.max(ScoreSheet.updated_at), func.sum(ScoreSheet.version))
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .where(in_edition)
    ).one()
    jury = db.session.execute(
        select(JuryMember.id, JuryMember.is_chair)
        .where(JuryMember.edition_id == edition_id)
        .order_by(JuryMember.id)
    ).all()
    awards = db.session.execute(
        select(func.count(Award.id), func.max(Award.id), func.max(Award.decided_at)).where(
            Award.edition_id == edition_id
        )
    ).one()
    return kinds.stamp_of(
        settings, criteria, tuple(entries), tuple(assignments), tuple(sheets), jury, tuple(awards)
    )


def _edition(edition_id: int) -> Edition:
    return db.session.get(Edition, edition_id)


def _method(edition: Edition, parameters: dict[str, Any]) -> str:
    method = parameters.get("method")
    return method if method in scoring.METHODS else edition.aggregation


def _ranking_table(edition_id: int, parameters: dict[str, Any]) -> exports.Table:
    edition = _edition(edition_id)
    scores = load_scores(edition)
    return exports.ranking_table(ranking_view(scores, ranking_numbers(scores, _method(edition, parameters))))


def _sheets_table(edition_id: int) -> exports.Table:
    """Every sheet, streamed from the database as the file is written (not the ranking's counted sheets)."""
    edition = _edition(edition_id)
    criteria = tuple(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.edition_id == edition_id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    return exports.sheets_table(all_sheets(edition, criteria), criteria)


def _maker(kind: PreparedKind, mimetype: str, extension: str):
    return kinds.maker(kind, stamp=ranking_stamp, mimetype=mimetype, extension=extension)


@_maker(PreparedKind.RANKING_CSV, "text/csv", "csv")
def ranking_csv(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    exports.write_csv(_ranking_table(edition_id, parameters), out)


@_maker(PreparedKind.RANKING_XLSX, exports.XLSX_MIMETYPE, "xlsx")
def ranking_xlsx(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    exports.write_xlsx([_ranking_table(edition_id, parameters)], out)


@_maker(PreparedKind.SHEETS_CSV, "text/csv", "csv")
def sheets_csv(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    exports.write_csv(_sheets_table(edition_id), out)


@_maker(PreparedKind.SHEETS_XLSX, exports.XLSX_MIMETYPE, "xlsx")
def sheets_xlsx(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    exports.write_xlsx([_sheets_table(edition_id)], out)


def jury_report_html(edition: Edition) -> str:
    scores = load_scores(edition)
    view = ranking_view(scores, ranking_numbers(scores))
    awards = edition_awards(edition)
    return render_template(
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


@_maker(PreparedKind.JURY_REPORT, "application/pdf", "pdf")
def jury_report(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    out.write(exports.jury_report_pdf(jury_report_html(_edition(edition_id))))


LABELS = {
    PreparedKind.RANKING_CSV: _l("Ranking (CSV)"),
    PreparedKind.RANKING_XLSX: _l("Ranking (XLSX)"),
    PreparedKind.SHEETS_CSV: _l("Score sheets (CSV)"),
    PreparedKind.SHEETS_XLSX: _l("Score sheets (XLSX)"),
    PreparedKind.JURY_REPORT: _l("Jury report (PDF)"),
}


def parameters_for(kind: PreparedKind, language: str, method: str) -> dict[str, Any]:
    """What a request of this kind is made with: its language, and the method for the ranking."""
    if kind in RANKING_KINDS:
        return {"language": language, "method": method}
    return {"language": language}


def download_name(kind: PreparedKind, edition: Edition, method: str | None = None) -> str:
    if kind in RANKING_KINDS and method and method != edition.aggregation:
        return f"{edition.slug}-ranking-{method}.{kind.removeprefix('ranking_')}"
    names = {
        PreparedKind.RANKING_CSV: "ranking.csv",
        PreparedKind.RANKING_XLSX: "ranking.xlsx",
        PreparedKind.SHEETS_CSV: "score-sheets.csv",
        PreparedKind.SHEETS_XLSX: "score-sheets.xlsx",
        PreparedKind.JURY_REPORT: "jury-report.pdf",
    }
    return f"{edition.slug}-{names[kind]}"
