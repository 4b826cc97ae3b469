"""Each juror's totals and leniency next to the panel's, without an app."""

import math

import pytest

from app.ranking.panel import JurorStats, PanelStats, TotalStats, juror_stats
from tests.ranking.test_scoring import ONE_CRITERION, one_criterion_sheets


def test_juror_stats_totals_and_leniency():
    # Juror 1 (8, 6), juror 2 (4, 2) on the same entries 1 and 2; juror 3 alone on entry 3 (9).
    # Leniency: juror 1 (8-4 + 6-2)/2 = 4, juror 2 -4, juror 3 shares no entry.
    # Panel totals 8, 6, 4, 2, 9: mean 29/5 = 5.8;
    # squared gaps 4.84 + 0.04 + 3.24 + 14.44 + 10.24 = 32.8, std sqrt(32.8 / 5) = sqrt(6.56).
    table = {1: {1: 8, 2: 4}, 2: {1: 6, 2: 2}, 3: {3: 9}}

    stats = juror_stats(one_criterion_sheets(table), ONE_CRITERION)

    assert stats.jurors == (
        JurorStats(1, TotalStats(count=2, mean=7.0, std=1.0, min=6.0, max=8.0), leniency=4.0),
        JurorStats(2, TotalStats(count=2, mean=3.0, std=1.0, min=2.0, max=4.0), leniency=-4.0),
        JurorStats(3, TotalStats(count=1, mean=9.0, std=0.0, min=9.0, max=9.0), leniency=None),
    )
    assert stats.panel == TotalStats(count=5, mean=5.8, std=pytest.approx(math.sqrt(6.56)), min=2.0, max=9.0)


def test_juror_stats_no_sheets():
    assert juror_stats([], ONE_CRITERION) == PanelStats(jurors=(), panel=None)
