"""Loading score sheets from the database into the scoring engine, and the ranking built from them."""

import pytest

from app.ranking import scoring
from app.ranking.numbers import rank, ranking_numbers
from app.ranking.scores import load_scores, load_sheets
from app.ranking.view import ranking_view


def test_load_sheets_counts_only_submitted_unrecused_sheets_of_jury_members(small):
    scores = load_sheets(load_scores(small.edition))

    jurors = {juror.id: key for key, juror in small.jurors.items()}
    entries = {entry.id: letter for letter, entry in small.entries.items()}
    loaded = sorted((entries[s.entry_id], jurors[s.juror_id]) for s in scores.sheets)
    assert loaded == [
        ("A", "one"), ("A", "three"), ("A", "two"),
        ("B", "one"), ("B", "three"), ("B", "two"),
        ("C", "one"), ("C", "three"), ("C", "two"),
        ("D", "one"), ("D", "three"), ("D", "two"),
        ("E", "one"), ("E", "three"),
    ]  # fmt: skip
    assert scores.incomplete == 0
    criteria = [c.id for c in small.edition.criteria]
    sheet = next(
        s for s in scores.sheets if s.entry_id == small.id_of("A") and s.juror_id == small.jurors["one"].id
    )
    assert dict(sheet.scores) == {criteria[0]: 10.0, criteria[1]: 9.0, criteria[2]: 8.0}


def test_load_scores_lists_eligible_entries_and_the_whole_jury(small, make, db):
    make.application(edition_=small.edition, status="ineligible")
    make.application(edition_=small.edition, status="submitted")

    scores = load_scores(small.edition)

    assert [e.reference for e in scores.entries.values()] == [
        small.entries[letter].reference for letter in "ABCDE"
    ]
    assert scores.entries[small.id_of("B")].organisation == "Ηράκλειο"
    assert [j.name for j in scores.jurors.values()] == ["Juror Four", "Juror One", "Juror Three", "Juror Two"]
    assert [j.is_chair for j in scores.jurors.values()] == [False, True, False, False]


def test_load_sheets_ignores_sheets_of_ineligible_entries_and_removed_jurors(small, make, db):
    ineligible = make.application(edition_=small.edition, status="ineligible")
    make.score_sheet(make.assignment(ineligible, small.jurors["one"]), [10, 10, 10])
    outsider = make.juror(name="Not On The Jury")
    make.score_sheet(make.assignment(small.entries["E"], outsider), [10, 10, 10])

    scores = load_sheets(load_scores(small.edition))

    assert len(scores.sheets) == 14
    assert all(s.entry_id != ineligible.id and s.juror_id != outsider.id for s in scores.sheets)


def test_load_sheets_leaves_out_submitted_sheet_missing_a_score(small, make):
    make.score_sheet(make.assignment(small.entries["E"], small.jurors["two"]), [5, None, 5])

    scores = load_sheets(load_scores(small.edition))

    assert len(scores.sheets) == 14
    assert scores.incomplete == 1


def test_rank_small_edition_hand_checked(small):
    ranking = rank(load_scores(small.edition))

    by_letter = {letter: ranking.row(entry.id) for letter, entry in small.entries.items()}
    assert {k: r.rank for k, r in by_letter.items()} == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    assert {k: round(r.aggregate, 6) for k, r in by_letter.items()} == {
        "A": 9.0,
        "B": 8.0,
        "C": 7.0,
        "D": 6.0,
        "E": 2.5,
    }
    assert [round(v, 4) for v in by_letter["A"].criterion_means.values()] == [9.3333, 9.0, 8.6667]
    assert round(by_letter["A"].total_std, 4) == 0.8165
    assert by_letter["E"].below_min_sheets is True
    assert by_letter["D"].below_min_sheets is False
    assert by_letter["C"].ranks_by_method[scoring.MEDIAN] == 4
    assert by_letter["D"].ranks_by_method[scoring.MEDIAN] == 3
    assert by_letter["C"].rank_interval == (2, 4)
    assert by_letter["C"].podium_fragile and by_letter["D"].podium_fragile
    assert not by_letter["A"].podium_fragile


def test_ranking_view_says_why_podium_is_fragile(small, app):
    with app.test_request_context():
        scores = load_scores(small.edition)
        view = ranking_view(scores, ranking_numbers(scores))

    reasons = {row.entry.organisation: row.reasons for row in view.rows}
    assert "4th under median" in reasons["Kocaeli"]
    assert "drops to 4th without Juror Two" in reasons["Kocaeli"]
    assert "3rd under median" in reasons["Demo Municipality 4"]
    assert "rises to 3rd without Juror Two" in reasons["Demo Municipality 4"]
    assert reasons["Obrnice"] == ()


@pytest.mark.parametrize("method", scoring.METHODS)
def test_rank_every_method_ranks_every_entry(small, method):
    ranking = rank(load_scores(small.edition), method)

    assert ranking.method == method
    assert sorted(row.entry_id for row in ranking.rows) == sorted(e.id for e in small.entries.values())
    assert ranking.rows[0].entry_id == small.id_of("A")


def test_rank_uses_edition_tie_break_criteria(make, db):
    edition = make.edition(phase="deliberation")
    second = edition.criteria[1].id
    edition.tie_break_criteria = [second]
    juror = make.juror()
    make.jury_member(edition, juror)
    first = make.application(edition_=edition, status="eligible")
    other = make.application(edition_=edition, status="eligible")
    make.score_sheet(make.assignment(first, juror), [6, 4, 5])
    make.score_sheet(make.assignment(other, juror), [4, 6, 5])

    ranking = rank(load_scores(edition))

    assert [(row.entry_id, row.rank) for row in ranking.rows] == [(other.id, 1), (first.id, 2)]


def test_rank_without_criteria_is_none(make):
    edition = make.edition(phase="deliberation", criteria=())

    assert rank(load_scores(edition)) is None
