import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.cli import create, register_commands
from app.auth.enums import Role
from app.auth.models import User
from app.auth.passwords import verify_password
from tests.auth.helpers import count, link_in
from tests.conftest import AuthActions

PASSWORD = "strasbourg in the spring rain"


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(create, list(args), input=input)


def test_cli_create_organiser_with_prompted_password(app, client, db):
    result = run(
        app,
        "--role", "organiser", "--email", "Olga@CoE.example", "--name", "Olga Organiser",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Created organiser Olga Organiser <olga@coe.example>" in result.output
    assert PASSWORD not in result.output
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.role) == ("olga@coe.example", "Olga Organiser", Role.ORGANISER)
    assert verify_password(user.password_hash, PASSWORD)
    assert user.email_confirmed_at is not None
    assert db.session.scalar(select(AuditEvent.action)) == "user.create"
    assert AuthActions(client).login("olga@coe.example", PASSWORD).headers["Location"] == "/manage/editions"


@pytest.mark.parametrize("password", ["password", "12345678", "short"])
def test_cli_create_weak_password_refused(app, db, password):
    result = run(
        app,
        "--role",
        "organiser",
        "--email",
        "o@coe.example",
        "--name",
        "O",
        input=f"{password}\n{password}\n",
    )

    assert result.exit_code == 1
    assert "Password refused:" in result.output
    assert count(db, User) == 0


def test_cli_create_passwords_that_differ_asked_again(app, db):
    result = run(
        app,
        "--role", "organiser", "--email", "o@coe.example", "--name", "O",
        input=f"{PASSWORD}\nsomething else\n{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert count(db, User) == 1


def test_cli_create_existing_email_is_a_clear_error(app, make, db):
    make.organiser(email="olga@coe.example")
    db.session.commit()

    result = run(app, "--role", "organiser", "--email", "OLGA@coe.example", "--name", "Olga")

    assert result.exit_code == 1
    assert "Error: An account with the email olga@coe.example exists already." in result.output
    assert count(db, User) == 1


def test_cli_create_juror_needs_member_state(app, db):
    missing = run(app, "--role", "juror", "--email", "j@jury.example", "--name", "J", "--send-invitation")
    outside = run(
        app,
        "--role",
        "juror",
        "--email",
        "j@jury.example",
        "--name",
        "J",
        "--country",
        "US",
        "--send-invitation",
    )

    assert missing.exit_code == 2
    assert "A juror needs --country" in missing.output
    assert outside.exit_code == 2
    assert "not a Council of Europe member state" in outside.output
    assert count(db, User) == 0


def test_cli_create_bad_email_refused(app, db):
    result = run(app, "--role", "organiser", "--email", "not-an-email", "--name", "O", "--send-invitation")

    assert result.exit_code == 2
    assert count(db, User) == 0


def test_cli_create_juror_with_invitation(app, db, outbox):
    result = run(
        app, "--role", "juror", "--email", "anna@jury.example", "--name", "Anna Juror", "--country", "hu",
        "--send-invitation",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert "Invited juror Anna Juror <anna@jury.example>" in result.output
    user = db.session.scalar(select(User))
    assert (user.role, user.country, user.password_hash) == (Role.JUROR, "HU", None)
    assert [m.recipients for m in outbox] == [["anna@jury.example"]]
    assert link_in(outbox[0], "/invitation/")
    assert "http://localhost/invitation/" in outbox[0].body


def test_cli_register_commands_adds_create_to_the_group():
    import click

    group = click.Group("users")

    register_commands(group)

    assert group.commands == {"create": create}


def test_cli_speaks_the_command_line_language(app, db, outbox):
    app.config["COMMAND_LINE_LANGUAGE"] = "fr"

    result = run(
        app, "--role", "juror", "--email", "jean@jury.example", "--name", "Jean", "--country", "FR",
        "--send-invitation",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Invitation envoyée")
    assert db.session.scalar(select(User.language)) == "fr"
    (message,) = outbox
    assert "Prix Dosta!-Congrès" in message.subject


def test_cli_language_follows_the_system_when_not_configured(app, monkeypatch):
    from app.i18n import command_line_language

    app.config["COMMAND_LINE_LANGUAGE"] = None
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    assert command_line_language() == "fr"
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert command_line_language() == "en"
    monkeypatch.setenv("LANG", "C")
    assert command_line_language() == "en"
