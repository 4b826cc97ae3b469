"""Pure scoring for the prize: sheet totals, aggregation, ranking, and how robust each rank is.

Standard library only. The caller passes the submitted, non-recused score sheets of one edition as plain
frozen dataclasses (numbers may be Decimal, they are read as floats) and gets plain frozen dataclasses back,
picklable (so a ranking can be kept in a cache).

Leaving one juror out does not re-rank every sheet: only the entries that juror scored change, and their
sums lose that juror's terms exactly (`_ExactSum`), so every number is the one a recomputation from the
remaining sheets gives, bit for bit, at a cost that grows with entries x jurors.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul
from typing import NamedTuple

MEAN = "mean"
MEDIAN = "median"
TRIMMED_MEAN = "trimmed_mean"
ZSCORE = "zscore"
METHODS = (MEAN, MEDIAN, TRIMMED_MEAN, ZSCORE)

AGGREGATE_DECIMALS = 6  # aggregates and tie-break means are compared after rounding to this many places
TRIM_MIN_SHEETS = 5  # from this many sheets on, the trimmed mean drops an entry's highest and lowest total
ZERO_STD_FRACTION = 1e-9  # a juror's std below this fraction of the scale's range is floating noise: zero


class FrozenMapping(Mapping):
    """A read-only mapping that pickles (unlike `types.MappingProxyType`); equal to any equal mapping."""

    __slots__ = ("_data",)

    def __init__(self, items: Mapping | Iterable[tuple] = ()):
        self._data = dict(items)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMapping({self._data!r})"

    def __reduce__(self):
        return (FrozenMapping, (tuple(self._data.items()),))


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


class _Scored(NamedTuple):
    """A checked sheet: its total and its scores in criterion order (a tuple: 30,000 are made per ranking)."""

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


def sheet_totals(sheets: Iterable[Sheet], criteria: Iterable[Criterion]) -> dict[tuple[int, int], float]:
    """Each sheet's total (the weighted mean of its scores), by (juror id, entry id)."""
    return {(s.juror_id, s.entry_id): s.total for s in _score_sheets(sheets, _ordered_criteria(criteria))}


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

    panel = _Panel(entries, scored, scale, tie_break_indexes)
    by_method = {name: panel.standings(name) for name in METHODS}
    without = panel.without_each_juror(method)
    alternatives = [(name, None, by_method[name]) for name in METHODS if name != method]
    alternatives += [(method, juror_id, juror_standings) for juror_id, juror_standings in without.items()]
    current = by_method[method]
    shared = Counter(current.ranks.values())
    rows = []
    for entry_id in entries:
        own = panel.by_entry.get(entry_id, [])
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
                ranks_by_method=FrozenMapping({name: by_method[name].ranks[entry_id] for name in METHODS}),
                rank_interval=(min(interval), max(interval)),
                tied=shared[rank] > 1,
                on_podium=on_podium,
                podium_changes=changes,
                below_min_sheets=len(own) < min_sheets,
            )
        )
    rows.sort(key=lambda row: (row.rank, row.entry_id))
    return Ranking(method, prizes, tuple(tie_break), min_sheets, tuple(rows))


def _rank_key(aggregate: float, tie_keys: tuple[float, ...]) -> tuple[float, ...]:
    return (-round(aggregate, AGGREGATE_DECIMALS), *tie_keys)


def _ranked(
    entries: Sequence[int], keys: Mapping[int, tuple[float, ...]], aggregates: Mapping[int, float]
) -> _Standings:
    """Competition ranks from the keys of the scored entries; the others share the rank after them."""
    ranks = _competition_ranks(keys)
    unscored_rank = len(ranks) + 1
    return _Standings(
        ranks={entry_id: ranks.get(entry_id, unscored_rank) for entry_id in entries},
        aggregates={entry_id: aggregates.get(entry_id) for entry_id in entries},
    )


