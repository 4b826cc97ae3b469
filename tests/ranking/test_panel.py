"""Each juror's totals and leniency next to the panel's, without an app."""

import math
import pickle

import pytest

from app.ranking.panel import JurorStats, PanelStats, TotalStats, juror_stats, summary
from tests.ranking.test_scoring import ONE_CRITERION, one_criterion_sheets


def test_juror_stats_totals_and_leniency():
    # Juror 1 (8, 6), juror 2 (4, 2) on the same entries 1 and 2; juror 3 alone on entry 3 (9).
    # Leniency: juror 1 (8-4 + 6-2)/2 = 4, juror 2 -4, juror 3 shares no entry.
    # Panel totals 8, 6, 4, 2, 9: mean 29/5 = 5.8;
    # squared gaps 4.84 + 0.04 + 3.24 + 14.44 + 10.24 = 32.8, std sqrt(32.8 / 5) = sqrt(6.56).
    table = {1: {1: 8, 2: 4}, 2: {1: 6, 2: 2}, 3: {3: 9}}

    stats = juror_stats(one_criterion_sheets(table), ONE_CRITERION)

    assert stats.jurors == (
        JurorStats(1, TotalStats(2, 7.0, 1.0, 6.0, 8.0, q1=6.5, median=7.0, q3=7.5), leniency=4.0),
        JurorStats(2, TotalStats(2, 3.0, 1.0, 2.0, 4.0, q1=2.5, median=3.0, q3=3.5), leniency=-4.0),
        JurorStats(3, TotalStats(1, 9.0, 0.0, 9.0, 9.0, q1=9.0, median=9.0, q3=9.0), leniency=None),
    )
    # Sorted 2, 4, 6, 8, 9: inclusive quartiles at positions 1, 2 and 3 of 0..4.
    assert stats.panel == TotalStats(
        5, 5.8, pytest.approx(math.sqrt(6.56)), 2.0, 9.0, q1=4.0, median=6.0, q3=8.0
    )


def test_juror_stats_summarises_each_entry():
    table = {1: {1: 8, 2: 4, 3: 5}, 2: {1: 6}}

    stats = juror_stats(one_criterion_sheets(table), ONE_CRITERION)

    # Entry 1: 4, 5, 8 -> quartiles 4.5, 5, 6.5 (a quarter and three quarters of the way along).
    assert stats.entries == {
        1: TotalStats(3, pytest.approx(17 / 3), pytest.approx(math.sqrt(26 / 9)), 4.0, 8.0, 4.5, 5.0, 6.5),
        2: TotalStats(1, 6.0, 0.0, 6.0, 6.0, 6.0, 6.0, 6.0),
    }


def test_summary_quartiles_interpolate_between_totals():
    # Four totals 1, 2, 3, 10: positions 0.75, 1.5 and 2.25 of 0..3.
    stats = summary([10.0, 1.0, 3.0, 2.0])

    assert (stats.min, stats.q1, stats.median, stats.q3, stats.max) == (1.0, 1.75, 2.5, 4.75, 10.0)


def test_juror_stats_leniency_against_fellow_jurors_mean():
    # Entry 1: jurors 1, 2, 3 give 9, 6, 3. Juror 1: 9 - (6+3)/2 = 4.5; juror 3: 3 - (9+6)/2 = -4.5.
    table = {1: {1: 9, 2: 6, 3: 3}}

    stats = juror_stats(one_criterion_sheets(table), ONE_CRITERION)

    assert [juror.leniency for juror in stats.jurors] == [4.5, 0.0, -4.5]


def test_juror_stats_is_picklable():
    stats = juror_stats(one_criterion_sheets({1: {1: 8, 2: 4}, 2: {1: 6}}), ONE_CRITERION)

    assert pickle.loads(pickle.dumps(stats)) == stats  # noqa: S301  (our own bytes)


def test_juror_stats_no_sheets():
    assert juror_stats([], ONE_CRITERION) == PanelStats(jurors=(), panel=None, entries={})
