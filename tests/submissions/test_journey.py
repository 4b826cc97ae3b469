"""The municipality's journey in the test client: start, draft, upload, submit, receipt, edit, withdraw."""

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db import utcnow
from app.formatting import local_datetime
from app.models import Application, Attachment, AuditEvent
from tests import stored
from tests.submissions.files import PDF, multipart, upload
from tests.submissions.helpers import complete_form, snapshot


def _start(auth, db, edition) -> Application:
    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my")
    assert response.status_code == 302
    return _the_application(db)


def _the_application(db) -> Application:
    """The one application, as committed (requests share the test's session)."""
    db.session.expire_all()
    return db.session.scalars(select(Application)).one()


@pytest.mark.both_backends
def test_applicant_journey_end_to_end(app, client, auth, make, db, outbox):
    edition = make.edition(phase="open", year=2013, name="4th Dosta!-Congress Prize for Municipalities")
    obrnice = make.organisation(name="Obrnice", country="CZ")
    user = make.applicant(email="obrnice@example.test", name="Jana Nováková", organisation=obrnice)
    db.session.commit()
    auth.login(user.email)

    # The dashboard: deadline in Strasbourg time, time left, criteria and what they ask, a start button.
    page = client.get("/my").get_data(as_text=True)
    assert local_datetime(edition.submissions_close_at) in page
    assert "(closes in 19 days)" in page
    assert "Combating discrimination, stereotypes and prejudice against Roma." in page
    assert "Start your application" in page

    # Start: a draft with the edition's first reference number.
    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my")
    application = _the_application(db)
    assert response.headers["Location"] == f"/applications/{application.id}/edit"
    assert (application.reference, application.status, application.number) == ("DOSTA-2013-001", "draft", 1)
    edit_url = f"/applications/{application.id}/edit"

    # A partial draft with a typo in the budget: nothing saved, every typed word still in the form.
    integration = edition.criteria[0]
    partial = {
        "title": "Community life in Obrnice",
        "summary": "Joint activities of Roma and non-Roma residents.",
        f"answer_{integration.id}": "Interlocking projects in education and housing.",
        "budget_eur": "120 thousand",
        "next": "edit",
    }
    response = auth.post(edit_url, partial)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the budget as a whole number of euros, for example 120000." in page
    assert 'value="Community life in Obrnice"' in page
    assert "Interlocking projects in education and housing." in page
    assert 'value="120 thousand"' in page
    assert _the_application(db).title == ""

    # The same draft, corrected, is saved as it is.
    partial["budget_eur"] = "120 000"
    response = auth.post(edit_url, partial)
    assert response.status_code == 302
    assert response.headers["Location"] == edit_url
    application = _the_application(db)
    assert (application.title, application.budget_eur, application.status) == (
        "Community life in Obrnice",
        120000,
        "draft",
    )
    assert "Draft saved at" in client.get(edit_url).get_data(as_text=True)

    # Upload a real small PDF.
    view_url = f"/applications/{application.id}"
    token = auth.csrf(view_url)
    response = client.post(
        f"{view_url}/attachments",
        **multipart({"csrf_token": token, "file": upload(PDF, "Projektová zpráva 2013.pdf")}),
    )
    assert response.status_code == 302
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.original_name, attachment.content_type, attachment.size_bytes) == (
        "Projektová zpráva 2013.pdf",
        "application/pdf",
        len(PDF),
    )
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored.read("uploads", attachment.stored_name) == PDF

    # Submit while incomplete: every missing item listed at once, nothing changes.
    response = auth.post(f"{view_url}/submit", form_url=view_url)
    page = response.get_data(as_text=True)
    missing = re.search(r'<ul class="mb-0" id="submit-missing">(.*?)</ul>', page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", missing) == [
        "Answer for Anti-discrimination",
        "Answer for Awareness-raising",
        "Start year",
        "Fields of action (at least one)",
        "Beneficiaries",
        "Partners",
    ]
    assert "Not submitted: 6 things are still missing." in page
    assert _the_application(db).status == "draft"
    assert outbox == []

    # Complete it, submit: receipt page and email with the reference.
    application = _the_application(db)
    auth.post(edit_url, complete_form(application, next="view"))
    response = auth.post(f"{view_url}/submit", form_url=view_url)
    assert response.headers["Location"] == f"{view_url}/receipt"
    application = _the_application(db)
    assert application.status == "submitted"
    assert application.submitted_at is not None
    receipt = client.get(f"{view_url}/receipt").get_data(as_text=True)
    assert "DOSTA-2013-001" in receipt
    assert local_datetime(application.submitted_at) in receipt
    assert "What happens next" in receipt
    assert len(outbox) == 1
    assert outbox[0].recipients == ["obrnice@example.test"]
    assert outbox[0].subject == "Application DOSTA-2013-001 received"
    assert "Reference: DOSTA-2013-001" in outbox[0].body
    assert f"http://localhost{view_url}" in outbox[0].body

    # Edit before the deadline: it stays submitted and no new email is sent.
    response = auth.post(edit_url, complete_form(application, title="Community life in Obrnice, 2007-2013"))
    assert response.headers["Location"] == view_url
    application = _the_application(db)
    assert (application.title, application.status) == ("Community life in Obrnice, 2007-2013", "submitted")
    assert len(outbox) == 1

    # Withdraw (with the confirmation ticked), then submit again.
    response = auth.post(f"{view_url}/withdraw", {"confirm": "y"}, form_url=view_url)
    assert response.headers["Location"] == view_url
    assert _the_application(db).status == "withdrawn"
    assert outbox[-1].subject == "Application DOSTA-2013-001 withdrawn"
    response = auth.post(f"{view_url}/submit", form_url=view_url)
    assert response.headers["Location"] == f"{view_url}/receipt"
    assert _the_application(db).status == "submitted"
    assert _the_application(db).withdrawn_at is None
    assert len(outbox) == 3

    # The deadline passes: nothing changes whatever the client sends.
    edition.submissions_open_at = utcnow() - timedelta(days=40)
    edition.submissions_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = snapshot(db, app)
    response = auth.post(
        edit_url, complete_form(application, title="Changed after the deadline"), form_url="/my"
    )
    assert response.headers["Location"] == view_url
    assert "The deadline passed on" in client.get(view_url).get_data(as_text=True)
    assert snapshot(db, app) == before

    actions = [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [
        "application.started",
        "application.saved",
        "attachment.added",
        "application.saved",
        "application.submitted",
        "application.saved",
        "application.withdrawn",
        "application.submitted",
    ]


def test_dashboard_lists_applications_of_every_edition_with_what_is_missing(client, auth, make, db):
    organisation = make.organisation()
    user = make.applicant(organisation=organisation)
    old = make.edition(phase="published", year=2011)
    current = make.edition(phase="open", year=2013)
    make.application(edition_=old, organisation_=organisation, status="eligible", title="Roma mediators")
    draft = make.application(
        edition_=current, organisation_=organisation, title="", summary="", budget_eur=None, partners=""
    )
    draft.answers[1].text = ""
    db.session.commit()
    auth.login(user.email)

    page = client.get("/my").get_data(as_text=True)

    assert f"{old.reference_prefix}-2011-001" in page
    assert "Roma mediators" in page
    assert draft.reference in page
    assert "Start your application" not in page
    cell = page.split(draft.reference)[-1]
    assert re.findall(r"<li>(.*?)</li>", cell.split("</tr>")[0]) == [
        "Title",
        "Summary",
        "Answer for Anti-discrimination",
        "Budget",
        "Partners",
    ]


def test_dashboard_shows_the_award_once_the_editions_results_are_public(client, auth, make, db):
    organisation = make.organisation()
    user = make.applicant(organisation=organisation)
    joint = make.edition(phase="published", year=2011)
    mention = make.edition(phase="published", year=2013)
    secret = make.edition(phase="deliberation", year=2015)
    rows = {}
    for edition in (joint, mention, secret):
        rows[edition.id] = make.application(edition_=edition, organisation_=organisation, status="eligible")
    make.award(joint, organisation, place=2, application_id=rows[joint.id].id)
    make.award(joint, make.organisation(), place=2)
    make.award(mention, organisation, place=None, application_id=rows[mention.id].id)
    make.award(secret, organisation, place=1, application_id=rows[secret.id].id)
    db.session.commit()
    auth.login(user.email)

    page = client.get("/my").get_data(as_text=True)

    def badges(application):
        row = page.split(f">{application.reference}</a>")[1].split("</tr>")[0]
        return re.findall(r'<span class="badge laureate-place[^"]*">(.*?)</span>', row)

    assert badges(rows[joint.id]) == ["Joint 2nd place"]
    assert badges(rows[mention.id]) == ["Special mention"]
    assert badges(rows[secret.id]) == []
    assert "1st place" not in page


def test_dashboard_without_open_edition_names_the_next_one(client, auth, make, db):
    user = make.applicant()
    upcoming = make.edition(phase="upcoming", name="5th Dosta!-Congress Prize")
    db.session.commit()
    auth.login(user.email)

    page = client.get("/my").get_data(as_text=True)

    assert "No edition is open for applications right now." in page
    assert (
        f"5th Dosta!-Congress Prize opens for applications on {local_datetime(upcoming.submissions_open_at)}."
        in page
    )


def test_start_twice_opens_the_same_application(client, auth, make, db):
    edition = make.edition()
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)

    first = _start(auth, db, edition)
    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my")

    assert response.headers["Location"] == f"/applications/{first.id}/edit"
    assert db.session.scalars(select(Application)).all() == [first]


