"""app/auth/limits.py: failed logins throttle the client that makes them, never the account's owner elsewhere;
registering and asking for links are bounded per client, at deadline-day sizes."""

from app.auth.models import User
from tests.auth.helpers import count, post_form
from tests.auth.test_register import register
from tests.conftest import AuthActions
from tests.factories import PASSWORD

ATTACKER, OWNER = "198.51.100.1", "203.0.113.2"


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client, email: str, password: str):
    return post_form(client, "/login", {"email": email, "password": password})


def test_login_failures_from_one_client_never_lock_the_owner_out(app, make, rate_limits):
    owner = make.applicant()
    attacker, owners_computer = client_at(app, ATTACKER), client_at(app, OWNER)

    guesses = [log_in(attacker, owner.email, f"guess number {n}").status_code for n in range(8)]
    right_from_attacker = log_in(attacker, owner.email, PASSWORD).status_code
    right_from_owner = log_in(owners_computer, owner.email, PASSWORD)

    assert guesses == [200] * 5 + [429] * 3
    assert right_from_attacker == 429
    assert right_from_owner.status_code == 302
    assert right_from_owner.headers["Location"] == "/my"


def test_login_failures_count_per_account_however_the_email_is_typed(app, make, rate_limits):
    owner = make.applicant(email="mayor@town.example")
    client = client_at(app, ATTACKER)

    spellings = ["mayor@town.example", "MAYOR@town.example", " Mayor@Town.Example ", "mayor@TOWN.example"]
    statuses = [log_in(client, spellings[n % 4], "wrong password").status_code for n in range(6)]

    assert statuses == [200] * 5 + [429]
    assert log_in(client, "someone.else@town.example", "wrong password").status_code == 200
    assert owner.last_login_at is None


def test_login_failures_across_accounts_throttle_the_address(app, make, rate_limits):
    user = make.applicant()
    client = client_at(app, ATTACKER)

    statuses = [log_in(client, f"nobody{n}@example.test", "wrong password").status_code for n in range(11)]

    assert statuses == [200] * 10 + [429]
    assert log_in(client, user.email, PASSWORD).status_code == 429
    assert log_in(client_at(app, OWNER), user.email, PASSWORD).status_code == 302


def test_login_successes_do_not_count_towards_the_limits(app, make, rate_limits):
    user = make.applicant()
    client = client_at(app, OWNER)
    actions = AuthActions(client)

    statuses = []
    for _ in range(12):
        statuses.append(log_in(client, user.email, PASSWORD).status_code)
        assert actions.logout().status_code == 302

    assert statuses == [302] * 12


def test_register_twenty_municipalities_an_hour_from_one_address_and_no_more_than_thirty(
    app, db, outbox, rate_limits
):
    client = client_at(app, OWNER)

    statuses = [
        register(client, organisation_name=f"Town {n}", email=f"contact{n}@town.example").status_code
        for n in range(31)
    ]

    assert statuses == [302] * 30 + [429]
    assert count(db, User) == 30
    assert len(outbox) == 30
    other = register(client_at(app, ATTACKER), organisation_name="Town 31", email="contact31@town.example")
    assert other.status_code == 302


def test_register_typos_do_not_count_towards_the_limit(app, db, rate_limits):
    client = client_at(app, OWNER)

    typos = [register(client, country="").status_code for _ in range(31)]
    success = register(client).status_code

    assert typos == [200] * 31
    assert success == 302


def forgot(client, email: str):
    return post_form(client, "/password/forgot", {"email": email})


def test_forgot_password_bounded_per_address(app, make, outbox, rate_limits):
    client = client_at(app, OWNER)

    statuses = [forgot(client, f"contact{n}@town.example").status_code for n in range(31)]

    assert statuses == [302] * 30 + [429]
    assert forgot(client_at(app, ATTACKER), "contact31@town.example").status_code == 302


def test_forgot_password_bounded_per_email_asked_about(app, make, outbox, rate_limits):
    user = make.applicant()
    client = client_at(app, ATTACKER)

    statuses = [forgot(client, user.email).status_code for _ in range(6)]

    assert statuses == [302] * 5 + [429]
    assert len(outbox) == 5
    assert forgot(client, "someone.else@town.example").status_code == 302
