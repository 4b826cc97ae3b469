"""Properties of the pure assignment functions (app/judging/allocation.py), over random juries and entries."""

import random
from collections import deque
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.judging.allocation import Exclusion, balanced, every_pair, exclusions


@st.composite
def instances(draw, max_jurors=9, max_entries=14):
    """Jurors, entries, k and a random set of excluded pairs (up to all of them)."""
    jurors = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=max_jurors, unique=True))
    entries = draw(st.lists(st.integers(1, 10_000), min_size=0, max_size=max_entries, unique=True))
    k = draw(st.integers(1, max_jurors + 1))
    density = draw(st.sampled_from([0.0, 0.1, 0.3, 0.7, 1.0]))
    rng = random.Random(draw(st.integers(0, 2**32)))
    excluded = {(j, e) for j in jurors for e in entries if rng.random() < density}
    seed = draw(st.integers(0, 2**31))
    return jurors, entries, k, excluded, seed


def allowed_count(jurors, entry, excluded):
    return sum(1 for j in jurors if (j, entry) not in excluded)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_balanced_each_entry_gets_k_or_all_allowed_jurors_and_shortfall_is_reported(instance):
    jurors, entries, k, excluded, seed = instance

    plan = balanced(jurors, entries, k, excluded=excluded, seed=seed)

    for entry in entries:
        allowed = allowed_count(jurors, entry, excluded)
        assert len(plan.jurors_of(entry)) == min(k, allowed)
        assert plan.shortfall.get(entry, 0) == max(0, k - allowed)
    assert set(plan.shortfall) <= set(entries)
    assert all(missing > 0 for missing in plan.shortfall.values())


@settings(max_examples=300, deadline=None)
@given(instances())
def test_balanced_never_assigns_an_excluded_pair_or_an_unknown_id(instance):
    jurors, entries, k, excluded, seed = instance

    plan = balanced(jurors, entries, k, excluded=excluded, seed=seed)

    assert not plan.pairs & excluded
    assert {j for j, _ in plan.pairs} <= set(jurors)
    assert {e for _, e in plan.pairs} <= set(entries)
    assert plan.loads == {j: sum(1 for jj, _ in plan.pairs if jj == j) for j in jurors}


@settings(max_examples=300, deadline=None)
@given(instances())
def test_balanced_no_chain_of_handovers_could_even_out_the_loads(instance):
    """The balance contract: no juror reaches a juror with two entries fewer through hand-overs."""
    jurors, entries, k, excluded, seed = instance

    plan = balanced(jurors, entries, k, excluded=excluded, seed=seed)

    held = {j: {e for jj, e in plan.pairs if jj == j} for j in jurors}

    def takers(giver):
        return {
            taker
            for entry in held[giver]
            for taker in jurors
            if entry not in held[taker] and (taker, entry) not in excluded
        }

    for source in jurors:
        seen, queue = {source}, deque([source])
        while queue:
            for taker in takers(queue.popleft()) - seen:
                assert plan.loads[taker] > plan.loads[source] - 2, (source, taker, plan.loads)
                seen.add(taker)
                queue.append(taker)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_balanced_loads_differ_by_at_most_one_without_exclusions(instance):
    jurors, entries, k, _excluded, seed = instance

    plan = balanced(jurors, entries, k, seed=seed)

    assert max(plan.loads.values()) - min(plan.loads.values()) <= 1
    assert sum(plan.loads.values()) == len(entries) * min(k, len(jurors))


@settings(max_examples=150, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_balanced_is_reproducible_whatever_the_input_order(instance, shuffler):
    jurors, entries, k, excluded, seed = instance
    shuffled_jurors, shuffled_entries = list(jurors), list(entries)
    shuffler.shuffle(shuffled_jurors)
    shuffler.shuffle(shuffled_entries)

    first = balanced(jurors, entries, k, excluded=excluded, seed=seed)
    again = balanced(shuffled_jurors, shuffled_entries, k, excluded=list(excluded), seed=seed)

    assert again == first


@settings(max_examples=100, deadline=None)
@given(instances(max_jurors=6, max_entries=6))
def test_balanced_is_as_even_as_any_plan_with_the_same_coverage(instance):
    """On small instances, no other valid plan has a smaller sum of squared loads (brute force)."""
    jurors, entries, k, excluded, seed = instance
    plan = balanced(jurors, entries, k, excluded=excluded, seed=seed)

    vectors = {tuple(0 for _ in jurors)}  # every load vector a valid plan can reach, entry by entry
    for entry in entries:
        allowed = [i for i, j in enumerate(jurors) if (j, entry) not in excluded]
        size = min(k, len(allowed))
        vectors = {
            tuple(load + (i in chosen) for i, load in enumerate(vector))
            for vector in vectors
            for chosen in map(set, combinations(allowed, size))
        }
    best = min(sum(load * load for load in vector) for vector in vectors)

    assert sum(load * load for load in plan.loads.values()) == best


def test_balanced_seed_changes_who_takes_the_spare_entry():
    plans = {balanced(range(1, 4), [1], 1, seed=seed).pairs for seed in range(20)}

    assert len(plans) > 1


def test_balanced_known_case_reports_shortfall():
    excluded = {(1, 10), (2, 10)}

    plan = balanced([1, 2, 3], [10, 11], 2, excluded=excluded, seed=5)

    assert plan.jurors_of(10) == {3}
    assert dict(plan.shortfall) == {10: 1}
    assert len(plan.jurors_of(11)) == 2


def test_balanced_refuses_k_below_one():
    with pytest.raises(ValueError):
        balanced([1], [1], 0)


def test_every_pair_skips_excluded_pairs():
    assert every_pair([1, 2], [10, 11], {(1, 10)}) == {(1, 11), (2, 10), (2, 11)}


def test_exclusions_give_every_reason():
    found = exclusions(
        {1: "FR", 2: "de", 3: None}, {10: "FR", 11: "DE", 12: "CZ"}, [(1, 10), (3, 12), (9, 12)]
    )

    assert found == {
        (1, 10): (Exclusion.SAME_COUNTRY, Exclusion.DECLARED_CONFLICT),
        (2, 11): (Exclusion.SAME_COUNTRY,),
        (3, 12): (Exclusion.DECLARED_CONFLICT,),
    }


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.integers(1, 50), st.sampled_from(["FR", "DE", "IT", None]), max_size=8),
    st.dictionaries(st.integers(1, 50), st.sampled_from(["FR", "DE", "CZ"]), max_size=8),
)
def test_exclusions_same_country_exactly_when_countries_match(jurors, entries):
    found = exclusions(jurors, entries)

    for j, country in jurors.items():
        for e, entry_country in entries.items():
            assert ((j, e) in found) == (country is not None and country == entry_country)
