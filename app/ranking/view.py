"""What the organiser's ranking page (and the jury report) shows: the ranking with its reasons in words.

View dataclasses over `scores.EditionScores` (names, read on every view) and `numbers.RankingNumbers` (the
cached numbers); no queries of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.formatting import page_ordinal
from app.ranking import scoring
from app.ranking.numbers import RankingNumbers
from app.ranking.panel import PanelStats
from app.ranking.scores import EditionScores, Entry, Juror

METHOD_LABELS = {
    scoring.MEAN: _l("mean"),
    scoring.MEDIAN: _l("median"),
    scoring.TRIMMED_MEAN: _l("trimmed mean"),
    scoring.ZSCORE: _l("z-scores"),
}


def method_label(method: str) -> str:
    return str(METHOD_LABELS.get(method, method))


def podium_change_words(change: scoring.PodiumChange, current_rank: int, jurors: Mapping[int, Juror]) -> str:
    """'drops to 4th without Juror Two', '3rd under median'."""
    if change.left_out_juror is None:
        return _(
            "%(rank)s under %(method)s", rank=page_ordinal(change.rank), method=method_label(change.method)
        )
    juror = jurors.get(change.left_out_juror)
    name = juror.name if juror else _("juror #%(id)d", id=change.left_out_juror)
    if change.aggregate is None:
        return _("no sheet left without %(juror)s", juror=name)
    if change.rank > current_rank:
        return _("drops to %(rank)s without %(juror)s", rank=page_ordinal(change.rank), juror=name)
    return _("rises to %(rank)s without %(juror)s", rank=page_ordinal(change.rank), juror=name)


@dataclass(frozen=True)
class RankingRow:
    entry: Entry
    ranked: scoring.RankedEntry
    totals: tuple[float, ...]  # this entry's sheet totals, lowest first
    reasons: tuple[str, ...]  # why its podium status is fragile, in words


@dataclass(frozen=True)
class RankingView:
    scores: EditionScores
    ranking: scoring.Ranking | None
    rows: tuple[RankingRow, ...]
    panel: PanelStats | None
    juror_totals: Mapping[int, tuple[float, ...]]  # by juror id, lowest first
    sheet_count: int = 0  # counted sheets
    incomplete_sheets: int = 0  # submitted sheets lacking a score, left out

    @property
    def method(self) -> str:
        return self.ranking.method if self.ranking else self.scores.edition.aggregation

    @property
    def below_min_count(self) -> int:
        return sum(1 for row in self.rows if row.ranked.below_min_sheets)

    @property
    def fragile_rows(self) -> tuple[RankingRow, ...]:
        return tuple(row for row in self.rows if row.ranked.podium_fragile)


def ranking_view(scores: EditionScores, numbers: RankingNumbers) -> RankingView:
    ranking = numbers.ranking
    if ranking is None:
        return RankingView(scores, None, (), None, {}, numbers.sheet_count, numbers.incomplete_sheets)
    rows = tuple(
        RankingRow(
            entry=scores.entries[ranked.entry_id],
            ranked=ranked,
            totals=numbers.entry_totals.get(ranked.entry_id, ()),
            reasons=tuple(podium_change_words(c, ranked.rank, scores.jurors) for c in ranked.podium_changes),
        )
        for ranked in ranking.rows
        if ranked.entry_id in scores.entries  # read a moment apart: an entry screened out in between
    )
    return RankingView(
        scores,
        ranking,
        rows,
        numbers.panel,
        numbers.juror_totals,
        numbers.sheet_count,
        numbers.incomplete_sheets,
    )
