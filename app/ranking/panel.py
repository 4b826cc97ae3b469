"""How the jurors score next to the whole panel, and how far they agree on each entry: box summaries.

`juror_stats` summarises the sheet totals once per juror, per entry and for the whole panel (count, mean,
standard deviation, lowest, quartiles, highest), with each juror's leniency: everything the ranking's charts
and tables draw, so that none of them needs one element per sheet. Its result is plain frozen data (tuples,
dicts, floats), which can be pickled into a cache.

Quartiles are `statistics.quantiles(totals, n=4, method="inclusive")`: the totals are the whole population
(every counted sheet), the lowest total is the 0th percentile and the highest the 100th, and a quartile
between two totals is interpolated linearly (as R's default type 7, NumPy's default and spreadsheets'
QUARTILE.INC). A single total is its own quartiles.

Pure, like `scoring` (whose checked totals it reads): standard library and `scoring` only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.ranking.scoring import Criterion, Sheet, _group, _mean, _ordered_criteria, _pstdev, _score_sheets


@dataclass(frozen=True)
class TotalStats:
    """A box summary of sheet totals; `std` is the population standard deviation."""

    count: int
    mean: float
    std: float
    min: float
    max: float
    q1: float
    median: float
    q3: float


@dataclass(frozen=True)
class JurorStats:
    """One juror's sheet totals and how lenient they are compared with their fellow jurors."""

    juror_id: int
    totals: TotalStats
    leniency: float | None


@dataclass(frozen=True)
class PanelStats:
    """Every juror's totals (by juror id) next to the whole panel's, and each scored entry's totals.

    `panel` is None without sheets; `entries` holds the entries with at least one sheet, by entry id."""

    jurors: tuple[JurorStats, ...]
    panel: TotalStats | None
    entries: dict[int, TotalStats]


def juror_stats(sheets: Iterable[Sheet], criteria: Iterable[Criterion]) -> PanelStats:
    """Each juror's and each entry's sheet totals summarised next to the whole panel's.

    A juror's `leniency` is the mean, over the entries they share with at least one other juror, of their
    total minus the mean of the other jurors' totals for that entry: positive is lenient, negative harsh,
    None when they share no entry. Unlike a plain mean it does not blame a juror for the entries they drew.
    Linear in the number of sheets: the other jurors' mean is the entry's sum less the juror's own total.
    """
    scored = _score_sheets(sheets, _ordered_criteria(criteria))
    by_entry = _group(scored, lambda sheet: sheet.entry_id)
    entry_sums = {
        entry_id: (math.fsum(sheet.total for sheet in own), len(own)) for entry_id, own in by_entry.items()
    }
    jurors = []
    for juror_id, own in sorted(_group(scored, lambda sheet: sheet.juror_id).items()):
        gaps = []
        for sheet in own:
            total, count = entry_sums[sheet.entry_id]
            if count > 1:
                gaps.append(sheet.total - (total - sheet.total) / (count - 1))
        leniency = _mean(gaps) if gaps else None
        jurors.append(JurorStats(juror_id, summary([sheet.total for sheet in own]), leniency))
    panel = summary([sheet.total for sheet in scored]) if scored else None
    entries = {
        entry_id: summary([sheet.total for sheet in own]) for entry_id, own in sorted(by_entry.items())
    }
    return PanelStats(tuple(jurors), panel, entries)


def summary(totals: Sequence[float]) -> TotalStats:
    """The box summary of one or more totals (quartiles as the module's docstring says)."""
    ordered = sorted(totals)
    if len(ordered) > 1:
        q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = median = q3 = ordered[0]
    return TotalStats(
        count=len(ordered),
        mean=_mean(ordered),
        std=_pstdev(ordered),
        min=ordered[0],
        max=ordered[-1],
        q1=q1,
        median=median,
        q3=q3,
    )