def test_start_by_a_colleague_opens_the_organisations_application(client, auth, make, db):
    edition = make.edition()
    organisation = make.organisation()
    first_user = make.applicant(organisation=organisation)
    colleague = make.applicant(organisation=organisation)
    db.session.commit()
    auth.login(first_user.email)
    first = _start(auth, db, edition)
    auth.logout()
    auth.login(colleague.email)

    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my")

    assert response.headers["Location"] == f"/applications/{first.id}/edit"
    assert len(db.session.scalars(select(Application)).all()) == 1


def test_start_numbers_follow_within_the_edition(client, auth, make, db):
    edition = make.edition(year=2013)
    for _ in range(6):
        make.application(edition_=edition)
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)

    auth.post(f"/editions/{edition.slug}/apply", form_url="/my")

    mine = db.session.scalars(
        select(Application).where(Application.organisation_id == user.organisation_id)
    ).one()
    assert (mine.number, mine.reference) == (7, "DOSTA-2013-007")


def test_start_when_edition_closed_is_refused(app, client, auth, make, db):
    edition = make.edition(phase="judging")
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = auth.post(f"/editions/{edition.slug}/apply", form_url="/my", follow_redirects=True)

    assert f"{edition.name} does not accept applications now." in response.get_data(as_text=True)
    assert snapshot(db, app) == before


