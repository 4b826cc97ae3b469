"""Signed single-purpose links: what read_token accepts and the reason it gives for what it refuses."""

import time

import pytest
from flask import current_app
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.auth import tokens
from app.auth.passwords import hash_password


class SignedThreeHoursAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 3 * 3600


def reason(token: str, purpose: str) -> str:
    with pytest.raises(tokens.TokenError) as refused:
        tokens.read_token(token, purpose)
    return refused.value.reason


@pytest.mark.parametrize("purpose", ["confirm", "reset", "invite"])
def test_read_token_returns_the_account_it_was_made_for(make, db, purpose):
    user = make.juror()
    db.session.commit()

    assert tokens.read_token(tokens.make_token(user, purpose), purpose) is user


def test_read_token_of_another_purpose_invalid(make, db):
    user = make.juror()
    db.session.commit()

    assert reason(tokens.make_token(user, "confirm"), "reset") == "invalid"


def test_read_token_after_email_change_invalid(make, db):
    user = make.juror(email="old@example.org")
    db.session.commit()
    token = tokens.make_token(user, "confirm")
    user.email = "new@example.org"
    db.session.commit()

    assert reason(token, "confirm") == "invalid"


@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_read_token_after_password_change_used(make, db, purpose):
    user = make.juror(password=None)
    db.session.commit()
    token = tokens.make_token(user, purpose)
    user.password_hash = hash_password("a brand new passphrase")
    db.session.commit()

    assert reason(token, purpose) == "used"


def signed_three_hours_ago(purpose: str, payload: dict) -> str:
    secret = current_app.config["SECRET_KEY"]
    serializer = URLSafeTimedSerializer(secret, salt=f"prizejury.{purpose}", signer=SignedThreeHoursAgo)
    return serializer.dumps(payload)


def test_read_token_older_than_two_hours_expired_for_reset(make, db):
    user = make.juror()
    db.session.commit()
    payload = {"uid": user.id, "email": user.email, "pw": tokens._password_fingerprint(user)}

    assert reason(signed_three_hours_ago("reset", payload), "reset") == "expired"


def test_read_token_older_than_two_hours_still_valid_for_confirm(make, db):
    user = make.juror()
    db.session.commit()
    payload = {"uid": user.id, "email": user.email}

    assert tokens.read_token(signed_three_hours_ago("confirm", payload), "confirm") is user


def test_read_token_garbage_invalid(app):
    assert reason("not-a-token", "invite") == "invalid"


@pytest.mark.parametrize(
    ("purpose", "validity"), [("confirm", "3 days"), ("reset", "2 hours"), ("invite", "14 days")]
)
def test_link_validity_in_words(app, purpose, validity):
    with app.test_request_context():
        assert tokens.link_validity(purpose) == validity
