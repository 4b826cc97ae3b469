"""The organisers' eligibility screening."""

from datetime import timedelta

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.db import utcnow
from tests.judging.helpers import page


def screening_url(edition) -> str:
    return f"/manage/editions/{edition.id}/screening"


def decide(auth, edition, application, decision, reason=""):
    return auth.post(
        screening_url(edition),
        {"application_id": str(application.id), "decision": decision, "reason": reason},
    )


def test_screening_page_lists_submitted_applications_only(client, auth, make, db):
    edition = make.edition(phase="judging")
    submitted = make.application(edition_=edition, status="submitted")
    draft = make.application(edition_=edition, status="draft")
    withdrawn = make.application(edition_=edition, status="withdrawn")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    html = page(client.get(screening_url(edition)))

    assert submitted.reference in html
    assert draft.reference not in html and withdrawn.reference not in html
    assert "1 application awaits a decision" in html
    assert f'id="decision-{submitted.id}-eligible"' in html


def test_mark_eligible_emails_applicant_and_audits(client, auth, make, db, outbox):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="submitted")
    applicant = make.applicant(organisation=application.organisation)
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    response = decide(auth, edition, application, "eligible")

    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "eligible"
    assert application.screened_by_id == organiser.id and application.screened_at is not None
    assert [m.recipients for m in outbox] == [[applicant.email]]
    assert "is eligible" in outbox[0].subject
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.screened"))
    assert event.before == {"status": "submitted", "reason": ""}
    assert event.after == {"status": "eligible", "reason": ""}
    assert event.actor_id == organiser.id


def test_mark_ineligible_requires_a_reason(client, auth, make, db, outbox):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="submitted")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    response = decide(auth, edition, application, "ineligible", "   ")

    assert response.status_code == 422
    assert "Give the reason why the application is ineligible." in page(response)
    db.session.refresh(application)
    assert application.status == "submitted"
    assert outbox == []


def test_mark_ineligible_sends_the_reason(client, auth, make, db, outbox):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="submitted")
    make.applicant(organisation=application.organisation)
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    decide(auth, edition, application, "ineligible", "The project started after the deadline.")

    db.session.refresh(application)
    assert application.status == "ineligible"
    assert application.eligibility_reason == "The project started after the deadline."
    assert "not eligible" in outbox[0].subject
    assert "The project started after the deadline." in outbox[0].body


def test_decision_can_change_until_judging_closes(client, auth, make, db, outbox):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="ineligible", eligibility_reason="Late.")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    decide(auth, edition, application, "eligible")
    db.session.refresh(application)
    assert application.status == "eligible"

    edition.judging_close_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = decide(auth, edition, application, "ineligible", "Changed my mind.")

    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "eligible"
    assert "the eligibility decisions are final" in page(client.get(screening_url(edition)))


def test_screening_closed_while_submissions_are_open(client, auth, make, db):
    edition = make.edition(phase="open")
    application = make.application(edition_=edition, status="submitted")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    decide(auth, edition, application, "eligible")

    db.session.refresh(application)
    assert application.status == "submitted"
    assert "Screening opens when submissions close" in page(client.get(screening_url(edition)))


def test_same_decision_twice_sends_one_email(client, auth, make, db, outbox):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="submitted")
    make.applicant(organisation=application.organisation)
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    decide(auth, edition, application, "eligible")
    decide(auth, edition, application, "eligible")

    assert len(outbox) == 1
    assert "no change" in page(client.get(screening_url(edition)))


def test_application_of_another_edition_is_not_found(client, auth, make, db):
    edition, other = make.edition(phase="judging"), make.edition(phase="judging")
    application = make.application(edition_=other, status="submitted")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    response = decide(auth, edition, application, "eligible")

    assert response.status_code == 404
    db.session.refresh(application)
    assert application.status == "submitted"


def test_screening_forbidden_to_jurors_and_applicants(client, auth, make, db):
    edition = make.edition(phase="judging")
    application = make.application(edition_=edition, status="submitted")
    juror, applicant = make.juror(), make.applicant(organisation=application.organisation)
    db.session.commit()
    for user in (juror, applicant):
        auth.login(user.email)
        assert client.get(screening_url(edition)).status_code == 403
        assert decide(auth, edition, application, "eligible").status_code in (400, 403)
        auth.logout()
    db.session.refresh(application)
    assert application.status == "submitted"
    assert client.get(screening_url(edition)).status_code == 302


def test_an_id_past_the_id_columns_is_not_found_not_an_error(client, auth, make, db):
    edition = make.edition(phase="judging")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    for posted in ("9223372036854775808", str(2**31), "-1", "0"):
        response = auth.post(
            screening_url(edition), {"application_id": posted, "decision": "eligible", "reason": ""}
        )
        assert response.status_code in (404, 422), posted
