"""The jury's part of the demo: the 2013 jury's submitted sheets, and a jury ready for the current edition.

Everything here is fictional: the jurors, their scores and comments. The scores are drawn (deterministically)
so that the ranking they produce reproduces the published 2013 result, Obrnice, Heraklion, Kocaeli, by a
clear margin under every aggregation method: each juror rates the three laureates in that order and above
every other entry. One juror is recused from one entry for a declared conflict; one juror scores about two
points lower than the others throughout.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.auth.enums import Role
from app.auth.models import User
from app.contests.models import Criterion, Edition
from app.extensions import db
from app.judging.conflicts import excluded_pairs
from app.judging.enums import SheetStatus
from app.judging.models import Assignment, ConflictOfInterest, CriterionScore, JuryMember, ScoreSheet
from app.judging.queries import eligible_entries, membership

EDITION_2013 = "dosta-2013"
EDITION_CURRENT = "dosta-2027"
JUROR_EMAILS = tuple(f"juror{n}@demo.test" for n in range(1, 6))
CHAIR = "juror1@demo.test"
HARSH = "juror4@demo.test"  # scores about two points lower than the others
HARSH_OFFSET = -2
RECUSING = "juror2@demo.test"
RECUSAL_REASON = (
    "Before joining the jury I advised this municipality on the design of its project, on behalf of a "
    "foundation that co-funds it (fictional demo recusal)."
)

# Where each laureate stands on a 0–10 scale for a juror of average severity; the other entries draw a level
# below the third place, so that no other entry can come close to the podium.
LAUREATE_LEVELS = {"Obrnice": 9, "Heraklion": 8, "Kocaeli": 7}
OTHER_LEVELS = (3, 4, 5)

OVERALL_COMMENTS = {
    "Obrnice": "A model of joint work by Roma and non-Roma residents, with results the whole town can see.",
    "Heraklion": "Concrete support in education and health, and a campaign that reaches children early.",
    "Kocaeli": "A wide regional programme; the cultural projects make Roma culture visible to everyone.",
}
OTHER_COMMENTS = (
    "A sound project; the application gives little evidence of results so far.",
    "Good intentions; the link between the activities and the criteria could be clearer.",
    "Useful at local level; hard to see what other municipalities could take from it.",
    "",
)


def load_jury_demo() -> str:
    """Seat the demo juries and write the 2013 sheets (the caller commits); '' without the demo data."""
    edition = _edition(EDITION_2013)
    jurors = _jurors()
    if edition is None or len(jurors) != len(JUROR_EMAILS):
        return ""
    parts = [_judge_2013(edition, jurors)]
    current = _edition(EDITION_CURRENT)
    if current is not None and membership(current, jurors[0]) is None:
        _seat(current, jurors, added_at=current.submissions_open_at + timedelta(days=7))
        db.session.flush()
        parts.append(
            f"the {len(jurors)} jurors are also the jury of {EDITION_CURRENT}, ready for its screening"
        )
    return "; ".join(parts)


def _edition(slug: str) -> Edition | None:
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def _jurors() -> list[User]:
    found = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(User.email.in_(JUROR_EMAILS), User.role == Role.JUROR)
        )
    }
    return [found[email] for email in JUROR_EMAILS if email in found]


def _seat(edition: Edition, jurors: list[User], added_at: datetime) -> list[JuryMember]:
    members = [
        JuryMember(edition_id=edition.id, user=user, is_chair=user.email == CHAIR, added_at=added_at)
        for user in jurors
    ]
    db.session.add_all(members)
    return members


def _judge_2013(edition: Edition, jurors: list[User]) -> str:
    rng = random.Random(2013)
    members = _seat(edition, jurors, added_at=edition.submissions_open_at + timedelta(days=30))
    db.session.flush()
    entries = eligible_entries(edition)
    excluded = excluded_pairs(members, entries)
    criteria = list(edition.criteria)
    levels = {
        entry.id: LAUREATE_LEVELS.get(entry.organisation.name) or rng.choice(OTHER_LEVELS)
        for entry in entries
    }
    recusing = next(user for user in jurors if user.email == RECUSING)
    recused_entry = next(
        entry
        for entry in entries
        if entry.organisation.name not in LAUREATE_LEVELS and (recusing.id, entry.id) not in excluded
    )
    judging_starts = edition.submissions_close_at + timedelta(days=8)
    sheets = 0
    for entry in entries:
        for user in jurors:
            if (user.id, entry.id) in excluded:
                continue
            assigned_at = judging_starts
            assignment = Assignment(application_id=entry.id, juror=user, created_at=assigned_at)
            db.session.add(assignment)
            if user is recusing and entry is recused_entry:
                declared_at = assigned_at + timedelta(days=3)
                assignment.recused_at = declared_at
                assignment.recusal_reason = RECUSAL_REASON
                db.session.add(
                    ConflictOfInterest(
                        juror_id=user.id,
                        application_id=entry.id,
                        reason=RECUSAL_REASON,
                        declared_at=declared_at,
                    )
                )
                continue
            offset = HARSH_OFFSET if user.email == HARSH else 0
            laureate = entry.organisation.name in LAUREATE_LEVELS
            points = _points(rng, levels[entry.id] + offset, criteria, balanced=laureate)
            submitted_at = assigned_at + timedelta(days=rng.randint(5, 45), hours=rng.randint(8, 20))
            sheet = ScoreSheet(
                assignment=assignment,
                status=SheetStatus.SUBMITTED,
                overall_comment=OVERALL_COMMENTS.get(entry.organisation.name) or rng.choice(OTHER_COMMENTS),
                created_at=submitted_at - timedelta(days=rng.randint(0, 4)),
                updated_at=submitted_at,
                submitted_at=submitted_at,
            )
            for criterion, value in zip(criteria, points, strict=True):
                sheet.scores.append(
                    CriterionScore(criterion_id=criterion.id, value=_on_scale(edition, value))
                )
            db.session.add(sheet)
            sheets += 1
    db.session.flush()
    pairs = "pair" if len(excluded) == 1 else "pairs"
    return (
        f"the 2013 jury ({len(jurors)} jurors) submitted {sheets} score sheets on {len(entries)} eligible "
        f"entries ({len(excluded)} juror-entry {pairs} excluded as same-country, 1 recusal)"
    )


def _points(rng: random.Random, level: int, criteria: list[Criterion], *, balanced: bool) -> list[float]:
    """One sheet's scores in points out of 10: the level, give or take one point per criterion.

    A laureate's ups and downs cancel out in the weighted mean (to within a third of a point), so that
    each juror's ranking of the three laureates is exactly their levels' order whatever the weights.
    """
    if not balanced:
        return [min(10, max(0, level + rng.choice((-1, 0, 1)))) for _ in criteria]
    weights = [float(criterion.weight) for criterion in criteria]
    pattern = [-1, 1, 0] + [0] * (len(criteria) - 3) if len(criteria) >= 3 else [0] * len(criteria)
    rng.shuffle(pattern)
    drift = sum(w * n for w, n in zip(weights, pattern, strict=True)) / sum(weights)
    if abs(drift) > 1 / 3:
        pattern = [0] * len(criteria)
    return [min(10, max(0, level + n)) for n in pattern]


def _on_scale(edition: Edition, points: float) -> Decimal:
    """Points out of 10 on the edition's own scale, on its step."""
    low, high, step = Decimal(edition.score_min), Decimal(edition.score_max), Decimal(edition.score_step)
    value = low + (high - low) * Decimal(str(points)) / 10
    steps = ((value - low) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(high, max(low, low + steps * step))
