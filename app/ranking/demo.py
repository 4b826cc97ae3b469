"""Demo ranking: the 2013 edition's awards already exist (app/demo.py); this checks that its sheets agree.

The jury report is not part of the demo: a job draws it from the sheets and the awards whenever an organiser
asks for it on the ranking page (app/ranking/prepared.py), so there is nothing to record here.
"""

from __future__ import annotations

from sqlalchemy import select

from app.contests.models import Edition
from app.extensions import db
from app.ranking.awards import edition_awards
from app.ranking.deliberation import current_decisions, departures
from app.ranking.numbers import ranking_numbers
from app.ranking.scores import load_scores
from app.ranking.view import ranking_view

DEMO_EDITION_SLUG = "dosta-2013"


def load_ranking_demo() -> str:
    """Compare the 2013 computed podium with its recorded awards; changes nothing, says what it found."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == DEMO_EDITION_SLUG))
    if edition is None:
        return f"ranking: no {DEMO_EDITION_SLUG} edition"
    scores = load_scores(edition)
    view = ranking_view(scores, ranking_numbers(scores))
    if view.ranking is None or not view.sheet_count:
        return f"ranking: {DEMO_EDITION_SLUG} has no submitted score sheets"
    podium = [f"{row.entry.organisation} {row.ranked.rank}" for row in view.rows if row.ranked.on_podium]
    awards = edition_awards(edition)
    follows = not departures(view.ranking, current_decisions(awards).values(), view.scores.entries)
    verdict = (
        "the awards follow it"
        if awards and follows
        else "the awards depart from it"
        if awards
        else "no awards"
    )
    return f"ranking of {DEMO_EDITION_SLUG}: {', '.join(podium)} ({verdict}; jury report drawn on request)"
