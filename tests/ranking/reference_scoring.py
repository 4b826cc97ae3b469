"""The straightforward scoring engine, kept as the oracle that `app.ranking.scoring` must agree with.

`app.ranking.scoring` computes leave-one-juror-out incrementally; this module ranks the way the engine did
before that: it re-ranks every sheet once per left-out juror and per method. The dataclasses and the plain
arithmetic (checked sheets, means, medians, competition ranks) are the engine's own, imported: what is
checked is the ranking built from them. Never imported by the app. Standard library only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from app.ranking.scoring import (
    AGGREGATE_DECIMALS,
    MEAN,
    MEDIAN,
    METHODS,
    TRIMMED_MEAN,
    ZERO_STD_FRACTION,
    ZSCORE,
    Criterion,
    PodiumChange,
    RankedEntry,
    Ranking,
    Scale,
    Sheet,
    _check_entries_and_scale,
    _clamp,
    _competition_ranks,
    _criterion_means,
    _group,
    _mean,
    _median,
    _ordered_criteria,
    _pstdev,
    _score_sheets,
    _Scored,
    _trimmed_mean,
)

__all__ = ["Criterion", "Scale", "Sheet", "rank_entries"]

_REDUCERS = {MEAN: _mean, MEDIAN: _median, TRIMMED_MEAN: _trimmed_mean}


@dataclass(frozen=True)
class _Standings:
    """One ranking of every entry: ranks, and aggregates (None for entries without sheets)."""

    ranks: Mapping[int, int]
    aggregates: Mapping[int, float | None]

    def on_podium(self, entry_id: int, prizes: int) -> bool:
        return self.aggregates[entry_id] is not None and self.ranks[entry_id] <= prizes


def rank_entries(
    entry_ids: Iterable[int],
    sheets: Iterable[Sheet],
    criteria: Iterable[Criterion],
    scale: Scale,
    method: str = MEAN,
    prizes: int = 3,
    tie_break: Sequence[int] = (),
    min_sheets: int = 1,
) -> Ranking:
    """The rules are `app.ranking.scoring.rank_entries`'s, applied the plain way: every alternative ranking
    (each other method, each left-out juror) is computed again from its sheets."""
    if method not in METHODS:
        raise ValueError(f"unknown aggregation method {method!r}; expected one of {METHODS}")
    method = METHODS[METHODS.index(method)]  # a plain str, even when given an enum member
    if prizes < 0 or min_sheets < 0:
        raise ValueError("prizes and min_sheets must not be negative")
    criteria = _ordered_criteria(criteria)
    index_of = {criterion.id: index for index, criterion in enumerate(criteria)}
    unknown = [criterion_id for criterion_id in tie_break if criterion_id not in index_of]
    if unknown:
        raise ValueError(f"tie-break criteria {unknown} are not criteria of the edition")
    tie_break_indexes = tuple(index_of[criterion_id] for criterion_id in tie_break)
    scale = Scale(float(scale.min), float(scale.max), float(scale.step))
    entries = tuple(sorted(set(entry_ids)))
    scored = _score_sheets(sheets, criteria)
    _check_entries_and_scale(scored, entries, scale)

    def standings(chosen: str, left_out: int | None = None) -> _Standings:
        kept = scored if left_out is None else [sheet for sheet in scored if sheet.juror_id != left_out]
        return _standings(entries, kept, chosen, scale, tie_break_indexes)

    by_method = {name: standings(name) for name in METHODS}
    without = {juror_id: standings(method, juror_id) for juror_id in sorted({s.juror_id for s in scored})}
    alternatives = [(name, None, by_method[name]) for name in METHODS if name != method]
    alternatives += [(method, juror_id, juror_standings) for juror_id, juror_standings in without.items()]
    current = by_method[method]
    shared = Counter(current.ranks.values())
    sheets_of = _group(scored, lambda sheet: sheet.entry_id)
    rows = []
    for entry_id in entries:
        own = sheets_of.get(entry_id, [])
        rank = current.ranks[entry_id]
        on_podium = current.on_podium(entry_id, prizes)
        interval = [
            rank,
            *(s.ranks[entry_id] for s in without.values() if s.aggregates[entry_id] is not None),
        ]
        changes = tuple(
            PodiumChange(name, juror_id, other.ranks[entry_id], other.aggregates[entry_id])
            for name, juror_id, other in alternatives
            if other.on_podium(entry_id, prizes) != on_podium
        )
        rows.append(
            RankedEntry(
                entry_id=entry_id,
                rank=rank,
                aggregate=current.aggregates[entry_id],
                criterion_means=_criterion_means(own, criteria),
                sheet_count=len(own),
                total_std=_pstdev([sheet.total for sheet in own]) if own else None,
                ranks_by_method=MappingProxyType({name: by_method[name].ranks[entry_id] for name in METHODS}),
                rank_interval=(min(interval), max(interval)),
                tied=shared[rank] > 1,
                on_podium=on_podium,
                podium_changes=changes,
                below_min_sheets=len(own) < min_sheets,
            )
        )
    rows.sort(key=lambda row: (row.rank, row.entry_id))
    return Ranking(method, prizes, tuple(tie_break), min_sheets, tuple(rows))


def _standings(
    entries: Sequence[int],
    scored: Sequence[_Scored],
    method: str,
    scale: Scale,
    tie_break_indexes: tuple[int, ...],
) -> _Standings:
    """Rank the entries from these sheets alone (the tie rule is stated in `rank_entries`)."""
    by_entry = _group(scored, lambda sheet: sheet.entry_id)
    if method == ZSCORE:
        aggregates = _zscore_aggregates(by_entry, scale)
    else:
        reduce = _REDUCERS[method]
        aggregates = {entry_id: reduce([s.total for s in own]) for entry_id, own in by_entry.items()}
    keys = {}
    for entry_id, aggregate in aggregates.items():
        own = by_entry[entry_id]
        tie_means = (_mean([sheet.scores[index] for sheet in own]) for index in tie_break_indexes)
        keys[entry_id] = tuple(-round(value, AGGREGATE_DECIMALS) for value in (aggregate, *tie_means))
    ranks = _competition_ranks(keys)
    unscored_rank = len(ranks) + 1
    return _Standings(
        ranks={entry_id: ranks.get(entry_id, unscored_rank) for entry_id in entries},
        aggregates={entry_id: aggregates.get(entry_id) for entry_id in entries},
    )


def _zscore_aggregates(by_entry: Mapping[int, list[_Scored]], scale: Scale) -> dict[int, float]:
    """Each entry's mean per-juror z-score mapped back onto the scale (formula in `rank_entries`)."""
    sheets = [sheet for own in by_entry.values() for sheet in own]
    if not sheets:
        return {}
    zero_std = ZERO_STD_FRACTION * (scale.max - scale.min)
    z = {}
    for juror_sheets in _group(sheets, lambda sheet: sheet.juror_id).values():
        totals = [sheet.total for sheet in juror_sheets]
        juror_mean, juror_std = _mean(totals), _pstdev(totals)
        for sheet in juror_sheets:
            spread = (sheet.total - juror_mean) / juror_std if juror_std > zero_std else 0.0
            z[sheet.juror_id, sheet.entry_id] = spread
    all_totals = [sheet.total for sheet in sheets]
    panel_mean, panel_std = _mean(all_totals), _pstdev(all_totals)
    return {
        entry_id: _clamp(panel_mean + panel_std * _mean([z[s.juror_id, entry_id] for s in own]), scale)
        for entry_id, own in by_entry.items()
    }
