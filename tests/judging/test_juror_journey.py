"""The juror's journey through the test client: log in, open an entry, score, save, submit, revise, recuse."""

import re
from decimal import Decimal

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.judging.models import ConflictOfInterest, ScoreSheet
from tests.judging.helpers import entry_url, page, post_sheet, version_on


def test_login_juror_lands_on_dashboard_with_entries_and_deadline(client, auth, world):
    response = auth.login(world.alice.email, follow_redirects=True)

    html = page(response)
    assert response.request.path == "/jury"
    assert world.edition.name in html
    assert "You chair this jury" in html
    assert "closes in 19 days" in html or "closes in 20 days" in html
    for entry in world.entries:
        assert entry.reference in html
        assert entry.title in html
    assert "0 of 3 submitted" in html
    assert html.count("Not started") == 3


def test_entry_page_shows_application_guidance_and_score_form(client, auth, world, make, db):
    entry = world.entries[0]
    make.attachment(entry, name="report.pdf")
    make.attachment(entry, name="photo.png", content_type="image/png", data=b"\x89PNG\r\n\x1a\n")
    make.attachment(
        entry,
        name="budget.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    db.session.commit()
    auth.login(world.alice.email)

    html = page(client.get(entry_url(world.assignment(world.alice, entry))))

    assert entry.title in html and entry.summary in html and entry.partners in html
    for criterion in world.criteria:
        assert f"How we meet {criterion.name}." in html  # the applicant's answer
        assert criterion.guidance in html
        assert f'name="score_{criterion.id}"' in html
    assert 'min="0" max="10" step="1"' in html or ('min="0"' in html and 'step="1"' in html)
    pdf, image, document = entry.attachments
    assert f'<iframe class="attachment-frame" src="/attachments/{pdf.id}?inline=1"' in html
    assert f'<img class="attachment-image" src="/attachments/{image.id}?inline=1"' in html
    assert f'href="/attachments/{document.id}"' in html
    assert f"/attachments/{document.id}?inline=1" not in html
    assert "Save draft" in html and "Submit score sheet" in html


def test_save_draft_with_partial_scores_then_submit_then_revise(client, auth, world, db):
    entry = world.entries[0]
    assignment = world.assignment(world.alice, entry)
    auth.login(world.alice.email)

    draft = post_sheet(auth, assignment, world.criteria, [7, None, 5], comments=["Strong", "", ""])
    assert draft.status_code == 302
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))
    assert sheet.status == "draft"
    assert [s.value for s in sorted(sheet.scores, key=lambda s: s.criterion_id)] == [
        Decimal(7),
        None,
        Decimal(5),
    ]
    assert "Draft saved." in page(client.get(entry_url(assignment)))
    assert "2 of 3 scored" in page(client.get("/jury"))

    submitted = post_sheet(auth, assignment, world.criteria, [7, 8, 5], submit=True, overall="Convincing.")
    assert submitted.status_code == 302
    db.session.refresh(sheet)
    assert sheet.status == "submitted"
    assert sheet.submitted_at is not None
    html = page(client.get(entry_url(assignment)))
    assert "Score sheet submitted." in html
    assert "Update submitted sheet" in html
    assert "1 of 3 submitted" in page(client.get("/jury"))

    revised = post_sheet(auth, assignment, world.criteria, [8, 8, 5], submit=True, overall="Convincing.")
    assert revised.status_code == 302
    db.session.refresh(sheet)
    assert sheet.status == "submitted"
    assert sorted((s.criterion_id, s.value) for s in sheet.scores)[0][1] == Decimal(8)
    assert "Your submitted score sheet is updated." in page(client.get(entry_url(assignment)))


