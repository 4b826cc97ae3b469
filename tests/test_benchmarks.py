"""The benchmarks' instruments on a tiny edition: the builder builds what it says, the raw SQL agrees with the
app, the pages and exports they measure answer. Nothing here is timed (docs/benchmarks.md has the figures)."""

import importlib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.contests.enums import Phase
from app.models import (
    Application,
    Assignment,
    Award,
    CriterionAnswer,
    CriterionScore,
    Edition,
    JuryMember,
    ScoreSheet,
)

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def benchmarks(monkeypatch):
    """The benchmarks' modules, imported as their scripts import each other."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return {name: importlib.import_module(name) for name in ("large_edition", "ranking", "list_pages")}


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_large_edition_has_every_juror_score_every_entry(db, benchmarks):
    edition_id = benchmarks["large_edition"].build(entries=6, jurors=3, criteria=3, seed=2)

    edition = db.session.get(Edition, edition_id)
    assert edition.phase() == Phase.DELIBERATION
    assert [criterion.weight for criterion in edition.criteria] == [Decimal("2.5"), Decimal("1.5"), 1]
    assert count(db, Application, Application.edition_id == edition_id, Application.status == "eligible") == 6
    assert count(db, CriterionAnswer) == 18
    assert count(db, JuryMember, JuryMember.edition_id == edition_id) == 3
    assert count(db, JuryMember, JuryMember.is_chair) == 1
    assert count(db, Assignment) == 18
    assert count(db, ScoreSheet, ScoreSheet.status == "submitted") == 18
    values = db.session.scalars(select(CriterionScore.value)).all()
    assert len(values) == 54
    assert all(0 <= value <= 10 and value * 2 == int(value * 2) for value in values)
    assert count(db, Award) == 0


def test_large_edition_scores_follow_the_seed(db, benchmarks):
    build = benchmarks["large_edition"].build
    first, second, other = build(4, 2, seed=5), build(4, 2, seed=5), build(4, 2, seed=6)

    def scores(edition_id):
        return db.session.execute(
            select(CriterionScore.value)
            .join(ScoreSheet)
            .join(Assignment)
            .join(Application)
            .where(Application.edition_id == edition_id)
            .order_by(CriterionScore.id)
        ).all()

    assert scores(first) == scores(second)
    assert scores(first) != scores(other)


def test_published_large_edition_shows_its_laureates(db, client, benchmarks):
    edition_id = benchmarks["large_edition"].build(entries=5, jurors=2, published=True)

    edition = db.session.get(Edition, edition_id)
    assert edition.phase() == Phase.PUBLISHED
    assert sorted(award.place or 0 for award in db.session.scalars(select(Award))) == [0, 1, 2, 3]
    first = db.session.scalar(select(Award).where(Award.place == 1))
    page = client.get(f"/editions/{edition.slug}/results")
    assert page.status_code == 200
    assert first.organisation.name in page.get_data(as_text=True)


def test_raw_sql_agrees_with_the_app_and_the_ranking_page_answers(app, db, client, benchmarks):
    large_edition, ranking = benchmarks["large_edition"], benchmarks["ranking"]
    edition_id = large_edition.build(entries=5, jurors=3, seed=3)

    ranking.check_agreement(edition_id)  # raises SystemExit when they differ
    assert len(ranking.raw_means(edition_id)) == 5
    ranking.make_a_change(app, edition_id)
    assert count(db, Application, Application.status == "eligible") == 5
    import harness

    harness.sign_in(client, large_edition.people(edition_id)["organiser"])
    assert ranking.page(client, f"/manage/editions/{edition_id}/ranking")


def test_list_pages_views_and_exports_answer(app, client, benchmarks):
    large_edition, list_pages = benchmarks["large_edition"], benchmarks["list_pages"]
    edition_id = large_edition.build(entries=3, jurors=2)
    people = large_edition.people(edition_id)
    import harness

    harness.sign_in(client, people["organiser"])
    for url in list_pages.ORGANISER_PAGES.values():
        assert list_pages.view(client, url.format(edition=edition_id))() > 0
    for kind in list_pages.EXPORTS:
        assert list_pages.export(app, kind, edition_id)() > 0
