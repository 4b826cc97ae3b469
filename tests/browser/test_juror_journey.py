"""A juror scores in Chromium: opens an entry, saves a draft, submits, revises, and recuses from another."""

import pytest

from app.judging.models import Assignment, ScoreSheet

pytestmark = pytest.mark.browser


def test_juror_journey_score_draft_submit_revise_recuse(page, make, db):
    edition = make.edition(phase="judging")
    juror = make.juror(email="juror@example.test", country="FR")
    make.jury_member(edition, juror)
    first = make.application(edition_=edition, status="eligible", title="Community life, together")
    second = make.application(edition_=edition, status="eligible", title="Schools open to every child")
    scored = make.assignment(first, juror)
    recused = make.assignment(second, juror)
    integration, anti_discrimination, awareness = edition.criteria
    db.session.commit()

    page.goto("/login")
    page.get_by_label("Email").fill(juror.email)
    page.get_by_label("Password").fill(make.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.get_by_text("0 of 2").first.is_visible()

    # A partial draft, saved with the keyboard's help of labels only.
    with page.expect_navigation():
        page.get_by_role("link", name="Community life, together").first.click()
    page.get_by_label(f"Score for {integration.name}").fill("8")
    page.get_by_label(f"Comment on {integration.name}").fill("Joint activities for everyone.")
    with page.expect_navigation():
        page.get_by_role("button", name="Save draft").click()
    sheet = db.session.query(ScoreSheet).filter_by(assignment_id=scored.id).one()
    assert sheet.status == "draft"

    # Complete and submit.
    page.get_by_label(f"Score for {anti_discrimination.name}").fill("7")
    page.get_by_label(f"Score for {awareness.name}").fill("9")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit score sheet").click()
    db.session.refresh(sheet)
    assert sheet.status == "submitted"
    assert sorted(float(score.value) for score in sheet.scores) == [7.0, 8.0, 9.0]

    # Revise the submitted sheet.
    page.goto(f"/jury/entries/{scored.id}")
    page.get_by_label(f"Score for {awareness.name}").fill("10")
    with page.expect_navigation():
        page.get_by_role("button", name="Update submitted sheet").click()
    db.session.refresh(sheet)
    assert sheet.status == "submitted"
    assert sorted(float(score.value) for score in sheet.scores) == [7.0, 8.0, 10.0]

    # Recuse from the other entry.
    page.goto(f"/jury/entries/{recused.id}")
    page.get_by_text("Declare a conflict of interest").click()
    page.get_by_label("Why you cannot score this entry impartially").fill("I advised this municipality.")
    with page.expect_navigation():
        page.get_by_role("button", name="Declare a conflict and recuse myself").click()
    db.session.expire_all()
    assert db.session.get(Assignment, recused.id).recused_at is not None
    page.goto("/jury")
    assert page.get_by_text("Schools open to every child").count() == 0
