import time

import pytest
from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.auth import tokens
from tests.auth.helpers import link_in, post_form, text, without_csrf


class SignedFourDaysAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 4 * 24 * 3600


def expired_token(user, purpose: str) -> str:
    serializer = URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"prizejury.{purpose}", signer=SignedFourDaysAgo
    )
    return serializer.dumps({"uid": user.id, "email": user.email})


@pytest.fixture
def unconfirmed(make, db):
    user = make.applicant(confirmed=False, email="new.contact@surcin.example", name="Milica Petrović")
    db.session.commit()
    return user


def test_confirm_get_changes_nothing(client, db, unconfirmed):
    token = tokens.make_token(unconfirmed, "confirm")

    response = client.get(f"/confirm/{token}")

    assert response.status_code == 200
    assert "Confirm my email address" in text(response)
    assert "new.contact@surcin.example" in text(response)
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is None


def test_confirm_post_confirms_and_sends_to_login(client, db, unconfirmed):
    path = f"/confirm/{tokens.make_token(unconfirmed, 'confirm')}"

    response = post_form(client, path, {})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is not None
    login_page = text(client.get(response.headers["Location"]))
    assert "Thank you: your email address is confirmed. You can now log in." in login_page
    assert 'value="new.contact@surcin.example"' in login_page


def test_confirm_post_without_csrf_token_refused(client, db, unconfirmed):
    response = client.post(f"/confirm/{tokens.make_token(unconfirmed, 'confirm')}")

    assert response.status_code == 400
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is None


def test_confirm_expired_link_offers_a_new_one(client, db, unconfirmed):
    path = f"/confirm/{expired_token(unconfirmed, 'confirm')}"

    response = client.get(path)

    assert response.status_code == 410
    assert "This link has expired" in text(response)
    assert "Send a new link" in text(response)
    posted = post_form(client, path, {}, form_url="/confirm/resend")
    assert posted.status_code == 410
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is None


def test_confirm_tampered_link_refused(client, db, unconfirmed):
    token = tokens.make_token(unconfirmed, "confirm")

    response = client.get(f"/confirm/{token[:-3]}abc")

    assert response.status_code == 400
    assert "This link is not valid" in text(response)


def test_confirm_reset_token_is_not_a_confirm_token(client, db, unconfirmed):
    response = client.get(f"/confirm/{tokens.make_token(unconfirmed, 'reset')}")

    assert response.status_code == 400


def test_confirm_already_confirmed_sends_to_login(client, make, db):
    user = make.applicant()
    db.session.commit()

    response = client.get(f"/confirm/{tokens.make_token(user, 'confirm')}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_confirm_deactivated_account_refused(client, db, unconfirmed):
    unconfirmed.active = False
    db.session.commit()
    path = f"/confirm/{tokens.make_token(unconfirmed, 'confirm')}"

    response = client.get(path)

    assert response.status_code == 400
    assert "This account is deactivated" in text(response)


def test_resend_confirmation_sends_a_working_link(client, db, outbox, unconfirmed):
    response = post_form(client, "/confirm/resend", {"email": "New.Contact@surcin.example"})

    assert response.headers["Location"] == "/check-inbox"
    assert [m.recipients for m in outbox] == [["new.contact@surcin.example"]]
    post_form(client, link_in(outbox[0], "/confirm/"), {})
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is not None


def test_resend_confirmation_answers_alike_for_unknown_and_confirmed(client, db, outbox, make, unconfirmed):
    confirmed = make.applicant(email="old.hand@surcin.example")
    db.session.commit()
    pages = []
    for email in ("nobody@nowhere.example", confirmed.email, unconfirmed.email):
        response = post_form(client, "/confirm/resend", {"email": email})
        assert response.headers["Location"] == "/check-inbox"
        pages.append(without_csrf(text(client.get("/check-inbox")).replace(email, "EMAIL")))

    assert pages[0] == pages[1] == pages[2]
    assert [m.recipients for m in outbox] == [[unconfirmed.email]]


def test_login_unconfirmed_offers_a_new_link(client, auth, unconfirmed):
    response = auth.login(unconfirmed.email)

    body = text(response)
    assert "Please confirm your email address first" in body
    assert 'action="/confirm/resend"' in body
