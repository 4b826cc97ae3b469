from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth import tokens
from tests.auth.helpers import post_form, text

COLLEAGUE_PASSWORD = "our town hall has a red roof"


def test_account_shows_role_organisation_and_next_steps(client, auth, make, db):
    heraklion = make.organisation(name="Ηράκλειο", country="GR", population=173993)
    user = make.applicant(organisation=heraklion, name="Eleni Papadaki")
    db.session.commit()
    auth.login(user.email)

    body = text(client.get("/account"))

    assert "Eleni Papadaki" in body
    assert user.email in body
    assert "Applicant" in body
    assert "Ηράκλειο" in body
    assert "Greece" in body
    assert 'href="/account/password"' in body
    assert 'href="/account/colleagues"' in body


def test_account_juror_sees_country_and_no_colleagues(client, auth, make, db):
    juror = make.juror(country="HU")
    db.session.commit()
    auth.login(juror.email)

    body = text(client.get("/account"))

    assert "Hungary" in body
    assert "Juror" in body
    assert 'href="/account/colleagues"' not in body


def test_account_rename_saves_and_audits(client, auth, make, db):
    user = make.applicant(name="Jana Novakova")
    db.session.commit()
    auth.login(user.email)

    response = auth.post("/account", {"name": "  Jana Nováková  "})

    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert user.name == "Jana Nováková"
    event = db.session.scalar(select(AuditEvent))
    assert (event.action, event.before, event.after) == (
        "user.rename",
        {"name": "Jana Novakova"},
        {"name": "Jana Nováková"},
    )


def test_account_rename_empty_refused(client, auth, make, db):
    user = make.applicant(name="Jana Novakova")
    db.session.commit()
    auth.login(user.email)

    response = auth.post("/account", {"name": "   "})

    assert response.status_code == 200
    assert "This field is required." in text(response)
    db.session.refresh(user)
    assert user.name == "Jana Novakova"


def test_account_anonymous_redirected_to_login(client):
    response = client.get("/account")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_invitation_link_used_once(app, client, make, db, outbox):
    invited = make.juror(password=None, confirmed=False)
    db.session.commit()
    path = f"/invitation/{tokens.make_token(invited, 'invite')}"
    post_form(
        client,
        path,
        {"name": invited.name, "password": COLLEAGUE_PASSWORD, "password_confirm": COLLEAGUE_PASSWORD},
    )

    again = app.test_client().get(path)

    assert again.status_code == 410
    assert "You have chosen your password already." in text(again)


def test_invitation_get_changes_nothing(client, make, db):
    invited = make.juror(password=None, confirmed=False)
    db.session.commit()

    client.get(f"/invitation/{tokens.make_token(invited, 'invite')}")

    db.session.refresh(invited)
    assert (invited.password_hash, invited.email_confirmed_at) == (None, None)


def test_invitation_of_deactivated_account_refused(client, make, db):
    invited = make.juror(password=None, confirmed=False, active=False)
    db.session.commit()
    path = f"/invitation/{tokens.make_token(invited, 'invite')}"

    response = post_form(
        client,
        path,
        {"name": "X", "password": COLLEAGUE_PASSWORD, "password_confirm": COLLEAGUE_PASSWORD},
        form_url="/login",
    )

    assert response.status_code == 400
    assert "This account is deactivated" in text(response)
    db.session.refresh(invited)
    assert invited.password_hash is None


def test_invitation_weak_password_refused(client, make, db):
    invited = make.juror(password=None, confirmed=False)
    db.session.commit()
    path = f"/invitation/{tokens.make_token(invited, 'invite')}"

    response = post_form(
        client, path, {"name": invited.name, "password": "12345678", "password_confirm": "12345678"}
    )

    assert response.status_code == 200
    assert "This password is one of the most common ones; choose another." in text(response)
    db.session.refresh(invited)
    assert invited.password_hash is None
    assert client.get("/account").status_code == 302
