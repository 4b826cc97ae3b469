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
from app.ranking.panel import PanelStats, TotalStats
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
    spread: TotalStats | None  # a box summary of this entry's sheet totals; None without sheets
    reasons: tuple[str, ...]  # why its podium status is fragile, in words


@dataclass(frozen=True)
class RankingView:
    scores: EditionScores
    ranking: scoring.Ranking | None
    rows: tuple[RankingRow, ...]
    panel: PanelStats | None  # every juror's, entry's and the panel's totals, summarised
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
        return RankingView(scores, None, (), None, numbers.sheet_count, numbers.incomplete_sheets)
    stats = numbers.panel
    rows = tuple(
        RankingRow(
            entry=scores.entries[ranked.entry_id],
            ranked=ranked,
            spread=stats.entries.get(ranked.entry_id),
            reasons=tuple(podium_change_words(c, ranked.rank, scores.jurors) for c in ranked.podium_changes),
        )
        for ranked in ranking.rows
        if ranked.entry_id in scores.entries  # read a moment apart: an entry screened out in between
    )
    return RankingView(scores, ranking, rows, stats, numbers.sheet_count, numbers.incomplete_sheets)


# --- The rows a page shows ----------------------------------------------------------------------------------

ROWS_PER_PAGE = 100
FLAGGED_SHOWN = 100  # flagged entries shown on every page at most; the "flagged only" filter lists them all


def is_flagged(row: RankingRow) -> bool:
    """Fragile on the podium, or scored by fewer sheets than the edition asks."""
    return row.ranked.podium_fragile or row.ranked.below_min_sheets


def matches(row: RankingRow, search: str) -> bool:
    """The entry's reference, organisation or title contains the text searched for (case ignored)."""
    needle = search.casefold()
    entry = row.entry
    return any(needle in text.casefold() for text in (entry.reference, entry.organisation, entry.title))


@dataclass(frozen=True)
class RowsShown:
    """One page of the ranking's rows (filtered, if asked), with the rows every page shows.

    `rows` are in rank order: the page's rows and, wherever they fall, the podium, the first entry below it
    (the cut line) and the flagged entries. `pinned` names the entries shown only because every page shows
    them. Pages count the matching rows; the attributes of a Flask-SQLAlchemy page let the `pagination`
    macro draw the links."""

    rows: tuple[RankingRow, ...]
    pinned: frozenset[int]  # entry ids outside this page (or filter), shown on every page
    page: int
    pages: int
    matching: int  # rows the filter keeps, over all pages
    per_page: int
    flagged_only: bool
    search: str

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def first(self) -> int:
        """The rank position (1-based, over the matching rows) of the page's first row."""
        return (self.page - 1) * self.per_page + 1 if self.matching else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.matching)


def rows_shown(
    view: RankingView,
    page: int = 1,
    flagged_only: bool = False,
    search: str = "",
    per_page: int | None = None,
) -> RowsShown:
    """The rows of `page` (past the last page: the last one) among those the filters keep, and the pinned."""
    per_page = per_page or ROWS_PER_PAGE
    search = " ".join(search.split())
    kept = [
        row
        for row in view.rows
        if (not flagged_only or is_flagged(row)) and (not search or matches(row, search))
    ]
    pages = max(1, -(-len(kept) // per_page))
    page = min(max(page, 1), pages)
    on_page = kept[(page - 1) * per_page : page * per_page]
    shown = {row.entry.id for row in on_page}
    pinned = _pinned(view)
    extra = frozenset(entry_id for entry_id in pinned if entry_id not in shown)
    rows = tuple(row for row in view.rows if row.entry.id in shown or row.entry.id in extra)
    return RowsShown(rows, extra, page, pages, len(kept), per_page, flagged_only, search)


def _pinned(view: RankingView) -> set[int]:
    """The podium, the cut line (the first entry below the podium) and up to FLAGGED_SHOWN flagged entries."""
    pinned = {row.entry.id for row in view.rows if row.ranked.on_podium}
    below = next((row for row in view.rows if not row.ranked.on_podium), None)
    if below is not None:
        pinned.add(below.entry.id)
    flagged = [row.entry.id for row in view.rows if is_flagged(row)]
    pinned.update(flagged[:FLAGGED_SHOWN])
    return pinned
