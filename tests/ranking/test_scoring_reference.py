"""The incremental engine (app.ranking.scoring) ranks every edition exactly as the straightforward one
(tests/ranking/reference_scoring.py, which re-ranks every sheet once per left-out juror) does."""

import math
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from app.ranking import scoring
from tests.ranking import reference_scoring as reference

PROPERTY = settings(max_examples=300, deadline=None, database=None)


@st.composite
def editions(draw):
    """A random edition: scale, criteria (weights may be zero or fractional), entries, sheets, options."""
    step = draw(st.sampled_from([1, 0.5, 0.25, 2]))
    low = draw(st.sampled_from([0, 1, 5]))
    points = draw(st.integers(1, 10))
    scale = (low, low + step * points, step)
    criterion_count = draw(st.integers(1, 3))
    weights = [draw(st.sampled_from([0, 0.5, 1, 1, 2, 3, 1.25])) for _ in range(criterion_count)]
    if not any(weights):
        weights[0] = 1
    criteria = [(cid, weight, draw(st.integers(0, 2))) for cid, weight in enumerate(weights, 1)]
    entry_ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True))
    juror_ids = draw(st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True))
    density = draw(st.sampled_from([0.3, 0.7, 1.0]))
    sheets = []
    for entry_id in entry_ids:
        for juror_id in juror_ids:
            if density == 1.0 or draw(st.floats(0, 1)) < density:
                scores = {cid: low + step * draw(st.integers(0, points)) for cid, _, _ in criteria}
                sheets.append((juror_id, entry_id, scores))
    tie_break = draw(st.lists(st.sampled_from([c[0] for c in criteria]), unique=True, max_size=3))
    options = {
        "method": draw(st.sampled_from(scoring.METHODS)),
        "prizes": draw(st.integers(0, 4)),
        "tie_break": tie_break,
        "min_sheets": draw(st.integers(0, 5)),
    }
    return entry_ids, sheets, criteria, scale, options


def both(edition):
    """The edition ranked by the reference engine and by the app's."""
    entry_ids, sheets, criteria, scale, options = edition
    results = []
    for engine in (reference, scoring):
        results.append(
            engine.rank_entries(
                entry_ids,
                [engine.Sheet(juror, entry, scores) for juror, entry, scores in sheets],
                [engine.Criterion(cid, weight, position) for cid, weight, position in criteria],
                engine.Scale(*scale),
                **options,
            )
        )
    return results


def close(first, second):
    if first is None or second is None:
        return first is second
    return math.isclose(first, second, rel_tol=0, abs_tol=1e-9)


def assert_same_ranking(expected, actual):
    assert (actual.method, actual.prizes, actual.tie_break, actual.min_sheets) == (
        expected.method,
        expected.prizes,
        expected.tie_break,
        expected.min_sheets,
    )
    assert [row.entry_id for row in actual.rows] == [row.entry_id for row in expected.rows]
    for want, got in zip(expected.rows, actual.rows, strict=True):
        assert got.rank == want.rank
        assert close(got.aggregate, want.aggregate)
        assert list(got.criterion_means) == list(want.criterion_means)
        assert all(close(got.criterion_means[c], want.criterion_means[c]) for c in want.criterion_means)
        assert got.sheet_count == want.sheet_count
        assert close(got.total_std, want.total_std)
        assert dict(got.ranks_by_method) == dict(want.ranks_by_method)
        assert got.rank_interval == want.rank_interval
        assert (got.tied, got.on_podium, got.below_min_sheets, got.podium_fragile) == (
            want.tied,
            want.on_podium,
            want.below_min_sheets,
            want.podium_fragile,
        )
        assert len(got.podium_changes) == len(want.podium_changes)
        for want_change, got_change in zip(want.podium_changes, got.podium_changes, strict=True):
            assert (got_change.method, got_change.left_out_juror, got_change.rank) == (
                want_change.method,
                want_change.left_out_juror,
                want_change.rank,
            )
            assert close(got_change.aggregate, want_change.aggregate)


@PROPERTY
@given(edition=editions())
def test_rank_entries_equals_reference_engine(edition):
    expected, actual = both(edition)

    assert_same_ranking(expected, actual)


@PROPERTY
@given(edition=editions(), method=st.sampled_from(scoring.METHODS))
def test_rank_entries_equals_reference_engine_under_every_method(edition, method):
    entry_ids, sheets, criteria, scale, options = edition

    expected, actual = both((entry_ids, sheets, criteria, scale, {**options, "method": method}))

    assert_same_ranking(expected, actual)


@PROPERTY
@given(
    totals=st.lists(st.integers(0, 10), min_size=1, max_size=40),
    method=st.sampled_from(scoring.METHODS),
)
def test_rank_entries_equals_reference_engine_with_many_sheets_per_entry(totals, method):
    # Few entries, many jurors: medians of long lists, trimmed means past five sheets, clamped z-scores.
    sheets = [(juror, 1 + juror % 3, {1: value}) for juror, value in enumerate(totals, 1)]
    edition = ([1, 2, 3, 4], sheets, [(1, 1, 0)], (0, 10, 1), {"method": method, "prizes": 2})

    expected, actual = both(edition)

    assert_same_ranking(expected, actual)


def test_rank_entries_zscore_clamped_like_reference_engine():
    # Two entries far above a crowd of low ones: M + S * mean(z) passes the top of the scale.
    sheets = [(juror, entry, {1: 10 if entry <= 2 else 0}) for juror in (1, 2, 3) for entry in range(1, 9)]
    edition = (list(range(1, 10)), sheets, [(1, 1, 0)], (0, 10, 1), {"method": scoring.ZSCORE})

    expected, actual = both(edition)

    assert actual.rows[0].aggregate == 10.0
    assert_same_ranking(expected, actual)


@PROPERTY
@given(edition=editions())
def test_ranking_survives_pickling(edition):
    _, ranking = both(edition)

    copy = pickle.loads(pickle.dumps(ranking))  # noqa: S301 (our own bytes)

    assert copy == ranking
    assert all(isinstance(row.ranks_by_method, scoring.FrozenMapping) for row in copy.rows)