def test_every_score_change_is_audited_with_old_and_new_values(client, auth, world, db):
    assignment = world.assignment(world.alice, world.entries[0])
    first = world.criteria[0].name
    auth.login(world.alice.email)

    post_sheet(auth, assignment, world.criteria, [7, None, None])
    post_sheet(auth, assignment, world.criteria, [9, 6, 6], submit=True)
    post_sheet(auth, assignment, world.criteria, [8, 6, 6], submit=True)

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("score_sheet.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["score_sheet.saved", "score_sheet.submitted", "score_sheet.revised"]
    assert all(e.actor_id == world.alice.id and e.edition_id == world.edition.id for e in events)
    assert events[0].after["scores"][first] == "7"
    assert events[1].before["scores"][first] == "7" and events[1].after["scores"][first] == "9"
    assert events[1].before["status"] == "draft" and events[1].after["status"] == "submitted"
    assert events[2].before == {"scores": {first: "9"}}
    assert events[2].after == {"scores": {first: "8"}}
    assert all(e.created_at is not None for e in events)


def test_submit_with_a_missing_score_is_refused_with_message(client, auth, world, db):
    assignment = world.assignment(world.alice, world.entries[0])
    auth.login(world.alice.email)

    response = post_sheet(auth, assignment, world.criteria, [7, None, 5], submit=True)

    assert response.status_code == 422
    assert "Give a score for this criterion before submitting the sheet." in page(response)
    assert db.session.scalar(select(ScoreSheet)) is None


def test_saving_the_same_values_again_changes_nothing(client, auth, world, db):
    assignment = world.assignment(world.alice, world.entries[0])
    auth.login(world.alice.email)
    post_sheet(auth, assignment, world.criteria, [7, None, 5])
    version = db.session.scalar(select(ScoreSheet.version))

    response = post_sheet(auth, assignment, world.criteria, [7, None, 5])

    assert response.status_code == 302
    assert db.session.scalar(select(ScoreSheet.version)) == version
    assert "Nothing to save" in page(client.get(entry_url(assignment)))


def test_recuse_marks_assignment_records_conflict_and_tells_organisers(client, auth, world, db, outbox):
    entry = world.entries[1]
    assignment = world.assignment(world.alice, entry)
    auth.login(world.alice.email)
    token = auth.csrf(entry_url(assignment))

    response = client.post(
        f"{entry_url(assignment)}/recuse",
        data={"csrf_token": token, "reason": "I advised this town in 2012."},
    )

    assert response.status_code == 302 and response.headers["Location"] == "/jury"
    db.session.refresh(assignment)
    assert assignment.is_recused and assignment.recusal_reason == "I advised this town in 2012."
    conflict = db.session.scalar(select(ConflictOfInterest))
    assert (conflict.juror_id, conflict.application_id) == (world.alice.id, entry.id)
    assert [m.recipients for m in outbox] == [[world.organiser.email]]
    assert entry.reference in outbox[0].subject and "I advised this town in 2012." in outbox[0].body
    dashboard = page(client.get("/jury"))
    assert f'href="/jury/entries/{assignment.id}"' not in dashboard
    assert "You recused yourself from" in dashboard and "0 of 2 submitted" in dashboard
    assert client.get(entry_url(assignment)).status_code == 403


def test_recuse_without_reason_is_refused(client, auth, world, db):
    assignment = world.assignment(world.alice, world.entries[1])
    auth.login(world.alice.email)
    token = auth.csrf(entry_url(assignment))

    response = client.post(f"{entry_url(assignment)}/recuse", data={"csrf_token": token, "reason": "  "})

    assert response.status_code == 422
    assert "Say why you have a conflict of interest." in page(response)
    db.session.refresh(assignment)
    assert not assignment.is_recused


def test_entry_page_keyboard_order_labels_every_input(client, auth, world):
    assignment = world.assignment(world.alice, world.entries[0])
    auth.login(world.alice.email)

    html = page(client.get(entry_url(assignment)))

    for criterion in world.criteria:
        for name in (f"score_{criterion.id}", f"comment_{criterion.id}"):
            assert f'for="{name}"' in html
            assert f'id="{name}"' in html
    assert 'for="overall_comment"' in html
    # The document order is the keyboard order: no tabindex but -1 (focusable by script, never tabbed to).
    assert re.findall(r'tabindex="([^"]*)"', html) in ([], ["-1"])
    assert html.index("Answers to the criteria") < html.index('id="sheet"')  # read, then score
    assert 'href="#sheet"' in html  # a skip link straight to the score sheet


def test_version_field_follows_each_save(client, auth, world):
    assignment = world.assignment(world.alice, world.entries[0])
    auth.login(world.alice.email)
    assert version_on(page(client.get(entry_url(assignment)))) == "0"

    post_sheet(auth, assignment, world.criteria, [1, 2, 3])
    post_sheet(auth, assignment, world.criteria, [1, 2, 4])

    assert version_on(page(client.get(entry_url(assignment)))) == "2"


def test_entry_page_in_french_shows_the_criteria_in_french_and_marks_english_only_ones(
    client, auth, world, db
):
    first, second, *_ = world.criteria
    first.name_fr, first.guidance_fr = "Intégration", "Une note élevée signifie des progrès durables."
    world.alice.language = "fr"
    db.session.commit()
    auth.login(world.alice.email)

    html = page(client.get(entry_url(world.assignment(world.alice, world.entries[0]))))

    assert "<legend>Intégration" in html
    assert f'id="guidance-{first.id}">Une note élevée signifie des progrès durables.</p>' in html
    note = '<span class="fallback-note">(en anglais uniquement)</span>'
    assert f'<legend><span lang="en">{second.name_en}</span> {note}' in html
    assert f'id="guidance-{second.id}"><span lang="en">{second.guidance_en}</span> {note}</p>' in html