class _ExactSum:
    """The exact sum of some floats, from which terms can be taken out exactly.

    Kept as non-overlapping partials (Shewchuk's algorithm, the one behind `math.fsum`), so `without(x)`
    is `math.fsum` of the remaining terms, to the last bit, in time independent of their number.
    """

    __slots__ = ("partials",)

    def __init__(self, values: Iterable[float]):
        partials: list[float] = []
        for x in values:
            i = 0
            for y in partials:
                if abs(x) < abs(y):
                    x, y = y, x
                high = x + y
                low = y - (high - x)
                if low:
                    partials[i] = low
                    i += 1
                x = high
            partials[i:] = [x]
        self.partials = partials

    def without(self, *taken: float) -> float:
        """`math.fsum` of the terms once `taken` (each one of the terms) are removed."""
        return math.fsum([*self.partials, *(-value for value in taken)])


class _Panel:
    """The checked sheets of a ranking, grouped once; the standings under each method, and under one method
    with each juror left out in turn.

    Leaving juror j out changes only the entries j scored (and, for the z-score, the panel's mean and
    standard deviation, computed from per-value counts): every other entry keeps its aggregate and tie-break
    means, and the changed ones lose j's terms from exact sums. Each number is the one a computation from
    the remaining sheets alone gives (the rules are stated in `rank_entries`).
    """

    def __init__(
        self,
        entries: Sequence[int],
        scored: Sequence[_Scored],
        scale: Scale,
        tie_break_indexes: tuple[int, ...],
    ):
        self.entries, self.scored, self.scale = entries, scored, scale
        self.tie_break_indexes = tie_break_indexes
        self.by_entry: dict[int, list[_Scored]] = defaultdict(list)
        self.by_juror: dict[int, list[_Scored]] = defaultdict(list)
        for sheet in scored:
            self.by_entry[sheet.entry_id].append(sheet)
            self.by_juror[sheet.juror_id].append(sheet)
        self.by_entry, self.by_juror = dict(self.by_entry), dict(self.by_juror)
        self.totals = {entry_id: sorted(s.total for s in own) for entry_id, own in self.by_entry.items()}
        self.tie_keys = {
            entry_id: tuple(
                -round(_mean([s.scores[i] for s in own]), AGGREGATE_DECIMALS) for i in tie_break_indexes
            )
            for entry_id, own in self.by_entry.items()
        }
        self._aggregates: dict[str, dict[int, float]] = {}
        self._z: dict[tuple[int, int], float] | None = None
        self._z_sums: dict[int, _ExactSum] | None = None

    def aggregates(self, method: str) -> dict[int, float]:
        """Each scored entry's aggregate under `method`, from every sheet."""
        if method not in self._aggregates:
            if method == ZSCORE:
                found = self._zscore_aggregates(self.all_totals(), self.z_means())
            else:
                reduce = _REDUCERS[method]
                found = {entry_id: reduce(totals) for entry_id, totals in self.totals.items()}
            self._aggregates[method] = found
        return self._aggregates[method]

    def standings(self, method: str) -> _Standings:
        aggregates = self.aggregates(method)
        keys = {entry_id: _rank_key(value, self.tie_keys[entry_id]) for entry_id, value in aggregates.items()}
        return _ranked(self.entries, keys, aggregates)

    def without_each_juror(self, method: str) -> dict[int, _Standings]:
        """The standings under `method` without each juror who has a sheet, by juror id."""
        full = self.aggregates(method)
        keys = {entry_id: _rank_key(value, self.tie_keys[entry_id]) for entry_id, value in full.items()}
        tie_sums = {
            entry_id: [_ExactSum(s.scores[i] for s in own) for i in self.tie_break_indexes]
            for entry_id, own in self.by_entry.items()
        }
        if method == ZSCORE:
            move = self._zscore_without
        else:
            sums = {entry_id: _ExactSum(totals) for entry_id, totals in self.totals.items()}

            def move(juror_id: int) -> dict[int, float]:
                aggregates = dict(full)
                for sheet in self.by_juror[juror_id]:
                    del aggregates[sheet.entry_id]
                    if len(self.by_entry[sheet.entry_id]) > 1:
                        aggregates[sheet.entry_id] = self._aggregate_without(
                            method, sheet, sums[sheet.entry_id]
                        )
                return aggregates

        result = {}
        for juror_id in sorted(self.by_juror):
            own = self.by_juror[juror_id]
            aggregates = move(juror_id)
            if method == ZSCORE:  # every aggregate moved with the panel's mean and deviation
                juror_keys = {e: _rank_key(value, self.tie_keys[e]) for e, value in aggregates.items()}
            else:
                juror_keys = dict(keys)
                for sheet in own:
                    del juror_keys[sheet.entry_id]
            for sheet in own:
                if sheet.entry_id in aggregates:
                    tie_keys = ()
                    if self.tie_break_indexes:
                        count = len(self.by_entry[sheet.entry_id]) - 1
                        tie_keys = tuple(
                            -round(exact.without(sheet.scores[i]) / count, AGGREGATE_DECIMALS)
                            for exact, i in zip(tie_sums[sheet.entry_id], self.tie_break_indexes, strict=True)
                        )
                    juror_keys[sheet.entry_id] = _rank_key(aggregates[sheet.entry_id], tie_keys)
            result[juror_id] = _ranked(self.entries, juror_keys, aggregates)
        return result

    def _aggregate_without(self, method: str, sheet: _Scored, exact: _ExactSum) -> float:
        """The entry's aggregate under mean, median or trimmed mean without this sheet's total."""
        totals = self.totals[sheet.entry_id]
        gone = bisect_left(totals, sheet.total)
        count = len(totals) - 1

        def kept(position: int) -> float:  # the remaining totals, in order
            return totals[position if position < gone else position + 1]

        if method == MEDIAN:
            middle = count // 2
            return kept(middle) if count % 2 else (kept(middle - 1) + kept(middle)) / 2
        if method == TRIMMED_MEAN and count >= TRIM_MIN_SHEETS:
            return exact.without(sheet.total, kept(0), kept(count - 1)) / (count - 2)
        return exact.without(sheet.total) / count

    # --- z-scores ---

    def z(self) -> dict[tuple[int, int], float]:
        """Each sheet's z-score within its juror's totals, by (juror id, entry id)."""
        if self._z is None:
            zero_std = ZERO_STD_FRACTION * (self.scale.max - self.scale.min)
            self._z = {}
            for juror_sheets in self.by_juror.values():
                totals = [sheet.total for sheet in juror_sheets]
                juror_mean, juror_std = _mean(totals), _pstdev(totals)
                for sheet in juror_sheets:
                    spread = (sheet.total - juror_mean) / juror_std if juror_std > zero_std else 0.0
                    self._z[sheet.juror_id, sheet.entry_id] = spread
        return self._z

    def z_means(self) -> dict[int, float]:
        z = self.z()
        return {
            entry_id: _mean([z[s.juror_id, entry_id] for s in own]) for entry_id, own in self.by_entry.items()
        }

    def all_totals(self) -> list[float]:
        return [sheet.total for sheet in self.scored]

    def _zscore_aggregates(self, totals: Sequence[float], z_means: Mapping[int, float]) -> dict[int, float]:
        if not totals:
            return {}
        panel_mean, panel_std = _mean(totals), _pstdev(totals)
        return {entry_id: _clamp(panel_mean + panel_std * z, self.scale) for entry_id, z in z_means.items()}

    def _zscore_without(self, juror_id: int) -> dict[int, float]:
        """The z-score aggregates of the remaining sheets: the other jurors' z-scores do not change."""
        if self._z_sums is None:
            z = self.z()
            self._z_sums = {
                entry_id: _ExactSum(z[s.juror_id, entry_id] for s in own)
                for entry_id, own in self.by_entry.items()
            }
            self._z_means = self.z_means()
            self._all_sum = _ExactSum(self.all_totals())
            self._total_counts = Counter(self.all_totals())
        own = self.by_juror[juror_id]
        count = len(self.scored) - len(own)
        if not count:
            return {}
        panel_mean = self._all_sum.without(*(sheet.total for sheet in own)) / count
        counts = self._total_counts - Counter(sheet.total for sheet in own)
        squares = []
        for total, times in counts.items():  # `times` equal squares, each rounded as `_pstdev` rounds it
            squares.extend(_two_product((total - panel_mean) ** 2, float(times)))
        panel_std = math.sqrt(math.fsum(squares) / count)
        z_means = dict(self._z_means)
        for sheet in own:
            del z_means[sheet.entry_id]
            remaining = len(self.by_entry[sheet.entry_id]) - 1
            if remaining:
                exact = self._z_sums[sheet.entry_id]
                z_means[sheet.entry_id] = exact.without(self.z()[juror_id, sheet.entry_id]) / remaining
        return {entry_id: _clamp(panel_mean + panel_std * z, self.scale) for entry_id, z in z_means.items()}


