"""The awards as the jury decided them: the one award order and the one joint-place rule.

Prizes come by place, then special mentions; within a place, by organisation name. A place is joint when
two or more prizes share it. Every page, email, certificate and API that lists awards uses these.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.contests.models import Edition
from app.extensions import db
from app.ranking.enums import AwardKind
from app.ranking.models import Award


def award_rank(kind: str, place: int | None) -> tuple[bool, int]:
    """Where an award of this kind and place stands: prizes by place, then special mentions."""
    return (kind != AwardKind.PRIZE, place or 0)


def award_order(award: Award) -> tuple:
    """The sort key of an award (its organisation loaded)."""
    return (*award_rank(award.kind, award.place), award.organisation.name, award.id)


def joint_places(awards: Iterable[Award]) -> set[int]:
    """The places shared by two or more prizes."""
    places = [a.place for a in awards if a.kind == AwardKind.PRIZE and a.place is not None]
    return {place for place in places if places.count(place) > 1}


def awards_by_edition(edition_ids: Iterable[int]) -> dict[int, list[Award]]:
    """The awards of these editions in award order, laureates and projects loaded, by edition id; one query
    for the awards and one each for their organisations and applications, whatever the number of editions."""
    ids = list(edition_ids)
    if not ids:
        return {}
    awards = db.session.scalars(
        select(Award)
        .where(Award.edition_id.in_(ids))
        .options(selectinload(Award.organisation), selectinload(Award.application))
    ).all()
    by_edition: dict[int, list[Award]] = {}
    for award in sorted(awards, key=award_order):
        by_edition.setdefault(award.edition_id, []).append(award)
    return by_edition


def edition_awards(edition: Edition) -> list[Award]:
    """The edition's awards in award order, laureates and projects loaded."""
    return awards_by_edition([edition.id]).get(edition.id, [])
