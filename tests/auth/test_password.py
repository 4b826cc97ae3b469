import time

import pytest
from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth import tokens
from app.auth.models import LoginSession
from app.auth.passwords import verify_password
from tests.auth.helpers import link_in, post_form, text, whole_answer, without_csrf
from tests.conftest import AuthActions

NEW_PASSWORD = "a brand new passphrase for 2014"


def new_password(password: str = NEW_PASSWORD) -> dict:
    return {"password": password, "password_confirm": password}


@pytest.fixture
def member(make, db):
    user = make.applicant(email="ana@kocaeli.example", name="Ana Yılmaz")
    db.session.commit()
    return user


def reset_link(client, outbox, email: str) -> str:
    post_form(client, "/password/forgot", {"email": email})
    return link_in(outbox[-1], "/password/reset/")


def test_forgot_password_sends_a_link_valid_two_hours(client, outbox, member):
    response = post_form(client, "/password/forgot", {"email": "ANA@kocaeli.example "})

    assert response.headers["Location"] == "/check-inbox"
    assert "If an account exists for ana@kocaeli.example" in text(client.get("/check-inbox"))
    assert [m.recipients for m in outbox] == [["ana@kocaeli.example"]]
    assert "valid for 2 hours" in outbox[0].body
    assert "works only once" in outbox[0].body


def test_forgot_password_unknown_email_answers_identically(app, outbox, member):
    answers = [
        whole_answer(app.test_client(), "/password/forgot", {"email": email}, blank=email)
        for email in ("ana@kocaeli.example", "bob@kocaeli.example")  # as long: the same Content-Length
    ]

    assert answers[0]["status"] == 302
    assert "If an account exists for E" in answers[0]["page"]
    assert answers[0] == answers[1]
    assert [m.recipients for m in outbox] == [["ana@kocaeli.example"]]


def test_forgot_password_deactivated_account_gets_no_email(client, outbox, member, db):
    member.active = False
    db.session.commit()

    response = post_form(client, "/password/forgot", {"email": member.email})

    assert response.headers["Location"] == "/check-inbox"
    assert outbox == []


def test_reset_password_sets_it_and_link_is_single_use(client, auth, outbox, db, member):
    path = reset_link(client, outbox, member.email)

    assert client.get(path).status_code == 200
    response = post_form(client, path, new_password())

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    db.session.refresh(member)
    assert verify_password(member.password_hash, NEW_PASSWORD)
    changed_hash = member.password_hash

    again = client.get(path)
    assert again.status_code == 410
    assert "This link has already been used" in text(again)
    replay = post_form(client, path, new_password("yet another passphrase here"), form_url="/password/forgot")
    assert replay.status_code == 410
    db.session.refresh(member)
    assert member.password_hash == changed_hash
    assert auth.login(member.email, NEW_PASSWORD).headers["Location"] == "/my"


def test_reset_password_ends_every_session(app, client, auth, outbox, db, member):
    other_browser = app.test_client()
    AuthActions(other_browser).login(member.email)
    assert other_browser.get("/account").status_code == 200
    path = reset_link(client, outbox, member.email)

    post_form(client, path, new_password())

    assert other_browser.get("/account").status_code == 302
    assert db.session.scalar(select(LoginSession).where(LoginSession.revoked_at.is_(None))) is None
    assert "password of your account ana@kocaeli.example" in outbox[-1].body


def test_reset_password_expired_link_refused(client, db, member):
    class SignedThreeHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 3600

    serializer = URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt="prizejury.reset", signer=SignedThreeHoursAgo
    )
    token = serializer.dumps(
        {"uid": member.id, "email": member.email, "pw": tokens._password_fingerprint(member)}
    )
    before = member.password_hash

    response = post_form(client, f"/password/reset/{token}", new_password(), form_url="/password/forgot")

    assert response.status_code == 410
    assert "Password reset links are valid for 2 hours." in text(response)
    db.session.refresh(member)
    assert member.password_hash == before


@pytest.mark.parametrize("password", ["password", "12345678", "ana@kocaeli.example"])
def test_reset_password_weak_password_refused(client, outbox, db, member, password):
    path = reset_link(client, outbox, member.email)
    before = member.password_hash

    response = post_form(client, path, new_password(password))

    assert response.status_code == 200
    db.session.refresh(member)
    assert member.password_hash == before


def test_change_password_ends_other_sessions_only(app, client, auth, db, outbox, member):
    other_browser = app.test_client()
    AuthActions(other_browser).login(member.email)
    auth.login(member.email)
    assert other_browser.get("/account").status_code == 200

    response = auth.post(
        "/account/password",
        {"current_password": "correct horse battery staple", **new_password()},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "1 other session was ended" in text(client.get("/account"))
    assert other_browser.get("/account").status_code == 302
    assert client.get("/account").status_code == 200
    db.session.refresh(member)
    assert verify_password(member.password_hash, NEW_PASSWORD)
    assert outbox[-1].subject == "Your Dosta!-Congress Prize password was changed"
    assert db.session.scalar(select(AuditEvent.action)) == "user.password_change"


def test_change_password_wrong_current_password_refused(client, auth, db, member):
    auth.login(member.email)
    before = member.password_hash

    response = auth.post("/account/password", {"current_password": "not my password", **new_password()})

    assert response.status_code == 200
    assert "This is not your current password." in text(response)
    db.session.refresh(member)
    assert member.password_hash == before
    assert db.session.scalar(select(LoginSession.revoked_at)) is None


def test_change_password_common_password_refused(client, auth, db, member):
    auth.login(member.email)
    before = member.password_hash

    response = auth.post(
        "/account/password", {"current_password": "correct horse battery staple", **new_password("12345678")}
    )

    assert "This password is one of the most common ones; choose another." in text(response)
    db.session.refresh(member)
    assert member.password_hash == before


def test_change_password_anonymous_redirected_to_login(client):
    response = client.get("/account/password")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_reset_password_while_logged_in_signs_this_browser_out(client, auth, outbox, db, member):
    auth.login(member.email)
    path = reset_link(client, outbox, member.email)

    post_form(client, path, new_password())

    assert client.get("/account").status_code == 302
    assert db.session.scalar(select(LoginSession).where(LoginSession.revoked_at.is_(None))) is None


def test_login_unknown_email_and_wrong_password_answer_alike(client, auth, member):
    unknown = auth.login("nobody@kocaeli.example", "some password here")
    wrong = auth.login(member.email, "some password here")

    assert without_csrf(text(unknown)).replace("nobody@kocaeli.example", "E") == without_csrf(
        text(wrong)
    ).replace(member.email, "E")


def test_login_page_links_to_forgotten_password_and_registration(client):
    body = text(client.get("/login"))

    assert 'href="/password/forgot"' in body
    assert 'href="/register"' in body
