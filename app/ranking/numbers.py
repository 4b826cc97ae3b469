"""An edition's ranking numbers, computed once per state of the data and kept in the shared cache.

`ranking_numbers(scores, method)` is what every page and file that ranks an edition reads: the ranking
page, the awards, the jury report and the exports. It is kept under
`ranking:<edition id>:<ranking version>:<method>:<FORMAT>`; the version is bumped in the transaction of every
change the numbers depend on (`app/ranking/freshness.py`), so a kept value is never stale and nothing is
ever deleted. Only numbers and ids are kept (plain, picklable data): names come from `scores.load_scores`
on every view. `FORMAT` changes with the shape of what is kept, so a deployment never reads an older shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ranking import scoring
from app.ranking.panel import PanelStats, juror_stats
from app.ranking.scores import CountedSheets, EditionScores, load_sheets
from app.shared_cache import remember

FORMAT = 2


@dataclass(frozen=True)
class RankingNumbers:
    """What is computed from an edition's counted sheets under one method."""

    ranking: scoring.Ranking | None  # None without criteria
    panel: PanelStats | None  # None without criteria
    sheet_count: int  # counted sheets
    incomplete_sheets: int  # submitted sheets lacking a score: left out rather than failing the page


def cache_key(scores: EditionScores, method: str) -> str:
    edition = scores.edition
    return f"ranking:{edition.id}:{edition.ranking_version}:{method}:{FORMAT}"


def ranking_numbers(scores: EditionScores, method: str | None = None) -> RankingNumbers:
    """The edition's numbers under `method` (default: the edition's own), from the cache or computed."""
    method = method if method in scoring.METHODS else scores.edition.aggregation
    method = scoring.METHODS[scoring.METHODS.index(method)]  # a plain str in the key
    return remember(cache_key(scores, method), lambda: compute_numbers(scores, load_sheets(scores), method))


def rank(scores: EditionScores, method: str | None = None) -> scoring.Ranking | None:
    """The edition's ranking under `method` (default: the edition's own); None without criteria."""
    return ranking_numbers(scores, method).ranking


def compute_numbers(scores: EditionScores, counted: CountedSheets, method: str) -> RankingNumbers:
    if not scores.criteria:
        return RankingNumbers(None, None, len(counted.sheets), counted.incomplete)
    edition = scores.edition
    criteria = scores.scoring_criteria
    ranking = scoring.rank_entries(
        entry_ids=scores.entries,
        sheets=counted.sheets,
        criteria=criteria,
        scale=scores.scale,
        method=method,
        prizes=edition.prizes_count,
        tie_break=scores.tie_break,
        min_sheets=edition.min_sheets_per_entry,
    )
    return RankingNumbers(
        ranking=ranking,
        panel=juror_stats(counted.sheets, criteria),
        sheet_count=len(counted.sheets),
        incomplete_sheets=counted.incomplete,
    )
