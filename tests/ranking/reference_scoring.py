"""The straightforward scoring engine, kept as the oracle that `app.ranking.scoring` must agree with.

A frozen copy of `app/ranking/scoring.py` before leave-one-juror-out became incremental: it re-ranks every
sheet once per juror. Never imported by the app. Standard library only.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

MEAN = "mean"
MEDIAN = "median"
TRIMMED_MEAN = "trimmed_mean"
ZSCORE = "zscore"
METHODS = (MEAN, MEDIAN, TRIMMED_MEAN, ZSCORE)

AGGREGATE_DECIMALS = 6  # aggregates and tie-break means are compared after rounding to this many places
TRIM_MIN_SHEETS = 5  # from this many sheets on, the trimmed mean drops an entry's highest and lowest total
ZERO_STD_FRACTION = 1e-9  # a juror's std below this fraction of the scale's range is floating noise: zero


@dataclass(frozen=True)
class Criterion:
    """A criterion of the edition; criteria are ordered by (position, id)."""

    id: int
    weight: float = 1
    position: int = 0

    def __post_init__(self):
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError(f"criterion {self.id}: the weight must be a finite number >= 0")


@dataclass(frozen=True)
class Sheet:
    """One juror's submitted scores for one entry, keyed by criterion id."""

    juror_id: int
    entry_id: int
    scores: Mapping[int, float]


@dataclass(frozen=True)
class Scale:
    """The edition's scale: scores run from `min` to `max` in steps of `step`."""

    min: float
    max: float
    step: float = 1

    def __post_init__(self):
        if not (self.min < self.max and self.step > 0):
            raise ValueError("a scale needs min < max and a positive step")

    def points(self) -> tuple[float, ...]:
        """Every score a juror may give, lowest first."""
        low, step = float(self.min), float(self.step)
        count = math.floor((float(self.max) - low) / step + 1e-9) + 1
        return tuple(round(low + i * step, 9) for i in range(count))


@dataclass(frozen=True)
class PodiumChange:
    """An alternative ranking that would put the entry on the podium, or take it off."""

    method: str
    left_out_juror: int | None  # None: the whole jury, under another method
    rank: int
    aggregate: float | None  # None: no sheet left for the entry once that juror is left out


@dataclass(frozen=True)
class RankedEntry:
    """One entry's place in a ranking, with the numbers behind it."""

    entry_id: int
    rank: int
    aggregate: float | None  # None when the entry has no sheet
    criterion_means: Mapping[int, float]  # by criterion id, in criterion order; empty without sheets
    sheet_count: int
    total_std: float | None  # population standard deviation of the sheet totals; None without sheets
    ranks_by_method: Mapping[str, int]  # every method, the ranking's own included
    rank_interval: tuple[int, int]  # lowest and highest rank, here and with any one juror left out
    tied: bool  # shares its rank with another entry
    on_podium: bool
    podium_changes: tuple[PodiumChange, ...]
    below_min_sheets: bool

    @property
    def podium_fragile(self) -> bool:
        """Whether another method or leaving out one juror would change its podium status."""
        return bool(self.podium_changes)


@dataclass(frozen=True)
class Ranking:
    """The entries of an edition in rank order (then by entry id)."""

    method: str
    prizes: int
    tie_break: tuple[int, ...]
    min_sheets: int
    rows: tuple[RankedEntry, ...]

    def row(self, entry_id: int) -> RankedEntry:
        """The row of one entry; KeyError if it is not ranked."""
        for row in self.rows:
            if row.entry_id == entry_id:
                return row
        raise KeyError(entry_id)

    @property
    def podium(self) -> tuple[RankedEntry, ...]:
        return tuple(row for row in self.rows if row.on_podium)

    @property
    def fragile(self) -> tuple[RankedEntry, ...]:
        return tuple(row for row in self.rows if row.podium_fragile)


@dataclass(frozen=True)
class _Scored:
    """A checked sheet: its total and its scores in criterion order."""

    juror_id: int
    entry_id: int
    total: float
    scores: tuple[float, ...]


@dataclass(frozen=True)
class _Standings:
    """One ranking of every entry: ranks, and aggregates (None for entries without sheets)."""

    ranks: Mapping[int, int]
    aggregates: Mapping[int, float | None]

    def on_podium(self, entry_id: int, prizes: int) -> bool:
        return self.aggregates[entry_id] is not None and self.ranks[entry_id] <= prizes


def sheet_total(sheet: Sheet, criteria: Iterable[Criterion]) -> float:
    """The weighted mean of the sheet's criterion scores."""
    ordered = _ordered_criteria(criteria)
    return _weighted_mean(_scores_in_order(sheet, ordered), _weights(ordered))


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
    """Rank the entries by `method` and say how robust each rank is. Input order never matters.

    A sheet's total is the weighted mean of its criterion scores; every sheet must score every criterion.
    An entry's aggregate is computed from its sheet totals t:
      mean          the mean of t;
      median        the median of t (the mean of the two middle totals for an even count);
      trimmed_mean  the mean of t without its highest and its lowest value when the entry has at least
                    5 sheets, otherwise the mean of t;
      zscore        for each juror j, mu_j and sd_j are the mean and population standard deviation of j's
                    totals over the entries j scored, and z_je = (t_je - mu_j) / sd_j, or z_je = 0 when j
                    scored a single entry or sd_j is zero (below 1e-9 of the scale's range). With M and S
                    the mean and population standard deviation of all sheet totals in the ranking:
                        aggregate_e = clamp(M + S * mean(z_je over e's sheets), scale.min, scale.max).
                    A constant added to all of one juror's totals leaves every z unchanged; M and S then
                    move every aggregate by the same increasing map, so ranks change only where clamping
                    merges entries at an end of the scale.

    Ties: competition ranking (1, 2, 2, 4). Aggregates are compared after rounding to 6 decimals, so
    floating noise never splits a tie. Entries with equal aggregates are then compared by their mean score
    on each `tie_break` criterion in turn, higher first (also rounded to 6 decimals); entries still equal
    share the rank. Entries without sheets have no aggregate and share the rank after every scored entry.

    Robustness: `ranks_by_method` is the entry's rank under every method. `rank_interval` is the lowest and
    highest rank over this ranking and the rankings recomputed, with the same method and tie-break, without
    each juror in turn, leaving out those in which the entry has no sheet left. An entry is on the podium
    when it has sheets and its rank is at most `prizes`; `podium_changes` lists every other method, then
    every left-out juror, whose ranking would change that. Entries with fewer than `min_sheets` sheets are
    flagged `below_min_sheets` and ranked as usual.
    """
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


