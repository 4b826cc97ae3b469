"""The jury's deliberation: the awards it decides, checked against the computed ranking.

`proposed_decisions` turns the computed podium into a first proposal; `departures` says in words how a
decision departs from the ranking; `record_awards` saves the decision, refusing (DecisionRefused, nothing
changed) an invalid one or a departure without the jury's justification. Flushes; the route commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.formatting import page_ordinal
from app.judging.models import JuryMember
from app.ranking import scoring
from app.ranking.awards import award_rank
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.ranking.numbers import rank
from app.ranking.scores import EditionScores, Entry

CITATION_MAX = 3000
JUSTIFICATION_MAX = 10000


def is_jury_chair(user, edition: Edition) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        db.session.scalar(
            select(JuryMember.id).where(
                JuryMember.edition_id == edition.id, JuryMember.user_id == user.id, JuryMember.is_chair
            )
        )
    )


@dataclass(frozen=True)
class AwardDecision:
    """The jury's decision for one entry: a prize at `place`, or a special mention (place None), and its
    citation in English, in French or in both."""

    application_id: int
    kind: str
    place: int | None
    citation_en: str
    citation_fr: str = ""


class DecisionRefused(ValueError):
    """The awards cannot be saved; `problems` says why, in words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def proposed_decisions(ranking: scoring.Ranking) -> dict[int, AwardDecision]:
    """The computed podium as a decision: each entry on it at its computed rank, citation to write."""
    return {
        row.entry_id: AwardDecision(row.entry_id, AwardKind.PRIZE, row.rank, "")
        for row in ranking.rows
        if row.on_podium
    }


def current_decisions(awards: Iterable[Award]) -> dict[int, AwardDecision]:
    return {
        a.application_id: AwardDecision(a.application_id, a.kind, a.place, a.citation_en, a.citation_fr)
        for a in awards
        if a.application_id is not None
    }


def departures(
    ranking: scoring.Ranking, decisions: Iterable[AwardDecision], entries: Mapping[int, Entry]
) -> list[str]:
    """How the prizes depart from the computed ranking, in words; empty when they follow it.

    They follow it when the entries given a place are exactly those on the computed podium, there is a
    first place, and every pair ranked apart keeps its order with distinct places. Entries tied in the
    ranking may share a place or be split either way. Special mentions never depart.
    """
    rank_of = {row.entry_id: row.rank for row in ranking.rows}
    podium = {row.entry_id for row in ranking.rows if row.on_podium}
    places = {
        d.application_id: d.place for d in decisions if d.kind == AwardKind.PRIZE and d.place is not None
    }

    def name(entry_id: int) -> str:
        entry = entries.get(entry_id)
        return f"{entry.reference} ({entry.organisation})" if entry else f"#{entry_id}"

    def rank_words(entry_id: int) -> str:
        rank_ = rank_of.get(entry_id)
        return page_ordinal(rank_) if rank_ is not None else _("unranked")

    problems = []
    for entry_id in sorted(set(places) - podium, key=lambda e: (rank_of.get(e, 10**9), e)):
        problems.append(
            _(
                "%(entry)s receives the %(place)s place but is ranked %(rank)s.",
                entry=name(entry_id),
                place=page_ordinal(places[entry_id]),
                rank=rank_words(entry_id),
            )
        )
    for entry_id in sorted(podium - set(places), key=lambda e: (rank_of[e], e)):
        problems.append(
            _(
                "%(entry)s is ranked %(rank)s but receives no place.",
                entry=name(entry_id),
                rank=rank_words(entry_id),
            )
        )
    common = sorted(podium & set(places), key=lambda e: (rank_of[e], e))
    for index, higher in enumerate(common):
        for lower in common[index + 1 :]:
            if rank_of[higher] == rank_of[lower]:
                continue
            if places[higher] > places[lower]:
                problems.append(
                    _(
                        "%(lower)s is placed above %(higher)s, though ranked below it.",
                        lower=name(lower),
                        higher=name(higher),
                    )
                )
            elif places[higher] == places[lower]:
                problems.append(
                    _(
                        "%(a)s and %(b)s share the %(place)s place, though the ranking separates them.",
                        a=name(higher),
                        b=name(lower),
                        place=page_ordinal(places[higher]),
                    )
                )
    if places and min(places.values()) != 1:
        problems.append(_("No first place is awarded."))
    return problems


