"""The colleagues of an applicant organisation: the list, inviting a colleague, resending an invitation."""

from sqlalchemy import select

from app.auth.enums import Role
from app.auth.models import User
from tests.auth.helpers import count, link_in, post_form, text
from tests.conftest import AuthActions

COLLEAGUE_PASSWORD = "our town hall has a red roof"


def test_colleagues_lists_only_own_organisation(client, auth, make, db):
    obrnice = make.organisation(name="Obrnice")
    me = make.applicant(organisation=obrnice, name="Jana Nováková")
    make.applicant(organisation=obrnice, name="Petr Dvořák")
    make.applicant(name="Stranger From Elsewhere")
    db.session.commit()
    auth.login(me.email)

    body = text(client.get("/account/colleagues"))

    assert "Colleagues at Obrnice" in body
    assert "Petr Dvořák" in body
    assert "Stranger From Elsewhere" not in body


def test_colleague_invitation_joins_the_same_organisation(app, client, auth, make, db, outbox):
    obrnice = make.organisation(name="Obrnice")
    me = make.applicant(organisation=obrnice, name="Jana Nováková")
    db.session.commit()
    auth.login(me.email)

    response = auth.post(
        "/account/colleagues/invite",
        {"name": "Petr Dvořák", "email": "Petr@Obrnice.example"},
        form_url="/account/colleagues",
    )

    assert response.headers["Location"] == "/account/colleagues"
    colleague = db.session.scalar(select(User).where(User.email == "petr@obrnice.example"))
    assert (colleague.role, colleague.organisation_id, colleague.password_hash) == (
        Role.APPLICANT,
        obrnice.id,
        None,
    )
    assert "Invited" in text(client.get("/account/colleagues"))
    message = outbox[-1]
    assert message.recipients == ["petr@obrnice.example"]
    assert "Jana Nováková invites you to work on the applications of Obrnice" in message.body
    assert "valid for 14 days" in message.body

    browser = app.test_client()
    path = link_in(message, "/invitation/")
    page = text(browser.get(path))
    assert "You are invited to work on the applications of Obrnice." in page
    accepted = post_form(
        browser,
        path,
        {"name": "Petr Dvořák", "password": COLLEAGUE_PASSWORD, "password_confirm": COLLEAGUE_PASSWORD},
    )

    assert accepted.headers["Location"] == "/my"
    assert "Petr Dvořák" in text(browser.get("/account"))
    db.session.refresh(colleague)
    assert colleague.email_confirmed_at is not None
    assert AuthActions(app.test_client()).login("petr@obrnice.example", COLLEAGUE_PASSWORD).status_code == 302


def test_colleague_invitation_existing_email_refused(client, auth, make, db, outbox):
    me = make.applicant()
    make.juror(email="juror@jury.example")
    db.session.commit()
    auth.login(me.email)
    users_before = count(db, User)

    response = auth.post(
        "/account/colleagues/invite",
        {"name": "X", "email": "juror@jury.example"},
        form_url="/account/colleagues",
    )

    assert response.status_code == 200
    assert "This email address already has an account" in text(response)
    assert count(db, User) == users_before
    assert outbox == []


def test_colleagues_refused_to_jurors_and_organisers(client, auth, make, db):
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)

    assert client.get("/account/colleagues").status_code == 403
    response = auth.post(
        "/account/colleagues/invite", {"name": "X", "email": "x@x.example"}, form_url="/account"
    )
    assert response.status_code == 403
    assert count(db, User) == 1


def test_colleague_resend_invitation_only_within_own_organisation(client, auth, make, db, outbox):
    me = make.applicant()
    pending = make.applicant(organisation=me.organisation, password=None, confirmed=False)
    outsider = make.applicant(password=None, confirmed=False)
    db.session.commit()
    auth.login(me.email)

    resent = auth.post(f"/account/colleagues/{pending.id}/resend", form_url="/account/colleagues")
    foreign = auth.post(f"/account/colleagues/{outsider.id}/resend", form_url="/account/colleagues")

    assert resent.headers["Location"] == "/account/colleagues"
    assert foreign.status_code == 404
    assert [m.recipients for m in outbox] == [[pending.email]]
