"""flask users create: organisers and jurors from the command line (the first organiser, above all)."""

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from flask_babel import gettext as _

from app.auth import notifications, people
from app.auth.enums import Role
from app.auth.labels import role_label
from app.auth.passwords import password_problem
from app.auth.queries import normalise_email, user_by_email
from app.auth.tokens import link_validity
from app.countries import is_member_state
from app.extensions import db
from app.i18n import command_line_language, command_request


def _email(ctx, param, value: str) -> str:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error)) from error
    return normalise_email(value)


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
    with command_request():
        _create(role, email, name, country, prompt_password)


def _create(role: str, email: str, name: str, country: str | None, prompt_password: bool) -> None:
    name = name.strip()
    if not name:
        raise click.BadParameter(_("the name cannot be empty"), param_hint="--name")
    if country:
        country = country.strip().upper()
        if not is_member_state(country):
            raise click.BadParameter(
                _(
                    "%(country)s is not a Council of Europe member state (use its ISO code, such as FR)",
                    country=repr(country),
                ),
                param_hint="--country",
            )
    elif role == Role.JUROR:
        raise click.UsageError(_("A juror needs --country (the member state the juror represents)."))
    if user_by_email(email) is not None:
        raise click.ClickException(_("An account with the email %(email)s exists already.", email=email))

    if prompt_password:
        password = click.prompt(_("Password"), hide_input=True, confirmation_prompt=_("Repeat the password"))
        problem = password_problem(password, email=email, name=name)
        if problem:
            raise click.ClickException(_("Password refused: %(problem)s", problem=problem))
        user = people.create_with_password(
            email=email, name=name, role=role, country=country, password=password
        )
        db.session.commit()
        click.echo(
            _(
                "Created %(role)s %(name)s <%(email)s>; they can log in now.",
                role=role_label(role).lower(),
                name=name,
                email=email,
            )
        )
        return

    user = people.invite(email=email, name=name, role=role, country=country, language=command_line_language())
    notifications.notify_invitation(user)
    db.session.commit()  # before leaving the request, whose end would deliver the message uncommitted
    click.echo(
        _(
            "Invited %(role)s %(name)s <%(email)s>: the invitation email carries a link valid for "
            "%(validity)s.",
            role=role_label(role).lower(),
            name=name,
            email=email,
            validity=link_validity("invite"),
        )
    )


def register_commands(group: click.Group) -> None:
    group.add_command(create)
