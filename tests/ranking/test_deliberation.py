"""The jury's deliberation: the proposed podium, departures and their justification, who decides and when."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.ranking import deliberation, scoring
from app.ranking.awards import joint_places
from app.ranking.models import Award
from app.ranking.scores import load_scores
from tests.ranking.conftest import SmallEdition


def awards_url(small: SmallEdition) -> str:
    return f"/manage/editions/{small.edition.id}/awards"


def form_data(small: SmallEdition, places: dict[str, str], justification: str = "") -> dict:
    """The awards form: a place ('1', '2', 'mention' or '') and a citation for every entry."""
    data = {"justification": justification}
    for letter, entry in small.entries.items():
        place = places.get(letter, "")
        data[f"award_{entry.id}"] = place
        data[f"citation_en_{entry.id}"] = f"Citation for {letter}." if place else ""
    return data


def saved(db) -> list[tuple[str, str, int | None, str]]:
    awards = sorted(db.session.scalars(select(Award)), key=lambda a: (a.place is None, a.place or 0, a.id))
    return [(a.application.reference, a.kind, a.place, a.citation) for a in awards]


def selected(html: str, field: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{field}".*?</select>', html, flags=re.S).group(0)
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', select_html)
    return (chosen.group(1) or chosen.group(2)) if chosen else ""


def test_awards_page_proposes_computed_podium(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(awards_url(small)).get_data(as_text=True)

    choices = {letter: selected(html, f"award_{entry.id}") for letter, entry in small.entries.items()}
    assert choices == {"A": "1", "B": "2", "C": "3", "D": "", "E": ""}
    assert "No award is recorded yet: the form starts from the computed podium." in html
    assert "These awards depart from the computed ranking" not in html


def test_awards_following_ranking_saved_without_justification(client, auth, small, db):
    auth.login(small.organiser.email)

    response = auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))

    assert response.status_code == 302
    refs = {letter: entry.reference for letter, entry in small.entries.items()}
    assert saved(db) == [
        (refs["A"], "prize", 1, "Citation for A."),
        (refs["B"], "prize", 2, "Citation for B."),
        (refs["C"], "prize", 3, "Citation for C."),
    ]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.recorded")).one()
    assert event.actor_id == small.organiser.id
    assert event.after["departures"] == []
    assert event.before == {"awards": []}


def test_awards_departure_without_justification_refused_and_nothing_saved(client, auth, small, db):
    auth.login(small.organiser.email)

    response = auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "D": "3"}))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The awards were not saved:" in html
    assert "The awards depart from the computed ranking: write the jury&#39;s justification." in html
    assert (
        f"{small.entries['D'].reference} (Demo Municipality 4) receives the 3rd place but is ranked 4th."
        in html
    )
    assert f"{small.entries['C'].reference} (Kocaeli) is ranked 3rd but receives no place." in html
    assert saved(db) == []
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.recorded")).all() == []
    # what the jury chose is kept in the form
    assert selected(html, f"award_{small.id_of('D')}") == "3"


@pytest.mark.parametrize("place", ["NaN", "9" * 40, "-1", "0001-01-01", "4"])
def test_awards_place_not_offered_refused_in_words_and_nothing_saved(client, auth, small, db, place):
    auth.login(small.organiser.email)

    response = auth.post(awards_url(small), form_data(small, {"A": place, "B": "2", "C": "3"}))

    assert response.status_code == 200
    assert "Not a valid choice." in response.get_data(as_text=True)
    assert saved(db) == []


def test_awards_departure_with_justification_saved_and_audited(client, auth, small, db):
    auth.login(small.organiser.email)
    why = "Juror Two scored Kocaeli far above the others; the jury prefers the steadier Demo Municipality 4."

    response = auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "D": "3"}, why))

    assert response.status_code == 302
    awards = db.session.scalars(select(Award)).all()
    assert {a.justification for a in awards} == {why}
    assert {a.decided_by_id for a in awards} == {small.organiser.id}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.recorded")).one()
    assert event.after["justification"] == why
    assert len(event.after["departures"]) == 2


def test_awards_order_swapped_is_departure(client, auth, small, db):
    auth.login(small.organiser.email)

    response = auth.post(awards_url(small), form_data(small, {"A": "2", "B": "1", "C": "3"}))

    assert "is placed above" in response.get_data(as_text=True)
    assert saved(db) == []


def test_awards_joint_place_saved_with_justification(client, auth, small, db):
    auth.login(small.organiser.email)
    places = {"A": "1", "B": "1", "C": "2"}

    refused = auth.post(awards_url(small), form_data(small, places))
    accepted = auth.post(awards_url(small), form_data(small, places, "The jury could not separate them."))

    assert "share the 1st place, though the ranking separates them." in refused.get_data(as_text=True)
    assert accepted.status_code == 302
    assert [(kind, place) for _ref, kind, place, _c in saved(db)] == [
        ("prize", 1),
        ("prize", 1),
        ("prize", 2),
    ]
    assert joint_places(db.session.scalars(select(Award)).all()) == {1}
    page = client.get(awards_url(small)).get_data(as_text=True)
    assert selected(page, f"award_{small.id_of('B')}") == "1"


def test_awards_special_mention_saved_without_justification(client, auth, small, db):
    auth.login(small.organiser.email)

    response = auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3", "E": "mention"}))

    assert response.status_code == 302
    mention = [row for row in saved(db) if row[1] == "special_mention"]
    assert mention == [(small.entries["E"].reference, "special_mention", None, "Citation for E.")]


def test_awards_missing_citation_refused(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    data[f"citation_en_{small.id_of('B')}"] = "   "

    response = auth.post(awards_url(small), data)

    assert "Write the citation for" in response.get_data(as_text=True)
    assert saved(db) == []


def test_awards_missing_citation_says_either_language_will_do(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    data[f"citation_en_{small.id_of('B')}"] = ""

    html = auth.post(awards_url(small), data).get_data(as_text=True)

    entry = small.entries["B"]
    organisation = entry.organisation.name
    expected = f"Write the citation for {entry.reference} ({organisation}) in English, in French or in both."
    assert expected in html


def test_awards_citation_in_french_only_accepted(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    data[f"citation_en_{small.id_of('B')}"] = ""
    data[f"citation_fr_{small.id_of('B')}"] = "Pour une approche intégrée."

    response = auth.post(awards_url(small), data)

    award = db.session.scalar(select(Award).where(Award.application_id == small.id_of("B")))
    assert response.status_code == 302
    assert (award.citation_en, award.citation_fr) == ("", "Pour une approche intégrée.")


def test_awards_citations_in_both_languages_saved_and_audited(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    data[f"citation_fr_{small.id_of('A')}"] = "Citation pour A."

    auth.post(awards_url(small), data)

    award = db.session.scalar(select(Award).where(Award.application_id == small.id_of("A")))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "awards.recorded"))
    assert (award.citation_en, award.citation_fr) == ("Citation for A.", "Citation pour A.")
    assert {"citation_en": "Citation for A.", "citation_fr": "Citation pour A."}.items() <= event.after[
        "awards"
    ][0].items()


def test_awards_form_english_citation_not_prefilled_with_the_french(client, auth, small, db, make):
    make.award(
        small.edition,
        small.entries["A"].organisation,
        place=1,
        application_id=small.id_of("A"),
        citation_en="",
        citation_fr="Pour une approche intégrée.",
    )
    db.session.commit()
    auth.login(small.organiser.email)

    html = client.get(awards_url(small)).get_data(as_text=True)

    english = re.search(
        rf'<textarea[^>]*name="citation_en_{small.id_of("A")}"[^>]*>(.*?)</textarea>', html, re.S
    )
    french = re.search(
        rf'<textarea[^>]*name="citation_fr_{small.id_of("A")}"[^>]*>(.*?)</textarea>', html, re.S
    )
    assert english.group(1).strip() == ""
    assert french.group(1).strip() == "Pour une approche intégrée."
    assert 'lang="fr"' in french.group(0) and 'lang="en"' in english.group(0)


def test_awards_place_outside_choices_refused(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    data[f"award_{small.id_of('C')}"] = "7"

    response = auth.post(awards_url(small), data)

    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert saved(db) == []


def test_awards_revised_before_publication(client, auth, small, db):
    auth.login(small.organiser.email)
    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))
    first_ids = sorted(db.session.scalars(select(Award.id)).all())
    data = form_data(small, {"A": "1", "B": "2", "C": "3", "E": "mention"})
    data[f"citation_en_{small.id_of('A')}"] = "A better citation."

    response = auth.post(awards_url(small), data)

    assert response.status_code == 302
    rows = saved(db)
    assert rows[0][3] == "A better citation."
    assert len(rows) == 4
    assert set(first_ids) <= set(db.session.scalars(select(Award.id)).all())
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.recorded")).all()
    assert len(events) == 2


def test_awards_resaving_same_decision_changes_nothing(client, auth, small, db):
    auth.login(small.organiser.email)
    data = form_data(small, {"A": "1", "B": "2", "C": "3"})
    auth.post(awards_url(small), data)

    response = auth.post(awards_url(small), data, follow_redirects=True)

    assert "Nothing changed." in response.get_data(as_text=True)
    assert (
        len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "awards.recorded")).all()) == 1
    )


def test_awards_removed_entry_loses_its_award(client, auth, small, db):
    auth.login(small.organiser.email)
    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3", "E": "mention"}))

    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))

    assert [row[1] for row in saved(db)] == ["prize", "prize", "prize"]


def test_awards_recorded_by_jury_chair(client, auth, small, db):
    auth.login(small.jurors["one"].email)

    page = client.get(awards_url(small))
    response = auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))

    assert page.status_code == 200
    assert response.status_code == 302
    assert {a.decided_by_id for a in db.session.scalars(select(Award))} == {small.jurors["one"].id}


@pytest.mark.parametrize("who", ["juror", "applicant"])
def test_awards_refused_to_non_chair(client, auth, small, db, who):
    user = small.jurors["two"] if who == "juror" else small.applicants["A"]
    auth.login(user.email)

    page = client.get(awards_url(small))
    response = client.post(
        awards_url(small),
        data={**form_data(small, {"A": "1", "B": "2", "C": "3"}), "csrf_token": auth.csrf("/account")},
    )

    assert page.status_code == 403
    assert response.status_code == 403
    assert saved(db) == []


def test_awards_anonymous_redirected_to_login(client, small):
    assert client.get(awards_url(small)).status_code == 302


def test_awards_not_before_judging_closes(client, auth, make, db):
    from tests.ranking.conftest import build_small_edition

    small = build_small_edition(make, phase="judging")
    db.session.commit()
    auth.login(small.organiser.email)

    page = client.get(awards_url(small))
    response = client.post(
        awards_url(small),
        data={**form_data(small, {"A": "1", "B": "2", "C": "3"}), "csrf_token": auth.csrf("/account")},
    )

    assert "The awards can be recorded once it has closed." in page.get_data(as_text=True)
    assert "<select" not in page.get_data(as_text=True)
    assert response.status_code == 403
    assert saved(db) == []


def test_awards_chair_refused_after_publication_organiser_sees_them(client, auth, small, db):
    auth.login(small.organiser.email)
    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))
    small.edition.results_published_at = small.edition.judging_close_at
    db.session.commit()

    page = client.get(awards_url(small)).get_data(as_text=True)
    response = client.post(
        awards_url(small),
        data={
            **form_data(small, {"A": "3", "B": "2", "C": "1"}, "late"),
            "csrf_token": auth.csrf("/account"),
        },
    )
    auth.logout()
    auth.login(small.jurors["one"].email)
    chair_page = client.get(awards_url(small))

    assert "the awards are final" in page
    assert "Citation for A." in page
    assert response.status_code == 403
    assert [row[2] for row in saved(db)] == [1, 2, 3]
    assert chair_page.status_code == 403


def test_record_awards_refuses_entry_outside_edition(small, make, db, app):
    outsider = make.application(status="eligible")
    ineligible = make.application(edition_=small.edition, status="ineligible")
    scores = load_scores(small.edition)

    with app.test_request_context():
        for application in (outsider, ineligible):
            decision = deliberation.AwardDecision(application.id, "prize", 1, "A citation.")
            with pytest.raises(deliberation.DecisionRefused) as refused:
                deliberation.record_awards(small.edition, scores, [decision], "", small.organiser)
            assert (
                refused.value.problems[0]
                == "Only the eligible applications of this edition can receive an award."
            )

    assert db.session.scalars(select(Award)).all() == []


def ranking_of(ranks: dict[int, int], prizes: int = 3) -> scoring.Ranking:
    """A ranking with these ranks (by entry id) on a single criterion: ranks become aggregates."""
    sheets = [scoring.Sheet(1, entry_id, {1: 10 - rank}) for entry_id, rank in ranks.items()]
    return scoring.rank_entries(ranks, sheets, [scoring.Criterion(1)], scoring.Scale(0, 10, 1), prizes=prizes)


def decisions(places: dict[int, int]) -> list[deliberation.AwardDecision]:
    return [deliberation.AwardDecision(entry_id, "prize", place, "c") for entry_id, place in places.items()]


@pytest.mark.parametrize(
    ("places", "follows"),
    [
        ({1: 1, 2: 1, 3: 3}, True),  # the computed tie kept, competition numbering
        ({1: 1, 2: 1, 3: 2}, True),  # the computed tie kept, places numbered on
        ({1: 1, 2: 2, 3: 3}, True),  # the tie split
        ({1: 2, 2: 1, 3: 3}, True),  # the tie split the other way
        ({1: 1, 2: 1, 3: 1}, False),  # entry 3 is ranked below the tie
        ({1: 1, 2: 1}, False),  # entry 3 left off the podium
        ({2: 1, 1: 2, 3: 3, 4: 3}, False),  # entry 4 added
        ({1: 2, 2: 2, 3: 3}, False),  # no first place
    ],
)
def test_departures_tolerate_split_or_kept_computed_ties(app, places, follows):
    ranking = ranking_of({1: 1, 2: 1, 3: 3, 4: 4})

    with app.test_request_context():
        found = deliberation.departures(ranking, decisions(places), {})

    assert (found == []) is follows


# --- The awards form in pages ----------------------------------------------------------------------------


def shown_entries(html: str) -> str:
    return re.search(r'name="shown_entries" value="([^"]*)"', html).group(1)


def test_awards_form_shows_podium_and_flagged_first_then_a_page_of_the_others(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(awards_url(small)).get_data(as_text=True)

    leading, others = html.split('id="others-heading"')
    for letter in "ABCE":  # the podium, and E with two sheets of the three required
        assert f'name="award_{small.id_of(letter)}"' in leading
    assert f'name="award_{small.id_of("D")}"' in others
    ids = [small.id_of(letter) for letter in "ABCED"]
    assert shown_entries(html) == ",".join(map(str, ids))


def test_awards_page_past_the_others_shows_only_the_leading_entries(client, auth, small):
    auth.login(small.organiser.email)

    html = client.get(awards_url(small) + "?page=2").get_data(as_text=True)

    assert f'name="award_{small.id_of("D")}"' not in html
    assert f'href="/manage/editions/{small.edition.id}/awards?page=1">Previous</a>' in html


def test_awards_given_on_the_others_page_join_the_leading_entries(client, auth, small, db):
    auth.login(small.organiser.email)

    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3", "D": "mention"}))

    html = client.get(awards_url(small) + "?page=2").get_data(as_text=True)
    assert selected(html, f"award_{small.id_of('D')}") == "mention"
    assert "The other entries" not in html  # nobody left to page through


def test_awards_from_a_page_that_did_not_show_an_entry_keep_its_award(client, auth, small, db):
    """A page opened before another tab gave D a mention does not take it away when saved."""
    auth.login(small.organiser.email)
    stale = client.get(awards_url(small) + "?page=2").get_data(as_text=True)  # A, B, C, E: not D
    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3", "D": "mention"}))

    data = {
        k: v
        for k, v in form_data(small, {"A": "1", "B": "2", "C": "3"}).items()
        if not k.endswith(f"_{small.id_of('D')}")
    }
    data["shown_entries"] = shown_entries(stale)
    data[f"citation_en_{small.id_of('A')}"] = "A better citation."
    response = auth.post(awards_url(small) + "?page=2", data)

    assert response.status_code == 302
    kinds = {reference: (kind, place, citation) for reference, kind, place, citation in saved(db)}
    assert kinds[small.entries["D"].reference] == ("special_mention", None, "Citation for D.")
    assert kinds[small.entries["A"].reference] == ("prize", 1, "A better citation.")


def test_awards_shown_entries_field_with_nonsense_changes_nothing_it_does_not_name(client, auth, small, db):
    auth.login(small.organiser.email)
    auth.post(awards_url(small), form_data(small, {"A": "1", "B": "2", "C": "3"}))
    before = saved(db)

    data = form_data(small, {})
    data["shown_entries"] = "x,-1,99999999999999999999,,"
    response = auth.post(awards_url(small), data)

    assert response.status_code == 302
    assert saved(db) == before
