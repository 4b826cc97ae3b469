import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import Organisation, User
from tests.auth.helpers import count, link_in, post_form, text, whole_answer

PASSPHRASE = "seven green lanterns over the river"


def registration(**changes) -> dict:
    data = {
        "organisation_name": "Obrnice",
        "kind": "municipality",
        "country": "CZ",
        "population": "2300",
        "website": "https://www.obrnice.cz",
        "contact_name": "Jana Nováková",
        "email": "Jana.Novakova@Obrnice.example",
        "password": PASSPHRASE,
        "password_confirm": PASSPHRASE,
    }
    data.update(changes)
    return data


def register(client, **changes):
    return post_form(client, "/register", registration(**changes))


def assert_nothing_created(db):
    assert count(db, User) == 0
    assert count(db, Organisation) == 0


def test_register_confirm_login_journey(client, auth, outbox, db):
    response = register(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/check-inbox"
    inbox_page = text(client.get("/check-inbox"))
    assert "We have sent a confirmation link to jana.novakova@obrnice.example." in inbox_page
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.role) == (
        "jana.novakova@obrnice.example",
        "Jana Nováková",
        Role.APPLICANT,
    )
    assert user.email_confirmed_at is None
    organisation = user.organisation
    assert (organisation.name, organisation.kind, organisation.country) == ("Obrnice", "municipality", "CZ")
    assert (organisation.population, organisation.website) == (2300, "https://www.obrnice.cz")

    assert len(outbox) == 1
    message = outbox[0]
    assert message.recipients == ["jana.novakova@obrnice.example"]
    assert message.subject == "Confirm your email address for the Dosta!-Congress Prize"
    assert "valid for 3 days" in message.body
    assert "Dear Jana Nováková," in message.body
    confirm_path = link_in(message, "/confirm/")

    refused = auth.login("jana.novakova@obrnice.example", PASSPHRASE)
    assert "Please confirm your email address first" in text(refused)
    assert client.get("/account").status_code == 302

    confirmed = post_form(client, confirm_path, {})
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].startswith("/login")
    db.session.refresh(user)
    assert user.email_confirmed_at is not None

    logged_in = auth.login("jana.novakova@obrnice.example", PASSPHRASE)
    assert logged_in.headers["Location"] == "/my"
    assert "Jana Nováková" in text(client.get("/account"))


def test_register_records_audit_events(client, db):
    register(client)

    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["organisation.register", "user.register"]


def test_register_greek_name_kept_exactly(client, db):
    response = register(client, organisation_name="Ηράκλειο", country="GR", email="mayor@heraklion.example")

    assert response.status_code == 302
    assert db.session.scalar(select(Organisation.name)) == "Ηράκλειο"


@pytest.mark.parametrize("name", ["Şişli", "Surčin"])
def test_register_name_in_any_script_kept_exactly(client, db, name):
    register(client, organisation_name=name, country="TR")

    assert db.session.scalar(select(Organisation.name)) == name


def test_register_with_an_address_that_has_an_account_answers_as_a_new_registration(app, db, outbox):
    new = whole_answer(app.test_client(), "/register", registration())
    user = db.session.scalar(select(User))
    db.session.commit()

    again = whole_answer(
        app.test_client(), "/register", registration(organisation_name="Surčin", country="RS")
    )

    assert new["status"] == 302
    assert "We have sent a confirmation link to jana.novakova@obrnice.example." in new["page"]
    assert again == new
    assert (count(db, User), count(db, Organisation)) == (1, 1)
    assert [m.subject for m in outbox] == [
        "Confirm your email address for the Dosta!-Congress Prize",
        "Someone tried to register with your address on the Dosta!-Congress Prize",
    ]
    notice = outbox[1]
    assert notice.recipients == [user.email]
    assert "This address already has an account, so nothing was registered." in notice.body
    assert app.test_client().get(link_in(notice, "/password/reset/")).status_code == 200


def test_register_with_the_address_of_a_deactivated_account_answers_the_same_and_sends_nothing(
    app, db, make, outbox
):
    make.applicant(email="jana.novakova@obrnice.example", active=False)
    db.session.commit()

    response = register(app.test_client(), organisation_name="Surčin", country="RS")

    assert response.status_code == 302
    assert response.headers["Location"] == "/check-inbox"
    assert count(db, Organisation) == 1
    assert outbox == []