def test_start_unknown_edition_is_404(client, auth, make, db):
    user = make.applicant()
    db.session.commit()
    auth.login(user.email)

    assert auth.post("/editions/no-such-edition/apply", form_url="/my").status_code == 404


def test_save_draft_too_long_summary_keeps_the_text_and_saves_nothing(app, client, auth, make, db):
    application = make.application(status="draft", summary="")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)
    long_summary = "Roma " * 601  # 3,005 characters once the last blank is dropped

    response = auth.post(
        f"/applications/{application.id}/edit", complete_form(application, summary=long_summary)
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This text has 3,004 characters; the limit is 3,000. Please shorten it by 4 characters." in page
    assert long_summary.strip() in page
    assert snapshot(db, app) == before


def test_save_draft_out_of_range_year_is_refused_with_its_message(app, client, auth, make, db):
    edition = make.edition(year=2013)
    application = make.application(edition_=edition, status="draft")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = auth.post(
        f"/applications/{application.id}/edit", complete_form(application, start_year="2020")
    )

    assert "Enter a year from 1990 to 2013." in response.get_data(as_text=True)
    assert snapshot(db, app) == before


def test_save_draft_empty_form_is_accepted(client, auth, make, db):
    application = make.application(status="draft")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)

    response = auth.post(f"/applications/{application.id}/edit", {"next": "edit"})

    assert response.status_code == 302
    saved = _the_application(db)
    assert (saved.title, saved.summary, saved.budget_eur, saved.fields_of_action) == ("", "", None, [])
    assert [answer.text for answer in saved.answers] == ["", "", ""]


