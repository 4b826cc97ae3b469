"""Every change the ranking depends on bumps the edition's ranking version in its own transaction, and the
ranking page then shows the new numbers (never a kept, stale ranking); other changes bump nothing."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.contests.models import Criterion, Edition
from app.judging import jury, screening, sheets
from app.judging.assignments import delete_assignments, remove_assignment
from app.judging.enums import SheetStatus
from app.judging.models import Assignment, JuryMember, ScoreSheet
from app.privacy import erasure
from app.ranking import numbers
from app.ranking.numbers import rank, ranking_numbers
from app.ranking.scores import load_scores
from tests.conftest import counting_queries
from tests.judging.helpers import post_sheet
from tests.ranking.conftest import build_small_edition
from tests.ranking.test_routes import cells, ranking_url, row_of


def version(db, edition) -> int:
    db.session.rollback()  # what is committed, as the next request sees it
    return db.session.scalar(select(Edition.ranking_version).where(Edition.id == edition.id))


def aggregate_of(small, letter):
    return rank(load_scores(small.edition)).row(small.id_of(letter)).aggregate


def sheet_of(db, small, letter, juror):
    return db.session.scalar(
        select(ScoreSheet)
        .join(Assignment)
        .where(
            Assignment.application_id == small.id_of(letter), Assignment.juror_id == small.jurors[juror].id
        )
    )


@pytest.fixture
def warm(small, db):
    """The small edition with its ranking computed once and kept."""
    assert aggregate_of(small, "A") == 9.0
    return small


def test_sheet_submitted_through_the_form_bumps_version_and_the_page_shows_it(client, auth, make, db):
    small = build_small_edition(make, phase="judging")
    db.session.commit()
    auth.login(small.organiser.email)
    assert (
        cells(row_of(client.get(ranking_url(small)).get_data(as_text=True), "Demo Municipality 5"))[2]
        == "2.50"
    )
    auth.logout()
    before = version(db, small.edition)
    assignment = make.assignment(small.entries["E"], small.jurors["two"])
    db.session.commit()
    assert version(db, small.edition) == before  # a new assignment, no sheet yet: nothing to rank
    auth.login(small.jurors["two"].email)
    criteria = list(small.edition.criteria)

    post_sheet(auth, assignment, criteria, [7, 7, 7])  # a draft counts for nothing
    assert version(db, small.edition) == before
    response = post_sheet(auth, assignment, criteria, [7, 7, 7], submit=True)

    assert response.status_code == 302
    assert version(db, small.edition) > before
    auth.logout()
    auth.login(small.organiser.email)
    html = client.get(ranking_url(small)).get_data(as_text=True)
    assert cells(row_of(html, "Demo Municipality 5"))[2] == "4.00"  # (3 + 7 + 2) / 3


def test_submitted_sheet_updated_bumps_version(warm, db):
    before = version(db, warm.edition)
    sheet = sheet_of(db, warm, "A", "two")
    criteria = list(warm.edition.criteria)
    sent = sheets.SheetValues({c.id: Decimal(2) for c in criteria}, {c.id: "" for c in criteria}, "")

    sheets.save_sheet(sheet.assignment, sent, sheet.version, True, warm.jurors["two"])
    db.session.commit()

    assert version(db, warm.edition) > before
    assert aggregate_of(warm, "A") == pytest.approx((9 + 2 + 10) / 3)


def test_sheet_reopened_as_draft_bumps_version(warm, db):
    before = version(db, warm.edition)

    sheet_of(db, warm, "A", "two").status = SheetStatus.DRAFT
    db.session.commit()

    assert version(db, warm.edition) > before
    assert aggregate_of(warm, "A") == 9.5


def test_recusal_and_its_undoing_bump_version(warm, db):
    before = version(db, warm.edition)
    assignment = sheet_of(db, warm, "A", "two").assignment

    sheets.recuse(assignment, "We worked together.", warm.jurors["two"])
    db.session.commit()

    recused = version(db, warm.edition)
    assert recused > before
    assert aggregate_of(warm, "A") == 9.5
    db.session.get(Assignment, assignment.id).recused_at = None
    db.session.commit()
    assert version(db, warm.edition) > recused
    assert aggregate_of(warm, "A") == 9.0


def test_screening_an_entry_out_bumps_version_and_the_page_drops_it(warm, db, client, auth):
    before = version(db, warm.edition)

    screening.screen(warm.entries["B"], False, "Not a municipality.", warm.organiser)
    db.session.commit()

    assert version(db, warm.edition) > before
    auth.login(warm.organiser.email)
    html = client.get(ranking_url(warm)).get_data(as_text=True)
    assert "Ηράκλειο" not in html
    assert cells(row_of(html, "Kocaeli"))[0].startswith("2")


def test_assignment_removed_bumps_version(warm, db):
    before = version(db, warm.edition)

    remove_assignment(sheet_of(db, warm, "B", "four").assignment, warm.organiser)  # its draft goes too
    db.session.commit()
    removed = version(db, warm.edition)
    delete_assignments([sheet_of(db, warm, "A", "three").assignment])  # with a submitted sheet: as a cascade
    db.session.commit()

    assert before < removed < version(db, warm.edition)
    assert aggregate_of(warm, "A") == 8.5


def test_jury_member_added_and_removed_bump_version(warm, db, make):
    before = version(db, warm.edition)

    member = make.jury_member(warm.edition, make.juror(name="Juror Five"))
    db.session.commit()
    added = version(db, warm.edition)
    jury.remove_juror(db.session.get(JuryMember, member.id), warm.organiser)
    db.session.commit()

    assert before < added < version(db, warm.edition)
    assert warm.jurors["one"].id in load_scores(warm.edition).jurors


def test_juror_leaving_the_jury_takes_their_sheets_out_of_the_ranking(warm, db):
    before = version(db, warm.edition)
    member = db.session.scalar(
        select(JuryMember).where(
            JuryMember.user_id == warm.jurors["two"].id, JuryMember.edition_id == warm.edition.id
        )
    )

    db.session.delete(member)  # what a cascade from elsewhere would do; the app refuses it with sheets
    db.session.commit()

    assert version(db, warm.edition) > before
    assert aggregate_of(warm, "A") == 9.5


def test_criterion_reweighted_added_and_removed_bump_version(warm, db):
    before = version(db, warm.edition)
    first = warm.edition.criteria[0]

    first.weight = Decimal(3)  # A: one (10*3 + 9 + 8) / 5 = 9.4, two 8, three 10
    db.session.commit()
    reweighted = version(db, warm.edition)
    assert reweighted > before
    assert aggregate_of(warm, "A") == pytest.approx((9.4 + 8 + 10) / 3)

    warm.edition.criteria.remove(warm.edition.criteria[0])  # the orphan is deleted at the flush
    db.session.commit()
    removed = version(db, warm.edition)
    assert removed > reweighted
    assert aggregate_of(warm, "A") == pytest.approx((8.5 + 8 + 10) / 3)

    warm.edition.criteria.append(Criterion(name_en="New", weight=Decimal(1), position=9))
    db.session.commit()
    assert version(db, warm.edition) > removed
    assert rank(load_scores(warm.edition)).row(warm.id_of("A")).sheet_count == 0  # no sheet scores it yet


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("aggregation", "median"),
        ("prizes_count", 1),
        ("min_sheets_per_entry", 1),
        ("score_max", Decimal(20)),
        ("tie_break_criteria", "second"),
    ],
)
def test_edition_ranking_settings_bump_version(warm, db, field, value):
    before = version(db, warm.edition)
    if value == "second":
        value = [warm.edition.criteria[1].id]

    setattr(warm.edition, field, value)
    db.session.commit()

    assert version(db, warm.edition) > before
    numbers_now = ranking_numbers(load_scores(warm.edition))
    assert numbers_now.ranking.method == warm.edition.aggregation
    assert numbers_now.ranking.prizes == warm.edition.prizes_count


def test_changes_the_numbers_do_not_depend_on_bump_nothing(warm, db, make):
    before = version(db, warm.edition)

    warm.edition.name_en = "Renamed"
    warm.edition.criteria[0].name_en = "Renamed criterion"
    warm.entries["A"].organisation.name = "Obrnice Renamed"
    sheet_of(db, warm, "B", "four").overall_comment = "A draft's comment."
    db.session.commit()

    assert version(db, warm.edition) == before


def test_erased_juror_keeps_the_numbers_and_the_page_shows_the_pseudonym(warm, db, client, auth):
    before = version(db, warm.edition)
    juror = warm.jurors["two"]

    erasure.erase_person(juror, warm.organiser)
    db.session.commit()

    assert version(db, warm.edition) == before
    auth.login(warm.organiser.email)
    html = client.get(ranking_url(warm)).get_data(as_text=True)
    assert "Juror Two" not in html
    assert f"Juror {juror.id}" in html


def test_ranking_kept_per_version_and_method(warm, db, monkeypatch):
    computed = []
    real = numbers.compute_numbers
    monkeypatch.setattr(numbers, "compute_numbers", lambda *args: computed.append(args[2]) or real(*args))
    scores = load_scores(warm.edition)

    ranking_numbers(scores)
    ranking_numbers(scores)
    ranking_numbers(scores, "median")
    ranking_numbers(scores, "median")
    warm.edition.prizes_count = 2
    db.session.commit()
    ranking_numbers(load_scores(warm.edition))

    assert computed == ["median", "mean"]  # the edition's own (mean) was kept by the fixture


def test_kept_ranking_page_skips_the_sheets_query(warm, db, client, auth):
    auth.login(warm.organiser.email)
    client.get(ranking_url(warm))

    with counting_queries(db) as statements:
        response = client.get(ranking_url(warm))

    assert response.status_code == 200
    assert not any("criterion_scores" in statement for statement in statements)
