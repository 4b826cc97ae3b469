"""app/privacy/erasure.py: erasing a person or an organisation, by an organiser, after typing the name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import LoginSession, User
from app.mail import EmailStatus, OutgoingEmail
from app.prepared.models import PreparedFile
from app.privacy.erasure import ErasureRefused, erase_organisation, person_refusal
from app.ranking.scores import load_scores, load_sheets
from app.submissions.models import Application, Attachment
from tests.conftest import AuthActions
from tests.privacy.helpers import email_to, latest_file_id


@pytest.fixture
def organiser(make, db):
    organiser = make.organiser(email="organiser@example.test")
    db.session.commit()
    return organiser


def _erase(auth, url_page: str, url_erase: str, name: str):
    return auth.post(url_erase, {"confirm_name": name}, form_url=url_page)


def _audit_text() -> str:
    events = db_events()
    return json.dumps([[e.before, e.after, e.ip] for e in events], ensure_ascii=False)


def db_events():
    from app.extensions import db

    return list(db.session.scalars(select(AuditEvent)))


def test_erase_person_juror_keeps_scores_under_a_pseudonym_and_removes_the_rest(app, db, make, organiser):
    juror = make.juror(email="marie.curie@example.test", name="Marie Curie")
    edition = make.edition(phase="published")
    entry = make.application(edition_=edition, status="eligible")
    make.jury_member(edition, juror)
    sheet = make.score_sheet(
        make.assignment(entry, juror), scores=[8, 7, 6], overall_comment="As Marie, I liked it."
    )
    sheet.scores[0].comment = "Strong."
    email_to(app, juror, "Hello Marie Curie")
    db.session.commit()
    juror_client = app.test_client()
    AuthActions(juror_client).login(juror.email)  # a browser logged in before the erasure
    AuthActions(juror_client).post("/account/data/person", form_url="/account/data")  # a prepared copy
    copy = db.session.get(PreparedFile, latest_file_id())
    copy_path = Path(app.config["EXPORT_FOLDER"]) / copy.file_name
    client = app.test_client()
    auth = AuthActions(client)
    auth.login(organiser.email)
    page = client.get(f"/manage/people/{juror.id}/data").get_data(as_text=True)

    response = _erase(
        auth, f"/manage/people/{juror.id}/data", f"/manage/people/{juror.id}/erase", "marie curie"
    )

    db.session.expire_all()
    erased = db.session.get(User, juror.id)
    assert f"Juror {juror.id}" in page  # the consequences say what the name becomes
    assert response.status_code == 302
    assert (erased.name, erased.email) == (f"Juror {juror.id}", f"erased-{juror.id}@erased.invalid")
    assert erased.erased_at is not None and not erased.active and erased.password_hash is None
    assert erased.country is None
    assert db.session.scalars(select(LoginSession).where(LoginSession.user_id == juror.id)).all() == []
    assert juror_client.get("/account").status_code == 302  # signed out: to the log-in page
    assert AuthActions(app.test_client()).login("marie.curie@example.test").status_code == 200  # refused
    scores = load_scores(edition)
    assert scores.jurors[juror.id].name == f"Juror {juror.id}"
    assert [s.juror_id for s in load_sheets(scores).sheets] == [juror.id]
    db.session.refresh(sheet)
    assert sheet.overall_comment == "" and [s.comment for s in sheet.scores] == ["", "", ""]
    assert [float(s.value) for s in sheet.scores] == [8, 7, 6]
    (email,) = db.session.scalars(select(OutgoingEmail)).all()
    assert "marie.curie" not in email.recipients and email.body == "" and "Marie" not in email.subject
    assert db.session.get(PreparedFile, copy.id) is None and not copy_path.exists()
    audit = _audit_text()
    assert "marie.curie" not in audit.lower() and "Marie Curie" not in audit
    assert "127.0.0.1" not in json.dumps(
        [e.ip for e in db_events() if e.actor_id == juror.id and e.action != "privacy.person_erased"]
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.person_erased"))
    assert (event.actor_id, event.object_id) == (organiser.id, juror.id)
    assert event.after["sheets"] == 1 and event.after["sessions"] >= 1


def test_erase_person_stops_a_queued_email(app, db, make, organiser):
    from app.privacy.erasure import erase_person

    person = make.applicant(email="queued@example.test")
    # Waiting for a worker (its job not run yet): recorded as send_email records it.
    email = OutgoingEmail(
        recipients=person.email,
        subject="Welcome",
        body="Dear you",
        template="auth_confirm",
        user_id=person.id,
    )
    db.session.add(email)
    db.session.commit()
    assert email.status == EmailStatus.QUEUED

    erase_person(person, organiser)
    db.session.commit()

    db.session.refresh(email)
    assert email.status == EmailStatus.FAILED
    assert (email.recipients, email.body) == (f"erased-{person.id}@erased.invalid", "")


def test_erase_person_wrong_name_changes_nothing(app, db, make, organiser, auth):
    person = make.applicant(email="keep@example.test", name="Kept Name")
    db.session.commit()
    auth.login(organiser.email)

    response = _erase(auth, f"/manage/people/{person.id}/data", f"/manage/people/{person.id}/erase", "Kept")
    empty = _erase(auth, f"/manage/people/{person.id}/data", f"/manage/people/{person.id}/erase", "")

    html = response.get_data(as_text=True)
    assert response.status_code == 400 and empty.status_code == 400
    assert "The name typed does not match" in html and "data-error-summary" in html
    db.session.expire_all()
    assert db.session.get(User, person.id).email == "keep@example.test"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.person_erased")) is None


def test_erase_person_refuses_ones_own_account(app, db, make, organiser, auth, client):
    make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    page = client.get(f"/manage/people/{organiser.id}/data").get_data(as_text=True)
    response = _erase(
        auth, f"/manage/people/{organiser.id}/data", f"/manage/people/{organiser.id}/erase", organiser.name
    )

    assert "You cannot erase your own account" in page
    assert response.status_code == 302
    assert "You cannot erase your own account" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(User, organiser.id).erased_at is None


def test_erase_person_refuses_the_last_active_organiser(app, db, make):
    last = make.organiser()
    deactivated = make.organiser(active=False)
    db.session.commit()

    assert "last active organiser" in person_refusal(last, deactivated)


def test_erase_person_erased_account_cannot_be_reactivated(app, db, make, organiser, auth, client):
    person = make.applicant(name="Gone Soon")
    db.session.commit()
    auth.login(organiser.email)
    _erase(auth, f"/manage/people/{person.id}/data", f"/manage/people/{person.id}/erase", "Gone Soon")

    response = auth.post(f"/manage/people/{person.id}/reactivate", form_url="/manage/people")

    db.session.expire_all()
    assert response.status_code == 302
    assert db.session.get(User, person.id).active is False
    assert "Erased" in client.get("/manage/people").get_data(as_text=True)


def test_erase_organisation_keeps_a_laureates_record_and_deletes_unsuccessful_files(
    app, db, make, organiser, auth
):
    member = make.applicant(email="contact@laureate.test")
    town = member.organisation
    won = make.edition(phase="published")
    lost = make.edition(phase="published")
    drafting = make.edition(phase="open")
    laureate = make.application(edition_=won, organisation_=town, status="eligible")
    make.award(won, town, place=1, application=laureate)
    unsuccessful = make.application(edition_=lost, organisation_=town, status="eligible")
    draft = make.application(edition_=drafting, organisation_=town, status="draft")
    kept = make.attachment(laureate)
    gone = [make.attachment(unsuccessful), make.attachment(draft)]
    db.session.commit()
    folder = Path(app.config["UPLOAD_FOLDER"])
    name = town.name
    auth.login(organiser.email)

    response = _erase(
        auth, f"/manage/organisations/{town.id}/data", f"/manage/organisations/{town.id}/erase", name
    )

    db.session.expire_all()
    assert response.status_code == 302
    assert town.name == name and town.erased_at is not None and town.population is None
    assert db.session.get(User, member.id).erased_at is not None
    assert [a.id for a in db.session.scalars(select(Attachment))] == [kept.id]
    assert (folder / kept.stored_name).exists()
    assert not any((folder / a.stored_name).exists() for a in gone)
    assert db.session.get(Application, unsuccessful.id).title == ""
    assert all(answer.text == "" for answer in db.session.get(Application, draft.id).answers)
    assert db.session.get(Application, laureate.id).title != ""
    assert name in app.test_client().get(f"/editions/{won.slug}/results").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.organisation_erased"))
    assert event.after["attachments"] == 2 and event.after["people"] == 1 and event.after["laureate"] is True
    assert name not in json.dumps(event.after)


def test_erase_organisation_without_award_is_renamed(app, db, make, organiser):
    town = make.organisation(name="Quietville")
    make.application(edition_=make.edition(phase="published"), organisation_=town, status="ineligible")
    db.session.commit()

    erase_organisation(town, organiser)
    db.session.commit()

    assert town.name == f"Organisation {town.id}"


def test_erase_organisation_in_competition_is_refused_and_changes_nothing(
    app, db, make, organiser, auth, client
):
    member = make.applicant()
    town = member.organisation
    make.application(edition_=make.edition(phase="judging"), organisation_=town, status="eligible")
    db.session.commit()
    name = town.name
    auth.login(organiser.email)

    page = client.get(f"/manage/organisations/{town.id}/data").get_data(as_text=True)
    with pytest.raises(ErasureRefused):
        erase_organisation(town, organiser)
    db.session.rollback()
    response = _erase(
        auth, f"/manage/organisations/{town.id}/data", f"/manage/organisations/{town.id}/erase", name
    )

    assert "has an application in competition" in page
    assert response.status_code == 302
    db.session.expire_all()
    assert town.erased_at is None and db.session.get(User, member.id).erased_at is None
