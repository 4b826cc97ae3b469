"""app/emails: organisers read the delivery log per edition and per person, and send a message again."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.mail import EmailStatus, OutgoingEmail, delivery, send_email


def _send(to, subject, *, edition=None, user=None):
    return send_email(
        to,
        subject,
        "auth_password_changed",
        edition_id=edition.id if edition else None,
        user_id=user.id if user else None,
        user=None,
        forgot_link="http://x/forgot",
    )


def _refused_for_good(email):
    raise smtplib.SMTPRecipientsRefused({email.recipients: (550, b"5.1.1 user unknown")})


@pytest.fixture
def log(app, db, make, monkeypatch):
    """An edition with a sent and a failed email, another edition's email, and the organiser signed in."""
    organiser = make.organiser(email="organiser@example.test")
    edition, other = make.edition(), make.edition()
    juror = make.juror(email="juror@example.test")
    db.session.commit()
    with app.test_request_context():
        sent = _send(juror.email, "Invitation to the jury", edition=edition, user=juror)
        db.session.commit()
        monkeypatch.setattr(delivery, "send", _refused_for_good)
        failed = _send("nobody@example.test", "Application received", edition=edition)
        db.session.commit()
        monkeypatch.undo()
        _send("someone@example.test", "Elsewhere", edition=other)
        _send(["a@example.test", juror.email], "To the jury", edition=other)
        db.session.commit()
    return {"organiser": organiser, "edition": edition, "juror": juror, "sent": sent, "failed": failed}


def _login(auth, log):
    assert auth.login(log["organiser"].email).status_code == 302


def test_edition_log_lists_its_emails_with_status_and_the_servers_answer(client, auth, log):
    _login(auth, log)
    page = client.get(f"/manage/editions/{log['edition'].id}/emails").get_data(as_text=True)

    assert "Invitation to the jury" in page and "Application received" in page
    assert "Elsewhere" not in page
    assert ">Sent</span>" in page and ">Failed</span>" in page
    assert "nobody@example.test: 550 5.1.1 user unknown" in page
    assert "Failed: 1" in page and "Sent: 1" in page


def test_edition_log_filters_by_status(client, auth, log):
    _login(auth, log)
    page = client.get(f"/manage/editions/{log['edition'].id}/emails?status=failed").get_data(as_text=True)
    assert "Application received" in page and "Invitation to the jury" not in page


def test_edition_log_with_an_unknown_status_shows_everything(client, auth, log):
    _login(auth, log)
    response = client.get(f"/manage/editions/{log['edition'].id}/emails?status=lost&page=x")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Application received" in page and "Invitation to the jury" in page
    assert "Not a valid choice" in page


def test_edition_log_filter_of_blank_space_shows_everything(client, auth, log):
    _login(auth, log)

    response = client.get(f"/manage/editions/{log['edition'].id}/emails?status=%20")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Application received" in page and "Invitation to the jury" in page


def test_edition_log_page_past_any_list_is_404(client, auth, log):
    _login(auth, log)

    response = client.get(f"/manage/editions/{log['edition'].id}/emails?page={'9' * 30}")

    assert response.status_code == 404


def test_edition_is_a_tab_of_the_organisers_pages(client, auth, log):
    _login(auth, log)
    page = client.get(f"/manage/editions/{log['edition'].id}").get_data(as_text=True)
    assert f'href="/manage/editions/{log["edition"].id}/emails"' in page


def test_person_log_lists_their_emails_and_the_ones_to_their_address(client, auth, log):
    _login(auth, log)
    people = client.get("/manage/people").get_data(as_text=True)
    assert f'href="/manage/people/{log["juror"].id}/emails"' in people

    page = client.get(f"/manage/people/{log['juror'].id}/emails").get_data(as_text=True)
    assert "Invitation to the jury" in page and "To the jury" in page
    assert "Application received" not in page and "Elsewhere" not in page


def _count(db, model=OutgoingEmail):
    return db.session.scalar(select(func.count()).select_from(model))


def test_send_again_a_failed_email_sends_it_and_is_audited(client, auth, db, log, outbox):
    _login(auth, log)
    failed = log["failed"]
    url = f"/manage/editions/{log['edition'].id}/emails"
    response = auth.post(f"/manage/emails/{failed.id}/send-again?next={url}", form_url=url)

    assert response.status_code == 302 and response.headers["Location"] == url
    db.session.expire_all()
    assert db.session.get(OutgoingEmail, failed.id).status == EmailStatus.SENT
    assert _count(db) == 4
    assert outbox[-1].recipients == ["nobody@example.test"]
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email.resent"))
    assert (event.object_type, event.object_id, event.edition_id) == (
        "OutgoingEmail",
        failed.id,
        failed.edition_id,
    )
    assert event.before["status"] == "failed" and event.after == {"email_id": failed.id, "copy": False}
    assert "will be sent again" in client.get(url).get_data(as_text=True)


def test_send_again_a_sent_email_sends_a_copy(client, auth, db, log, outbox):
    _login(auth, log)
    sent = log["sent"]
    url = f"/manage/people/{log['juror'].id}/emails"
    before = len(outbox)
    auth.post(f"/manage/emails/{sent.id}/send-again", form_url=url)

    copy = db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id.desc())).first()
    assert copy.id != sent.id
    assert (copy.subject, copy.body, copy.user_id, copy.status) == (
        sent.subject,
        sent.body,
        sent.user_id,
        "sent",
    )
    assert len(outbox) == before + 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "email.resent"))
    assert event.after == {"email_id": copy.id, "copy": True}


def test_send_again_refused_while_the_email_is_being_sent(client, auth, db, log, outbox):
    _login(auth, log)
    sent = log["sent"]
    sent.status = EmailStatus.SENDING
    db.session.commit()
    url = f"/manage/people/{log['juror'].id}/emails"
    before = len(outbox)
    response = auth.post(f"/manage/emails/{sent.id}/send-again", form_url=url, follow_redirects=True)

    assert "being sent at this moment" in response.get_data(as_text=True)
    assert (_count(db), _count(db, AuditEvent), len(outbox)) == (4, 0, before)


def test_send_again_without_the_form_token_changes_nothing(client, auth, db, log, outbox):
    _login(auth, log)
    before = len(outbox)
    response = client.post(f"/manage/emails/{log['failed'].id}/send-again", data={})
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(OutgoingEmail, log["failed"].id).status == EmailStatus.FAILED
    assert (_count(db, AuditEvent), len(outbox)) == (0, before)
