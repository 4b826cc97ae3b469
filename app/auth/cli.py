"""flask users create: organisers and jurors from the command line (the first organiser, above all)."""

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext

from app.auth import notifications, people
from app.auth.enums import Role
from app.auth.passwords import password_problem
from app.auth.queries import normalise_email, user_by_email
from app.auth.tokens import link_validity
from app.countries import is_member_state
from app.extensions import db


def _email(ctx, param, value: str) -> str:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from error
    return normalise_email(value)


def _site_request():
    # Translations and absolute links need a request; a command has none, so it borrows the public address.
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"])


@click.command("create")
@click.option(
    "--role",
    type=click.Choice([Role.ORGANISER.value, Role.JUROR.value]),
    required=True,
    help="Organisers run the prize; jurors score applications. Municipalities register themselves.",
)
@click.option("--email", required=True, callback=_email, help="The person's email address (the login).")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--country", default=None, help="ISO code of a Council of Europe member state; required for jurors."
)
@click.option(
    "--password-prompt/--send-invitation",
    "prompt_password",
    default=True,
    help="Type the password now (default), or email an invitation with a link to choose it.",
)
@with_appcontext
def create(role: str, email: str, name: str, country: str | None, prompt_password: bool) -> None:
    """Create an organiser or a juror account."""
    name = name.strip()
    if not name:
        raise click.BadParameter("the name cannot be empty", param_hint="--name")
    if country:
        country = country.strip().upper()
        if not is_member_state(country):
            raise click.BadParameter(
                f"{country!r} is not a Council of Europe member state (use its ISO code, such as FR)",
                param_hint="--country",
            )
    elif role == Role.JUROR:
        raise click.UsageError("A juror needs --country (the member state the juror represents).")
    if user_by_email(email) is not None:
        raise click.ClickException(f"An account with the email {email} exists already.")

    if prompt_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt="Repeat the password")
        with _site_request():
            problem = password_problem(password, email=email, name=name)
        if problem:
            raise click.ClickException(f"Password refused: {problem}")
        user = people.create_with_password(
            email=email, name=name, role=role, country=country, password=password
        )
        db.session.commit()
        click.echo(f"Created {role} {name} <{email}>; they can log in now.")
        return

    user = people.invite(email=email, name=name, role=role, country=country)
    with _site_request():
        notifications.notify_invitation(user)
        db.session.commit()  # before leaving the request, whose end would deliver the message uncommitted
        validity = link_validity("invite")
    click.echo(f"Invited {role} {name} <{email}>: the invitation email carries a link valid for {validity}.")


def register_commands(group: click.Group) -> None:
    group.add_command(create)
