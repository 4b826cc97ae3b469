"""app/privacy/export.py and prepared.py: a person's and an organisation's data as a ZIP, asked for from the
account page or by an organiser, downloaded only by whom it is about (and the organisers)."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.judging.models import ConflictOfInterest
from app.prepared.models import PreparedFile
from tests.privacy.helpers import data_of, download_zip, email_to, latest_file_id

PDF = b"%PDF-1.4\n% the project's budget\n%%EOF\n"


def test_export_person_holds_account_sessions_applications_files_emails_and_audit(
    app, db, make, auth, client
):
    owner = make.applicant(email="mayor@example.test", name="Ana Mayor")
    other = make.applicant(email="elsewhere@example.test", name="Other Person")
    edition = make.edition(phase="open")
    application = make.application(edition_=edition, organisation_=owner.organisation, status="draft")
    make.attachment(application, data=PDF, name="budget.pdf")
    make.application(edition_=make.edition(phase="open"), organisation_=other.organisation)
    email_to(app, owner, "Your password was changed")
    email_to(app, other, "Not for the owner")
    db.session.commit()
    auth.login(owner.email)

    response = auth.post("/account/data/person", form_url="/account/data")
    archive = download_zip(client, latest_file_id())
    data = data_of(archive)

    assert response.status_code == 302
    assert data["format"] == "prizejury-data-export"
    assert data["account"]["email"] == "mayor@example.test"
    assert data["account"]["name"] == "Ana Mayor"
    assert data["organisation"]["name"] == owner.organisation.name
    assert [s["ip"] for s in data["login_sessions"]] == ["127.0.0.1"]
    (exported,) = data["applications"]
    assert exported["reference"] == application.reference
    assert [a["text"] for a in exported["answers"]] == [a.text for a in application.answers]
    (attachment,) = exported["attachments"]
    assert archive.read(attachment["file"]) == PDF
    assert [e["subject"] for e in data["emails"]] == ["Your password was changed"]
    assert "privacy.data_requested" in [e["action"] for e in data["audit_events"]]
    assert data["files_missing"] == []
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"elsewhere@example.test" not in everything
    assert b"Not for the owner" not in everything
    assert owner.password_hash.encode() not in everything
    assert b"README.txt" in b" ".join(n.encode() for n in archive.namelist())


def test_export_person_holds_a_jurors_sheets_recusals_and_conflicts(app, db, make, auth, client):
    juror = make.juror(email="juror@example.test")
    edition = make.edition(phase="judging")
    entry = make.application(edition_=edition, status="eligible")
    other_entry = make.application(edition_=edition, status="eligible")
    make.jury_member(edition, juror, is_chair=True)
    sheet = make.score_sheet(
        make.assignment(entry, juror), scores=[7, 6, 5], overall_comment="Convincing plan."
    )
    make.assignment(
        other_entry, juror, recused_at=edition.submissions_close_at, recusal_reason="My cousin runs it"
    )
    db.session.add(ConflictOfInterest(juror_id=juror.id, application_id=other_entry.id, reason="Family ties"))
    db.session.commit()
    auth.login(juror.email)

    auth.post("/account/data/person", form_url="/account/data")
    jury = data_of(download_zip(client, latest_file_id()))["jury"]

    assert [m["is_chair"] for m in jury["memberships"]] == [True]
    scored, recused = jury["assignments"]
    assert scored["application"] == entry.reference
    assert scored["score_sheet"]["overall_comment"] == "Convincing plan."
    assert [s["value"] for s in scored["score_sheet"]["scores"]] == [float(s.value) for s in sheet.scores]
    assert recused["recusal_reason"] == "My cousin runs it"
    assert recused["score_sheet"] is None
    assert [c["reason"] for c in jury["conflicts_of_interest"]] == ["Family ties"]


def test_export_organisation_by_a_colleague_holds_its_people_and_certificates(app, db, make, auth, client):
    owner = make.applicant(email="owner@example.test")
    colleague = make.applicant(organisation=owner.organisation, email="colleague@example.test")
    published = make.edition(phase="published")
    laureate = make.application(edition_=published, organisation_=owner.organisation, status="eligible")
    make.award(published, owner.organisation, place=1, application=laureate, citation_en="For courage.")
    db.session.commit()
    auth.login(colleague.email)

    response = auth.post("/account/data/organisation", form_url="/account/data")
    data = data_of(download_zip(client, latest_file_id()))

    assert response.status_code == 302
    assert {p["email"] for p in data["people"]} == {"owner@example.test", "colleague@example.test"}
    assert data["applications"][0]["award"]["citation_en"] == "For courage."
    assert data["subject"] == {"type": "organisation", "id": owner.organisation.id}


def test_export_asked_twice_unchanged_gives_the_same_file(app, db, make, auth):
    owner = make.applicant()
    db.session.commit()
    auth.login(owner.email)

    auth.post("/account/data/person", form_url="/account/data")
    first = latest_file_id()
    auth.post("/account/data/person", form_url="/account/data")

    assert latest_file_id() == first
    requested = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.data_requested"))
    assert len(list(requested)) == 1


def test_export_file_refused_to_another_person_and_downloads_audited(app, db, make, auth, client):
    owner = make.applicant(email="owner@example.test")
    intruder = make.applicant(email="intruder@example.test")
    db.session.commit()
    auth.login(owner.email)
    auth.post("/account/data/person", form_url="/account/data")
    file_id = latest_file_id()
    auth.logout()
    auth.login(intruder.email)

    refused = client.get(f"/data-files/{file_id}")
    refused_status = client.get(f"/data-files/{file_id}/status")

    assert refused.status_code == 403
    assert refused_status.status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.data_downloaded")) is None


def test_export_by_an_organiser_for_a_request_by_post(app, db, make, auth, client):
    person = make.juror(email="by-post@example.test")
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    page = client.get(f"/manage/people/{person.id}/data")
    auth.post(f"/manage/people/{person.id}/data/prepare", form_url=f"/manage/people/{person.id}/data")
    prepared = db.session.get(PreparedFile, latest_file_id())
    data = data_of(download_zip(client, prepared.id))

    assert page.status_code == 200
    assert prepared.requested_by_id == organiser.id
    assert prepared.edition_id is None
    assert data["account"]["email"] == "by-post@example.test"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.data_requested"))
    assert (event.actor_id, event.object_id) == (organiser.id, person.id)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "privacy.data_downloaded"))


def test_export_missing_attachment_is_named_not_fatal(app, db, make, auth, client):
    from app.submissions import storage

    owner = make.applicant()
    application = make.application(organisation_=owner.organisation)
    attachment = make.attachment(application)
    db.session.commit()
    storage.remove(attachment.stored_name)
    auth.login(owner.email)

    auth.post("/account/data/person", form_url="/account/data")
    data = data_of(download_zip(client, latest_file_id()))

    assert data["files_missing"] == [data["applications"][0]["attachments"][0]["file"]]
