"""The organisers' progress page and the reminder email (at most once a day per juror)."""

from datetime import timedelta

from app.db import utcnow
from tests.judging.helpers import page
from tests.test_french_pages import switch_language


def progress_url(edition) -> str:
    return f"/manage/editions/{edition.id}/progress"


def test_progress_matrix_shows_each_state_and_completion(client, auth, world, make, db):
    e1, e2, e3 = world.entries
    make.score_sheet(world.assignment(world.alice, e1))
    make.score_sheet(world.assignment(world.alice, e2), [1, None, None], status="draft")
    world.assignment(world.alice, e3).recused_at = utcnow()
    make.score_sheet(world.assignment(world.bruno, e1))
    french = make.application(
        edition_=world.edition, status="eligible", organisation_=make.organisation(country="FR")
    )
    make.assignment(french, world.bruno)
    db.session.commit()
    auth.login(world.organiser.email)

    html = page(client.get(progress_url(world.edition)))

    assert "2 of 6 score sheets submitted (33%)" in html
    row = html[html.index(french.reference) :]
    row = row[: row.index("</tr>")]
    assert "cell-excluded" in row and "same country" in row  # Alice, French, on a French entry
    assert "cell-not_started" in row  # Bruno
    assert html.count('class="badge cell-badge cell-submitted"') == 2 + 1  # + the legend
    assert html.count('class="badge cell-badge cell-draft"') == 1 + 1
    assert html.count('class="badge cell-badge cell-recused"') == 1 + 1
    # Per juror: Alice 1 of 2 (one recused), Bruno 1 of 4.
    assert "50% of 2" in html and "25% of 4" in html


def test_progress_says_what_is_pending_before_submissions_close(client, auth, make, db):
    edition = make.edition(phase="open")
    make.application(edition_=edition, status="submitted")
    make.application(edition_=edition, status="draft")
    organiser = make.organiser()
    make.jury_member(edition, make.juror(), is_chair=True)
    db.session.commit()
    auth.login(organiser.email)

    html = page(client.get(progress_url(edition)))

    assert "1 application submitted so far." in html
    assert "once submissions close, screen the applications for eligibility, then assign" in html
    assert "1 juror on the jury." in html


def test_reminder_goes_to_jurors_with_outstanding_sheets_only(client, auth, world, make, db, outbox):
    for entry in world.entries:
        make.score_sheet(world.assignment(world.bruno, entry))
    db.session.commit()
    auth.login(world.organiser.email)

    response = auth.post(f"{progress_url(world.edition)}/remind", form_url=progress_url(world.edition))

    assert response.status_code == 302
    assert [m.recipients for m in outbox] == [[world.alice.email]]
    assert (
        "3 are still to be submitted." in outbox[0].body
        and "Reminder: 3 score sheets to submit by" in outbox[0].subject
    )
    html = page(client.get(progress_url(world.edition)))
    assert "Reminder sent to Alice Juror." in html
    assert "Skipped, nothing outstanding: Bruno Juror." in html
    db.session.refresh(world.members[0])
    assert world.members[0].last_reminded_at is not None
    assert world.members[1].last_reminded_at is None


def test_reminder_at_most_once_a_day_per_juror(client, auth, world, db, outbox):
    auth.login(world.organiser.email)
    url = f"{progress_url(world.edition)}/remind"
    auth.post(url, form_url=progress_url(world.edition))
    assert len(outbox) == 2

    auth.post(url, form_url=progress_url(world.edition))

    assert len(outbox) == 2
    html = page(client.get(progress_url(world.edition)))
    assert "Skipped, already reminded in the last 24 hours: Alice Juror" in html and "Bruno Juror (" in html

    for member in world.members:
        member.last_reminded_at = utcnow() - timedelta(hours=24, minutes=1)
    world.members[1].last_reminded_at = utcnow() - timedelta(hours=23)
    db.session.commit()
    auth.post(url, form_url=progress_url(world.edition))

    assert [m.recipients for m in outbox[2:]] == [[world.alice.email]]


def test_reminder_only_while_judging(client, auth, world, db, outbox):
    world.edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    auth.login(world.organiser.email)

    auth.post(f"{progress_url(world.edition)}/remind", form_url=progress_url(world.edition))

    assert outbox == []
    assert "Reminders can be sent only while judging is open." in page(
        client.get(progress_url(world.edition))
    )


def test_progress_and_reminder_forbidden_to_jurors(client, auth, world, outbox):
    auth.login(world.alice.email)

    assert client.get(progress_url(world.edition)).status_code == 403
    token = auth.csrf("/jury")
    assert client.post(f"{progress_url(world.edition)}/remind", data={"csrf_token": token}).status_code == 403
    assert outbox == []


def test_matrix_labels_follow_each_pages_language(client, auth, world, make, db):
    # The labels are worked out once per page: a page in English must not leave them English for the next.
    e1, _e2, _e3 = world.entries
    make.score_sheet(world.assignment(world.alice, e1), [1, None, None], status="draft")
    db.session.commit()
    auth.login(world.organiser.email)

    english = page(client.get(progress_url(world.edition)))
    switch_language(client, "fr")
    french = page(client.get(progress_url(world.edition)))

    assert ">Not started</span>" in english and ">Draft</span>" in english
    assert ">Not started</span>" not in french and ">Non commencée</span>" in french
