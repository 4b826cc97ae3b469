"""Every email about an account: confirming the address, resetting the password, an invitation, the notice
that the password was changed, and the notice that someone tried to register with an address that has one.

Each function composes one message in its recipient's language and queues it (app.mail.send_email); call
it before the commit, so the message leaves only if the change it announces is committed (or, with nothing
to commit, when the request ends). A link inside is signed when the message is composed (tokens.py), so call
it once the account's row is flushed.
"""

from flask_babel import gettext as _

from app.auth.labels import role_label
from app.auth.models import User
from app.auth.tokens import link_expiry, link_validity, make_token
from app.links import external_url
from app.mail import in_language, send_email


def notify_email_confirmation(user: User) -> None:
    """The link that confirms a newly registered address."""
    with in_language(user.language):
        send_email(
            user.email,
            _("Confirm your email address for the Dosta!-Congress Prize"),
            "auth_confirm",
            user_id=user.id,
            user=user,
            link=external_url("auth.confirm_email", token=make_token(user, "confirm")),
            valid_until=link_expiry("confirm"),
            valid_for=link_validity("confirm"),
        )


def notify_password_reset(user: User) -> None:
    """The link that sets a new password when the old one is forgotten."""
    with in_language(user.language):
        send_email(
            user.email,
            _("Choose a new password for the Dosta!-Congress Prize"),
            "auth_reset",
            user_id=user.id,
            user=user,
            link=external_url("auth.reset_password", token=make_token(user, "reset")),
            forgot_link=external_url("auth.forgot_password"),
            valid_until=link_expiry("reset"),
            valid_for=link_validity("reset"),
        )


def notify_registration_attempt(user: User) -> None:
    """The notice that someone tried to register with this account's address (the page answered them as if it
    were new), with a link to choose a new password in case it was the owner, who forgot the account."""
    with in_language(user.language):
        send_email(
            user.email,
            _("Someone tried to register with your address on the Dosta!-Congress Prize"),
            "auth_registration_attempt",
            user_id=user.id,
            user=user,
            login_link=external_url("auth.login"),
            link=external_url("auth.reset_password", token=make_token(user, "reset")),
            forgot_link=external_url("auth.forgot_password"),
            valid_until=link_expiry("reset"),
            valid_for=link_validity("reset"),
        )


def notify_invitation(user: User, invited_by: User | None = None) -> None:
    """The link with which an invited person chooses a password (sent again when an invitation is resent)."""
    with in_language(user.language):
        send_email(
            user.email,
            _("You are invited to the Dosta!-Congress Prize"),
            "auth_invitation",
            user_id=user.id,
            user=user,
            invited_by=invited_by,
            role_label=role_label(user.role),
            link=external_url("auth.accept_invitation", token=make_token(user, "invite")),
            valid_until=link_expiry("invite"),
            valid_for=link_validity("invite"),
        )


def notify_password_changed(user: User) -> None:
    """The notice that the password was changed or reset, in case it was not the owner."""
    with in_language(user.language):
        send_email(
            user.email,
            _("Your Dosta!-Congress Prize password was changed"),
            "auth_password_changed",
            user_id=user.id,
            user=user,
            forgot_link=external_url("auth.forgot_password"),
        )
