"""Who may read the delivery log and send a message again."""

from app.auth.permissions import is_organiser
from app.mail import EmailStatus

__all__ = [
    "can_send_email_again",
    "can_view_emails",
]


def can_view_emails(user, about=None) -> bool:
    """Organisers read the log of any edition or person (`about`: the edition, the person or the email)."""
    return is_organiser(user)


def can_send_email_again(user, email) -> bool:
    """Any message but one a worker is sending at this moment: its attempt ends first."""
    return is_organiser(user) and email.status != EmailStatus.SENDING
