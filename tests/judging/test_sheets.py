"""Every refused save or recusal leaves the database exactly as it was, and says why; no 500."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from app.db import utcnow
from app.judging import sheets
from app.judging.enums import SheetSave
from app.judging.models import ConflictOfInterest, ScoreSheet
from tests.judging.helpers import entry_url, page, post_sheet, sheet_form, snapshot, version_on


@pytest.fixture
def started(world, auth, db, make):
    """Alice has a draft on the first entry; Bruno submitted a sheet on it."""
    entry = world.entries[0]
    make.score_sheet(world.assignment(world.bruno, entry), [6, 6, 6])
    make.score_sheet(world.assignment(world.alice, entry), [4, None, None], status="draft")
    db.session.commit()
    auth.login(world.alice.email)
    return world


def test_score_above_scale_refused_with_clear_message(client, auth, started, db):
    before = snapshot(db)

    response = post_sheet(
        auth, started.assignment(started.alice, started.entries[0]), started.criteria, [11, 5, 5]
    )

    assert response.status_code == 422
    assert "Give a score from 0 to 10: 11 is outside the scale." in page(response)
    assert snapshot(db) == before


def test_score_below_scale_refused(client, auth, started, db):
    before = snapshot(db)

    response = post_sheet(
        auth, started.assignment(started.alice, started.entries[0]), started.criteria, [-1, 5, 5]
    )

    assert response.status_code == 422
    assert "Give a score from 0 to 10: -1 is outside the scale." in page(response)
    assert snapshot(db) == before


def test_score_off_step_refused_with_clear_message(client, auth, started, db):
    before = snapshot(db)

    response = post_sheet(
        auth, started.assignment(started.alice, started.entries[0]), started.criteria, [7.5, 5, 5]
    )

    assert response.status_code == 422
    assert "Scores go in steps of 1 from 0: 7.5 is not one of them." in page(response)
    assert snapshot(db) == before


@pytest.mark.parametrize("typed", ["seven", "NaN", "Infinity", "1e400"])
def test_score_not_a_number_refused(client, auth, started, db, typed):
    before = snapshot(db)

    response = post_sheet(
        auth, started.assignment(started.alice, started.entries[0]), started.criteria, [typed, 5, 5]
    )

    assert response.status_code == 422
    assert snapshot(db) == before


def test_half_points_accepted_when_the_edition_step_allows(client, auth, world, db, make):
    edition = make.edition(phase="judging", score_step=0.5)
    entry = make.application(edition_=edition, status="eligible")
    make.jury_member(edition, world.alice)
    assignment = make.assignment(entry, world.alice)
    db.session.commit()
    auth.login(world.alice.email)

    response = post_sheet(auth, assignment, list(edition.criteria), [7.5, 0.5, 10], submit=True)

    assert response.status_code == 302
    assert [str(s.value) for s in db.session.scalar(select(ScoreSheet)).scores] == ["7.50", "0.50", "10.00"]


def test_database_check_refuses_a_score_out_of_bounds(db, started):
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.status == "draft"))
    sheet.scores[0].value = 101

    with pytest.raises(Exception, match="(?i)check|constraint"):
        db.session.commit()
    db.session.rollback()


def test_another_jurors_sheet_is_forbidden(client, auth, started, db):
    bruno_assignment = started.assignment(started.bruno, started.entries[0])
    before = snapshot(db)

    view = client.get(entry_url(bruno_assignment))
    token = auth.csrf(entry_url(started.assignment(started.alice, started.entries[0])))
    save = client.post(
        f"{entry_url(bruno_assignment)}/sheet",
        data={**sheet_form(started.criteria, [1, 1, 1], version="1", submit=True), "csrf_token": token},
    )
    recuse = client.post(f"{entry_url(bruno_assignment)}/recuse", data={"csrf_token": token, "reason": "x"})

    assert (view.status_code, save.status_code, recuse.status_code) == (403, 403, 403)
    assert snapshot(db) == before


def test_unassigned_entry_is_not_found(client, auth, started, db):
    before = snapshot(db)
    token = auth.csrf("/jury")

    response = client.post(
        "/jury/entries/999999/sheet", data={**sheet_form(started.criteria, [1, 1, 1]), "csrf_token": token}
    )

    assert response.status_code == 404
    assert client.get("/jury/entries/999999").status_code == 404
    assert snapshot(db) == before


def test_assignment_from_the_jurors_own_country_is_refused(client, auth, world, db, make):
    french_entry = make.application(
        edition_=world.edition, status="eligible", organisation_=make.organisation(country="FR")
    )
    # Made behind the rules' back (the organisers' pages refuse it): the sheet must still be refused.
    assignment = make.assignment(french_entry, world.alice)
    db.session.commit()
    auth.login(world.alice.email)
    before = snapshot(db)

    page_html = page(client.get(entry_url(assignment)))
    response = post_sheet(auth, assignment, world.criteria, [5, 5, 5], submit=True)

    assert "You may not score this entry (same country)" in page_html
    assert 'name="score_' not in page_html
    assert response.status_code == 302
    assert "You may not score this entry (same country)" in page(client.get(entry_url(assignment)))
    assert snapshot(db) == before


def test_entry_with_a_declared_conflict_is_refused(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    db.session.add(
        ConflictOfInterest(juror_id=started.alice.id, application_id=started.entries[0].id, reason="x")
    )
    db.session.commit()
    before = snapshot(db)

    response = post_sheet(auth, assignment, started.criteria, [5, 5, 5], version="1", submit=True)

    assert response.status_code == 302
    assert "declared conflict of interest" in page(client.get(entry_url(assignment)))
    assert snapshot(db) == before


def test_recused_assignment_cannot_be_scored(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    token = auth.csrf(entry_url(assignment))
    client.post(f"{entry_url(assignment)}/recuse", data={"csrf_token": token, "reason": "Old friends."})
    before = snapshot(db)

    response = client.post(
        f"{entry_url(assignment)}/sheet",
        data={**sheet_form(started.criteria, [5, 5, 5], version="1", submit=True), "csrf_token": token},
    )

    assert response.status_code == 403
    assert snapshot(db) == before


def test_stale_version_refused_showing_what_changed_and_keeping_the_earlier_save(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    tab_one = page(client.get(entry_url(assignment)))
    tab_two = page(client.get(entry_url(assignment)))
    assert version_on(tab_one) == version_on(tab_two) == "1"
    first = post_sheet(
        auth, assignment, started.criteria, [4, 8, None], version="1", comments=["Kept", "", ""]
    )
    assert first.status_code == 302
    before = snapshot(db)

    second = post_sheet(
        auth, assignment, started.criteria, [9, 2, None], version="1", comments=["Lost?", "", ""]
    )

    html = page(second)
    assert second.status_code == 409
    assert "Not saved: this sheet was changed elsewhere" in html
    assert "<title>Error: " in html
    assert 'id="conflict" tabindex="-1" data-error-summary' in html  # focused on load, as an error summary
    first_name, second_name = started.criteria[0].name, started.criteria[1].name
    assert f'<th scope="row">Score for {second_name}</th><td>8</td><td>2</td>' in html
    assert f'<th scope="row">Score for {first_name}</th><td>4</td><td>9</td>' in html
    assert f'<th scope="row">Comment on {first_name}</th><td>Kept</td><td>Lost?</td>' in html
    assert 'name="version" type="hidden" value="2"' in html  # the form now carries the saved version
    assert 'value="8"' in html  # ... and the saved values
    assert snapshot(db) == before


def test_race_lost_at_write_time_is_a_conflict_not_a_500(client, auth, started, db, monkeypatch):
    assignment = started.assignment(started.alice, started.entries[0])
    save = sheets.save_sheet

    calls = []

    def another_tab_wins(assignment, *args, **kwargs):
        calls.append(assignment.sheet.version)
        # Another request commits between this one's version check and its write.
        db.session.execute(
            update(ScoreSheet)
            .where(ScoreSheet.id == assignment.sheet.id)
            .values(version=ScoreSheet.version + 1)
            .execution_options(synchronize_session=False)
        )
        return save(assignment, *args, **kwargs)

    monkeypatch.setattr(sheets, "save_sheet", another_tab_wins)

    response = post_sheet(auth, assignment, started.criteria, [9, 9, 9], version="1")

    assert response.status_code == 409
    assert calls == [1]  # the version check passed: the write itself found the row moved
    assert "Not saved: this sheet was changed elsewhere" in page(response)
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))
    assert [s.value for s in sorted(sheet.scores, key=lambda s: s.criterion_id)][0] == 4


def test_service_raises_stale_data_when_the_row_moved(db, started):
    assignment = started.assignment(started.alice, started.entries[0])
    sent = sheets.SheetValues.of(assignment.sheet, started.criteria)
    sent.scores[started.criteria[0].id] = 9
    db.session.execute(
        update(ScoreSheet)
        .where(ScoreSheet.id == assignment.sheet.id)
        .values(version=7)
        .execution_options(synchronize_session=False)
    )

    with pytest.raises(StaleDataError):
        sheets.save_sheet(assignment, sent, 1, False, started.alice)
        db.session.flush()
    db.session.rollback()


def test_service_says_what_each_save_came_to(db, started):
    assignment = started.assignment(started.alice, started.entries[0])
    criteria = started.criteria
    draft = sheets.SheetValues.of(assignment.sheet, criteria)
    complete = sheets.SheetValues(
        scores={c.id: 5 for c in criteria}, comments=draft.comments, overall_comment=draft.overall_comment
    )
    revised = sheets.SheetValues(
        scores={c.id: 6 for c in criteria}, comments=draft.comments, overall_comment=draft.overall_comment
    )

    outcomes = [
        sheets.save_sheet(assignment, draft, 1, False, started.alice),
        sheets.save_sheet(assignment, complete, 1, False, started.alice),
        sheets.save_sheet(assignment, complete, 2, True, started.alice),
        sheets.save_sheet(assignment, revised, 3, True, started.alice),
    ]

    assert outcomes == [SheetSave.UNCHANGED, SheetSave.SAVED, SheetSave.SUBMITTED, SheetSave.REVISED]
    db.session.rollback()


def test_tampered_version_is_refused(client, auth, started, db):
    before = snapshot(db)

    response = post_sheet(
        auth,
        started.assignment(started.alice, started.entries[0]),
        started.criteria,
        [5, 5, 5],
        version="abc",
    )

    assert response.status_code == 409
    assert snapshot(db) == before


def test_sheets_frozen_after_the_judging_deadline(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    html = page(client.get(entry_url(assignment)))
    token = auth.csrf(entry_url(assignment))
    started.edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = snapshot(db)

    save = client.post(
        f"{entry_url(assignment)}/sheet",
        data={**sheet_form(started.criteria, [9, 9, 9], version="1", submit=True), "csrf_token": token},
    )
    recuse = client.post(f"{entry_url(assignment)}/recuse", data={"csrf_token": token, "reason": "Late."})

    assert 'name="score_' in html
    assert (save.status_code, recuse.status_code) == (302, 302)
    after = page(client.get(entry_url(assignment)))
    assert "score sheets are frozen" in after
    assert 'name="score_' not in after and "Declare a conflict" not in after
    assert snapshot(db) == before


def test_frozen_sheet_shows_each_score_on_the_editions_scale(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    started.edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    html = page(client.get(entry_url(assignment)))

    assert re.findall(r'<span class="fs-5">(.*?)</span>', html) == ["4 / 10", "—", "—"]


def test_sheets_frozen_once_results_are_published(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    token = auth.csrf(entry_url(assignment))
    started.edition.results_published_at = utcnow()
    db.session.commit()
    before = snapshot(db)

    save = client.post(
        f"{entry_url(assignment)}/sheet",
        data={**sheet_form(started.criteria, [9, 9, 9], version="1", submit=True), "csrf_token": token},
    )

    assert save.status_code == 302
    assert "The results are published: score sheets can no longer be changed." in page(
        client.get(entry_url(assignment))
    )
    assert snapshot(db) == before


def test_sheet_cannot_be_scored_before_submissions_close(client, auth, world, db, make):
    edition = make.edition(phase="open")
    entry = make.application(edition_=edition, status="eligible")
    make.jury_member(edition, world.alice)
    assignment = make.assignment(entry, world.alice)
    db.session.commit()
    token = auth.csrf("/login")
    auth.login(world.alice.email)
    before = snapshot(db)

    response = post_sheet(auth, assignment, list(edition.criteria), [5, 5, 5], submit=True)

    assert response.status_code == 302
    assert "Judging opens when submissions close" in page(client.get(entry_url(assignment)))
    assert token
    assert snapshot(db) == before


def test_ineligible_entry_cannot_be_scored_or_seen(client, auth, started, db):
    assignment = started.assignment(started.alice, started.entries[0])
    token = auth.csrf(entry_url(assignment))
    started.entries[0].status = "ineligible"
    db.session.commit()
    before = snapshot(db)

    response = client.post(
        f"{entry_url(assignment)}/sheet",
        data={**sheet_form(started.criteria, [9, 9, 9], version="1"), "csrf_token": token},
    )

    assert response.status_code == 403
    assert client.get(entry_url(assignment)).status_code == 403
    assert snapshot(db) == before


def test_submitted_sheet_cannot_go_back_to_draft(client, auth, started, db):
    assignment = started.assignment(started.bruno, started.entries[0])
    auth.logout()
    auth.login(started.bruno.email)
    before = snapshot(db)

    response = post_sheet(auth, assignment, started.criteria, [6, None, 6])

    assert response.status_code == 422
    assert "A submitted sheet stays submitted" in page(response)
    assert snapshot(db) == before


def test_missing_csrf_token_refused(client, auth, started, db):
    before = snapshot(db)

    response = client.post(
        f"{entry_url(started.assignment(started.alice, started.entries[0]))}/sheet",
        data=sheet_form(started.criteria, [9, 9, 9], version="1"),
    )

    assert response.status_code == 400
    assert snapshot(db) == before


def test_organiser_and_applicant_cannot_use_the_juror_pages(client, auth, world, make, db):
    applicant = make.applicant(organisation=world.entries[0].organisation)
    db.session.commit()
    assignment = world.assignment(world.alice, world.entries[0])
    for user in (world.organiser, applicant):
        auth.login(user.email)
        assert client.get("/jury").status_code == 403
        assert client.get(entry_url(assignment)).status_code == 403
        auth.logout()
    assert client.get("/jury").status_code == 302
    assert client.get(entry_url(assignment)).headers["Location"].startswith("/login")
