"""Who scores which entry: conflicts of interest, every allowed pair, or a balanced share of k per entry.

Pure: standard library only. Jurors and entries are plain ids; a pair is (juror_id, entry_id).
"""

from __future__ import annotations

import enum
import random
from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

Pair = tuple[int, int]  # (juror_id, entry_id)


class Exclusion(enum.StrEnum):
    """Why a juror may not score an entry."""

    SAME_COUNTRY = "same_country"
    DECLARED_CONFLICT = "declared_conflict"


def exclusions(
    juror_countries: Mapping[int, str | None],
    entry_countries: Mapping[int, str | None],
    declared: Iterable[Pair] = (),
) -> dict[Pair, tuple[Exclusion, ...]]:
    """Every (juror, entry) pair that may not be assigned, with all its reasons.

    A juror never scores an entry from their own country (a juror without a recorded country has none to
    clash with), nor an entry they declared a conflict of interest with. Declared pairs naming a juror or an
    entry outside the mappings are ignored.
    """
    reasons: dict[Pair, list[Exclusion]] = {}
    for juror_id, juror_country in juror_countries.items():
        if not juror_country:
            continue
        for entry_id, entry_country in entry_countries.items():
            if entry_country and entry_country.upper() == juror_country.upper():
                reasons.setdefault((juror_id, entry_id), []).append(Exclusion.SAME_COUNTRY)
    for juror_id, entry_id in declared:
        if juror_id in juror_countries and entry_id in entry_countries:
            found = reasons.setdefault((juror_id, entry_id), [])
            if Exclusion.DECLARED_CONFLICT not in found:
                found.append(Exclusion.DECLARED_CONFLICT)
    return {pair: tuple(found) for pair, found in reasons.items()}


def every_pair(
    jurors: Iterable[int], entries: Iterable[int], excluded: Collection[Pair] = ()
) -> frozenset[Pair]:
    """The default for a small jury: every juror scores every entry they are allowed to."""
    excluded = frozenset(excluded)
    entry_ids = set(entries)
    return frozenset(
        (juror_id, entry_id)
        for juror_id in set(jurors)
        for entry_id in entry_ids
        if (juror_id, entry_id) not in excluded
    )


@dataclass(frozen=True)
class Plan:
    """A balanced assignment: the pairs, each juror's load, and each entry's shortfall."""

    k: int
    pairs: frozenset[Pair]
    loads: Mapping[int, int]  # every juror, those with no entry included
    shortfall: Mapping[int, int]  # entry id -> jurors missing to reach k; only entries that are short

    def jurors_of(self, entry_id: int) -> frozenset[int]:
        return frozenset(juror_id for juror_id, entry in self.pairs if entry == entry_id)


def balanced(
    jurors: Iterable[int],
    entries: Iterable[int],
    k: int,
    *,
    excluded: Collection[Pair] = (),
    seed: int = 0,
) -> Plan:
    """Give every entry k jurors, spreading the work as evenly as the exclusions allow.

    The contract, for the jurors and entries given (duplicates ignored):
      coverage      entry e gets exactly min(k, a_e) jurors, a_e being the number of jurors allowed to score
                    it; `shortfall[e] = k - a_e` for every entry with a_e < k, and only for those;
      exclusions    no excluded pair is assigned, and no pair twice;
      balance       no juror can pass one of their entries, directly or along a chain of jurors who each
                    pass one entry on to the next, to a juror who would accept it and has at least two
                    entries fewer. This is exactly the condition for the smallest possible sum of squared
                    loads among all plans with the same coverage, so the loads are as even as the
                    exclusions allow; in particular, with no exclusion, loads differ by at most one;
      reproducible  the same jurors, entries, k, exclusions and seed give the same plan, whatever the
                    order of the inputs.
    """
    if k < 1:
        raise ValueError("each entry needs at least one juror (k >= 1)")
    rng = random.Random(seed)
    juror_order = sorted(set(jurors))
    entry_order = sorted(set(entries))
    # The seed decides who takes the spare entries when the loads cannot be exactly equal.
    rng.shuffle(juror_order)
    rng.shuffle(entry_order)
    juror_rank = {juror_id: index for index, juror_id in enumerate(juror_order)}
    excluded = frozenset(excluded)
    allowed = {e: [j for j in juror_order if (j, e) not in excluded] for e in entry_order}

    load = dict.fromkeys(juror_order, 0)
    held: dict[int, set[int]] = {j: set() for j in juror_order}
    # Entries with the fewest allowed jurors first, so the flexible ones fill in around them.
    for entry_id in sorted(entry_order, key=lambda e: len(allowed[e])):
        for juror_id in sorted(allowed[entry_id], key=lambda j: (load[j], juror_rank[j]))[:k]:
            held[juror_id].add(entry_id)
            load[juror_id] += 1

    while (chain := _improving_chain(juror_order, entry_order, allowed, held, load)) is not None:
        for giver, taker, entry_id in chain:
            held[giver].discard(entry_id)
            held[taker].add(entry_id)
        load[chain[0][0]] -= 1
        load[chain[-1][1]] += 1

    pairs = frozenset((j, e) for j, entry_ids in held.items() for e in entry_ids)
    shortfall = {e: k - len(allowed[e]) for e in sorted(entry_order) if len(allowed[e]) < k}
    loads = {j: load[j] for j in sorted(load)}
    return Plan(k=k, pairs=pairs, loads=MappingProxyType(loads), shortfall=MappingProxyType(shortfall))


def _improving_chain(
    juror_order: list[int],
    entry_order: list[int],
    allowed: Mapping[int, list[int]],
    held: Mapping[int, set[int]],
    load: Mapping[int, int],
) -> list[tuple[int, int, int]] | None:
    """A chain of hand-overs (giver, taker, entry) from a juror of load L to one of load <= L - 2, or None.

    Searches breadth-first from every juror of the same load at once, the highest loads first, so each
    search is linear in the number of pairs and there are as many searches as distinct loads.
    """
    entry_rank = {entry_id: index for index, entry_id in enumerate(entry_order)}
    for level in sorted(set(load.values()), reverse=True):
        sources = [j for j in juror_order if load[j] == level]
        parent: dict[int, tuple[int, int] | None] = dict.fromkeys(sources)
        queue = deque(sources)
        while queue:
            giver = queue.popleft()
            for entry_id in sorted(held[giver], key=entry_rank.__getitem__):
                for taker in allowed[entry_id]:
                    if taker in parent or entry_id in held[taker]:
                        continue
                    parent[taker] = (giver, entry_id)
                    if load[taker] <= level - 2:
                        chain = []
                        node = taker
                        while parent[node] is not None:
                            previous, moved = parent[node]
                            chain.append((previous, node, moved))
                            node = previous
                        return chain[::-1]
                    queue.append(taker)
    return None
