"""How each juror scores next to the whole panel: their sheet totals and how lenient they are.

Pure, like `scoring` (whose checked totals it reads): standard library and `scoring` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.ranking.scoring import Criterion, Sheet, _group, _mean, _ordered_criteria, _pstdev, _score_sheets


@dataclass(frozen=True)
class TotalStats:
    """A summary of sheet totals; `std` is the population standard deviation."""

    count: int
    mean: float
    std: float
    min: float
    max: float


@dataclass(frozen=True)
class JurorStats:
    """One juror's sheet totals and how lenient they are compared with their fellow jurors."""

    juror_id: int
    totals: TotalStats
    leniency: float | None


@dataclass(frozen=True)
class PanelStats:
    """Every juror's totals (by juror id) next to the whole panel's; `panel` is None without sheets."""

    jurors: tuple[JurorStats, ...]
    panel: TotalStats | None


def juror_stats(sheets: Iterable[Sheet], criteria: Iterable[Criterion]) -> PanelStats:
    """Each juror's sheet totals summarised next to the whole panel's, for a harsh/lenient chart.

    A juror's `leniency` is the mean, over the entries they share with at least one other juror, of their
    total minus the mean of the other jurors' totals for that entry: positive is lenient, negative harsh,
    None when they share no entry. Unlike a plain mean it does not blame a juror for the entries they drew.
    """
    scored = _score_sheets(sheets, _ordered_criteria(criteria))
    by_entry = _group(scored, lambda sheet: sheet.entry_id)
    jurors = []
    for juror_id, own in sorted(_group(scored, lambda sheet: sheet.juror_id).items()):
        gaps = []
        for sheet in own:
            others = [other.total for other in by_entry[sheet.entry_id] if other.juror_id != juror_id]
            if others:
                gaps.append(sheet.total - _mean(others))
        leniency = _mean(gaps) if gaps else None
        jurors.append(JurorStats(juror_id, _summary([sheet.total for sheet in own]), leniency))
    panel = _summary([sheet.total for sheet in scored]) if scored else None
    return PanelStats(tuple(jurors), panel)


def _summary(totals: Sequence[float]) -> TotalStats:
    return TotalStats(len(totals), _mean(totals), _pstdev(totals), min(totals), max(totals))