def _criterion_means(own: Sequence[_Scored], criteria: Sequence[Criterion]) -> Mapping[int, float]:
    """An entry's mean score per criterion id, in criterion order; empty without sheets."""
    if not own:
        return MappingProxyType({})
    return MappingProxyType(
        {criterion.id: _mean([sheet.scores[i] for sheet in own]) for i, criterion in enumerate(criteria)}
    )


def _competition_ranks(keys: Mapping[int, tuple[float, ...]]) -> dict[int, int]:
    """Standard competition ranks (1, 2, 2, 4): the lowest key ranks first, equal keys share a rank."""
    ranks = {}
    previous_key, rank = None, 0
    for position, (entry_id, key) in enumerate(sorted(keys.items(), key=lambda item: (item[1], item[0])), 1):
        if key != previous_key:
            previous_key, rank = key, position
        ranks[entry_id] = rank
    return ranks


def _ordered_criteria(criteria: Iterable[Criterion]) -> tuple[Criterion, ...]:
    ordered = tuple(sorted(criteria, key=lambda criterion: (criterion.position, criterion.id)))
    if not ordered:
        raise ValueError("an edition needs at least one criterion to score")
    if len({criterion.id for criterion in ordered}) != len(ordered):
        raise ValueError("criterion ids must be unique")
    if math.fsum(_weights(ordered)) <= 0:
        raise ValueError("criterion weights must not all be zero")
    return ordered


def _weights(criteria: Sequence[Criterion]) -> tuple[float, ...]:
    return tuple(float(criterion.weight) for criterion in criteria)


def _scores_in_order(sheet: Sheet, criteria: Sequence[Criterion]) -> tuple[float, ...]:
    """The sheet's scores in criterion order; ValueError unless it scores exactly these criteria."""
    missing = [criterion.id for criterion in criteria if sheet.scores.get(criterion.id) is None]
    unknown = sorted(set(sheet.scores) - {criterion.id for criterion in criteria})
    if missing or unknown:
        raise ValueError(
            f"sheet of juror {sheet.juror_id} for entry {sheet.entry_id}: "
            f"criteria without a score {missing}, unknown criteria {unknown}"
        )
    scores = tuple(float(sheet.scores[criterion.id]) for criterion in criteria)
    if not all(math.isfinite(score) for score in scores):
        raise ValueError(f"sheet of juror {sheet.juror_id} for entry {sheet.entry_id}: scores must be finite")
    return scores


def _score_sheets(sheets: Iterable[Sheet], criteria: Sequence[Criterion]) -> list[_Scored]:
    """Check the sheets and compute their totals, ordered by (entry, juror) whatever the input order."""
    weights = _weights(criteria)
    scored = {}
    for sheet in sheets:
        key = (sheet.entry_id, sheet.juror_id)
        if key in scored:
            raise ValueError(f"juror {sheet.juror_id} has more than one sheet for entry {sheet.entry_id}")
        scores = _scores_in_order(sheet, criteria)
        scored[key] = _Scored(sheet.juror_id, sheet.entry_id, _weighted_mean(scores, weights), scores)
    return [scored[key] for key in sorted(scored)]


def _check_entries_and_scale(scored: Iterable[_Scored], entries: Sequence[int], scale: Scale) -> None:
    known = set(entries)
    for sheet in scored:
        if sheet.entry_id not in known:
            raise ValueError(
                f"sheet of juror {sheet.juror_id} is for entry {sheet.entry_id}, not in the ranking"
            )
        if not all(scale.min <= score <= scale.max for score in sheet.scores):
            raise ValueError(
                f"sheet of juror {sheet.juror_id} for entry {sheet.entry_id}: "
                f"a score is outside the scale {scale.min:g} to {scale.max:g}"
            )


def _group(scored: Iterable[_Scored], key: Callable[[_Scored], int]) -> dict[int, list[_Scored]]:
    groups = defaultdict(list)
    for sheet in scored:
        groups[key(sheet)].append(sheet)
    return dict(groups)


# math.fsum is exact before its final rounding, so sums do not depend on the order of their terms.
def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _pstdev(values: Sequence[float]) -> float:
    mean = _mean(values)
    return math.sqrt(math.fsum((value - mean) ** 2 for value in values) / len(values))


def _weighted_mean(scores: Sequence[float], weights: Sequence[float]) -> float:
    return math.fsum(w * s for w, s in zip(weights, scores, strict=True)) / math.fsum(weights)


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _trimmed_mean(values: Sequence[float]) -> float:
    if len(values) < TRIM_MIN_SHEETS:
        return _mean(values)
    return _mean(sorted(values)[1:-1])


def _clamp(value: float, scale: Scale) -> float:
    return min(max(value, scale.min), scale.max)


_REDUCERS: dict[str, Callable[[Sequence[float]], float]] = {
    MEAN: _mean,
    MEDIAN: _median,
    TRIMMED_MEAN: _trimmed_mean,
}