def _two_product(a: float, b: float) -> tuple[float, float]:
    """a * b exactly, as the rounded product and its error (Dekker's algorithm; no overflow here)."""
    product = a * b
    a_high, a_low = _split(a)
    b_high, b_low = _split(b)
    error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    return product, error


def _split(value: float) -> tuple[float, float]:
    scaled = 134217729.0 * value  # 2**27 + 1: Veltkamp's split into two halves of 26 bits
    high = scaled - (scaled - value)
    return high, value - high


def _criterion_means(own: Sequence[_Scored], criteria: Sequence[Criterion]) -> Mapping[int, float]:
    """An entry's mean score per criterion id, in criterion order; empty without sheets."""
    if not own:
        return FrozenMapping()
    return FrozenMapping(
        {criterion.id: _mean([sheet.scores[i] for sheet in own]) for i, criterion in enumerate(criteria)}
    )


def _competition_ranks(keys: Mapping[int, tuple[float, ...]]) -> dict[int, int]:
    """Standard competition ranks (1, 2, 2, 4): the lowest key ranks first, equal keys share a rank."""
    ranks = {}
    previous_key, rank = None, 0
    for position, (entry_id, key) in enumerate(sorted(keys.items(), key=itemgetter(1)), 1):
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
    weight_sum = math.fsum(weights)
    ids = tuple(criterion.id for criterion in criteria)
    scored = {}
    for sheet in sheets:
        key = (sheet.entry_id, sheet.juror_id)
        if key in scored:
            raise ValueError(f"juror {sheet.juror_id} has more than one sheet for entry {sheet.entry_id}")
        scores = sheet.scores
        try:  # the common case, checked in full by `_scores_in_order` when it fails
            if len(scores) != len(ids):
                raise KeyError
            values = tuple([float(scores[criterion_id]) for criterion_id in ids])
            if not all(map(math.isfinite, values)):
                raise ValueError
        except (KeyError, TypeError, ValueError):
            values = _scores_in_order(sheet, criteria)
        total = math.fsum(map(mul, weights, values)) / weight_sum  # as `_weighted_mean`
        scored[key] = _Scored(sheet.juror_id, sheet.entry_id, total, values)
    return [scored[key] for key in sorted(scored)]


def _check_entries_and_scale(scored: Iterable[_Scored], entries: Sequence[int], scale: Scale) -> None:
    known = set(entries)
    for sheet in scored:
        if sheet.entry_id not in known:
            raise ValueError(
                f"sheet of juror {sheet.juror_id} is for entry {sheet.entry_id}, not in the ranking"
            )
        if min(sheet.scores) < scale.min or max(sheet.scores) > scale.max:
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