def test_register_taken_address_for_a_registered_organisation_names_only_the_organisation(client, db, make):
    obrnice = make.organisation(name="Obrnice", country="CZ")
    make.applicant(organisation=obrnice, email="jana.novakova@obrnice.example")
    db.session.commit()

    response = register(client)

    body = text(response)
    assert response.status_code == 200
    assert "is already registered. Ask the colleague who registered it to invite you" in body
    assert "An account already uses this email address" not in body


def test_register_existing_organisation_refused_without_naming_contact(client, db, make, outbox):
    heraklion = make.organisation(name="Ηράκλειο", country="GR")
    make.applicant(organisation=heraklion, name="Secret Contact", email="secret.contact@heraklion.example")
    db.session.commit()

    response = register(
        client, organisation_name="  ηράκλειο ", country="GR", email="other@heraklion.example"
    )

    body = text(response)
    assert "is already registered. Ask the colleague who registered it to invite you" in body
    assert "Secret Contact" not in body
    assert "secret.contact" not in body
    assert (count(db, User), count(db, Organisation)) == (1, 1)
    assert outbox == []


def test_register_same_name_in_another_country_accepted(client, db, make):
    make.organisation(name="Surčin", country="RS")
    db.session.commit()

    response = register(client, organisation_name="Surčin", country="BA")

    assert response.status_code == 302
    assert count(db, Organisation) == 2


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is one of the most common ones; choose another."),
        ("12345678", "This password is one of the most common ones; choose another."),
        ("short", "Use at least 8 characters."),
        ("jana.novakova@obrnice.example", "The password must not be your name or email address."),
    ],
)
def test_register_weak_password_refused(client, db, outbox, password, message):
    response = register(client, password=password, password_confirm=password)

    assert response.status_code == 200
    assert message in text(response)
    assert_nothing_created(db)
    assert outbox == []


def test_register_long_passphrase_accepted(client, db, auth):
    passphrase = ("the quick brown fox jumps over the lazy dog " * 3)[:100]
    assert len(passphrase) == 100

    response = register(client, password=passphrase, password_confirm=passphrase)

    assert response.status_code == 302
    user = db.session.scalar(select(User))
    user.email_confirmed_at = user.created_at
    db.session.commit()
    assert auth.login(user.email, passphrase).headers["Location"] == "/my"


def test_register_passwords_that_differ_refused(client, db):
    response = register(client, password_confirm=PASSPHRASE + "!")

    assert "The two passwords differ." in text(response)
    assert_nothing_created(db)


@pytest.mark.parametrize("country", ["US", "RU", "BY", "XX", ""])
def test_register_country_outside_council_of_europe_refused(client, db, country):
    response = register(client, country=country)

    assert response.status_code == 200
    assert_nothing_created(db)


def test_register_country_select_lists_the_46_member_states(client):
    body = text(client.get("/register"))

    assert body.count('<option value="') == 47  # the 46 and "Choose a country"
    assert '<option value="TR">Türkiye</option>' in body


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://obrnice.cz", "https://", "not a website"])
def test_register_website_not_http_refused(client, db, website):
    response = register(client, website=website)

    assert "Enter the web address of your website" in text(response)
    assert_nothing_created(db)


def test_register_website_without_scheme_taken_as_https(client, db):
    register(client, website="www.obrnice.cz")

    assert db.session.scalar(select(Organisation.website)) == "https://www.obrnice.cz"


def test_register_optional_fields_may_stay_empty(client, db):
    response = register(client, population="", website="")

    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation))
    assert (organisation.population, organisation.website) == (None, "")


@pytest.mark.parametrize("population", ["-1", "many"])
def test_register_bad_population_refused(client, db, population):
    register(client, population=population)

    assert_nothing_created(db)


def test_register_bad_email_refused(client, db):
    response = register(client, email="not-an-email")

    assert "Enter a valid email address." in text(response)
    assert_nothing_created(db)


def test_register_without_csrf_token_refused(client, db):
    response = client.post("/register", data=registration())

    assert response.status_code == 400
    assert_nothing_created(db)


def test_register_when_logged_in_redirects_home(client, auth, make):
    auth.login(make.applicant().email)

    response = client.get("/register")

    assert response.status_code == 302
    assert response.headers["Location"] == "/my"