def test_save_submitted_application_incomplete_is_refused_and_keeps_the_text(app, client, auth, make, db):
    application = make.application(status="submitted")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)

    response = auth.post(
        f"/applications/{application.id}/edit",
        complete_form(application, partners="", title="A better title"),
    )

    page = response.get_data(as_text=True)
    assert "Not saved: a submitted application must stay complete. Fill in:" in page
    assert "<li>Partners</li>" in page
    assert 'value="A better title"' in page
    assert snapshot(db, app) == before


def test_edit_page_of_submitted_application_states_the_rule(client, auth, make, db):
    application = make.application(status="submitted")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)

    page = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)

    assert "A submitted application must stay complete" in page
    assert "Save changes" in page


def test_withdraw_without_confirmation_changes_nothing(app, client, auth, make, db, outbox):
    application = make.application(status="submitted")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)
    view_url = f"/applications/{application.id}"

    response = auth.post(f"{view_url}/withdraw", {}, form_url=view_url)

    assert "Tick the box to confirm that you want to withdraw." in response.get_data(as_text=True)
    assert snapshot(db, app) == before
    assert outbox == []


def test_submit_already_submitted_is_refused(app, client, auth, make, db, outbox):
    application = make.application(status="submitted")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    before = snapshot(db, app)
    view_url = f"/applications/{application.id}"

    response = auth.post(f"{view_url}/submit", form_url=view_url, follow_redirects=True)

    assert "This application is already submitted." in response.get_data(as_text=True)
    assert snapshot(db, app) == before
    assert outbox == []


def test_receipt_of_a_draft_redirects_to_the_application(client, auth, make, db):
    application = make.application(status="draft")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)

    response = client.get(f"/applications/{application.id}/receipt")

    assert response.headers["Location"] == f"/applications/{application.id}"


def test_application_form_in_french_asks_the_criteria_in_french(client, auth, make, db):
    edition = make.edition(
        phase="open",
        name_fr="7e Prix Dosta!-Congrès",
        criteria=(
            {"name_en": "Integration", "name_fr": "Intégration", "description_fr": "Comment le projet…"},
            {"name_en": "Awareness-raising", "description_en": "How does the project raise awareness?"},
        ),
    )
    user = make.applicant(language="fr")
    application = make.application(edition_=edition, organisation_=user.organisation)
    db.session.commit()
    auth.login(user.email)

    html = client.get(f"/applications/{application.id}/edit").get_data(as_text=True)

    assert '<p class="text-muted">7e Prix Dosta!-Congrès · ' in html
    assert '<h3 class="h5 card-title">Intégration</h3>' in html
    assert '<p class="card-text">Comment le projet…</p>' in html
    note = '<span class="fallback-note">(en anglais uniquement)</span>'
    assert f'<h3 class="h5 card-title"><span lang="en">Awareness-raising</span> {note}</h3>' in html
    assert (
        f'<p class="card-text"><span lang="en">How does the project raise awareness?</span> {note}</p>'
        in html
    )
