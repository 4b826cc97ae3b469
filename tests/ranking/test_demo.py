"""The ranking demo check of the 2013 edition."""

from app.ranking.demo import load_ranking_demo
from app.ranking.models import Award
from tests.ranking.conftest import build_small_edition


def test_load_ranking_demo_without_2013_edition(app):
    assert load_ranking_demo() == "ranking: no dosta-2013 edition"


def test_load_ranking_demo_reports_podium_and_awards(app, make, db):
    small = build_small_edition(make, slug="dosta-2013")
    for letter, place in (("A", 1), ("B", 2), ("C", 3)):
        entry = small.entries[letter]
        db.session.add(
            Award(
                edition_id=small.edition.id,
                organisation_id=entry.organisation_id,
                application_id=entry.id,
                kind="prize",
                place=place,
                citation="c",
            )
        )
    db.session.flush()

    summary = load_ranking_demo()

    assert summary == (
        "ranking of dosta-2013: Obrnice 1, Ηράκλειο 2, Kocaeli 3 "
        "(the awards follow it; jury report drawn on request)"
    )