def _award_snapshot(award: Award, references: Mapping[int, str]) -> dict:
    return {
        "application": references.get(award.application_id, award.application_id),
        "organisation_id": award.organisation_id,
        "kind": award.kind,
        "place": award.place,
        "citation_en": award.citation_en,
        "citation_fr": award.citation_fr,
    }


def record_awards(
    edition: Edition,
    scores: EditionScores,
    decisions: Sequence[AwardDecision],
    justification: str,
    actor,
    now: datetime | None = None,
) -> bool:
    """Replace the edition's awards with `decisions`; True when something changed.

    Raises DecisionRefused, having changed nothing, when a decision is invalid (an entry that is not an
    eligible entry of the edition, a place outside 1 to prizes_count, a missing citation, no prize at all)
    or when the prizes depart from the computed ranking and `justification` is blank.
    """
    now = now or utcnow()
    justification = justification.strip()
    problems = _decision_problems(edition, scores, decisions)
    if problems:
        raise DecisionRefused(problems)
    ranking = rank(scores)
    departs = departures(ranking, decisions, scores.entries) if ranking else []
    if departs and not justification:
        raise DecisionRefused(
            [_("The awards depart from the computed ranking: write the jury's justification."), *departs]
        )
    references = {entry.id: entry.reference for entry in scores.entries.values()}
    current = db.session.scalars(select(Award).where(Award.edition_id == edition.id)).all()
    before = sorted((_award_snapshot(a, references) for a in current), key=_snapshot_order)
    justification_changed = any(a.justification != justification for a in current)
    wanted = {d.application_id for d in decisions}
    kept = {}
    for award in current:
        if award.application_id in wanted:
            kept[award.application_id] = award
        else:
            db.session.delete(award)
    # Deletions reach the database before insertions: (edition, organisation) is unique.
    db.session.flush()
    for decision in decisions:
        award = kept.get(decision.application_id)
        if award is None:
            entry = scores.entries[decision.application_id]
            award = Award(
                edition_id=edition.id, organisation_id=entry.organisation_id, application_id=entry.id
            )
            db.session.add(award)
        award.kind = decision.kind
        award.place = decision.place
        award.citation_en = decision.citation_en.strip()
        award.citation_fr = decision.citation_fr.strip()
        award.justification = justification
        if award in db.session.new or db.session.is_modified(award):
            award.decided_by_id = getattr(actor, "id", None)
            award.decided_at = now
    db.session.flush()
    awards = db.session.scalars(select(Award).where(Award.edition_id == edition.id)).all()
    after = sorted((_award_snapshot(a, references) for a in awards), key=_snapshot_order)
    if before == after and not justification_changed:
        return False
    record(
        "awards.recorded",
        edition,
        edition_id=edition.id,
        before={"awards": before},
        after={"awards": after, "justification": justification, "departures": departs},
        actor=actor,
    )
    return True


def _snapshot_order(snapshot: dict) -> tuple:
    return (*award_rank(snapshot["kind"], snapshot["place"]), str(snapshot["application"]))


def _decision_problems(
    edition: Edition, scores: EditionScores, decisions: Sequence[AwardDecision]
) -> list[str]:
    problems = []
    seen = set()
    for decision in decisions:
        entry = scores.entries.get(decision.application_id)
        if entry is None:
            problems.append(_("Only the eligible applications of this edition can receive an award."))
            continue
        if decision.application_id in seen:
            problems.append(_("%(entry)s has more than one award.", entry=entry.reference))
        seen.add(decision.application_id)
        if decision.kind == AwardKind.PRIZE:
            if decision.place is None or not 1 <= decision.place <= edition.prizes_count:
                problems.append(
                    _(
                        "%(entry)s: a place runs from 1 to %(count)d.",
                        entry=entry.reference,
                        count=edition.prizes_count,
                    )
                )
        elif decision.kind != AwardKind.SPECIAL_MENTION or decision.place is not None:
            problems.append(_("%(entry)s: unknown kind of award.", entry=entry.reference))
        citations = (decision.citation_en, decision.citation_fr)
        if not any(citation.strip() for citation in citations):
            problems.append(
                _(
                    "Write the citation for %(entry)s (%(organisation)s) in English, in French or in both.",
                    entry=entry.reference,
                    organisation=entry.organisation,
                )
            )
        elif any(len(citation) > CITATION_MAX for citation in citations):
            problems.append(_("%(entry)s: the citation is too long.", entry=entry.reference))
    if not any(d.kind == AwardKind.PRIZE for d in decisions):
        problems.append(_("Give at least one place."))
    return problems
