"""One's own account: registering an organisation, confirming the email, choosing, changing and resetting
the password, accepting an invitation, renaming oneself, choosing one's language.

Each use case flushes and records its audit event; the caller queues the email (notifications.py) and
commits. Refusals that the form shows beside a field are exceptions the route catches (RegistrationRefused).
"""

from app.audit import services as audit
from app.auth.enums import Role
from app.auth.models import Organisation, User
from app.auth.passwords import hash_password
from app.auth.queries import find_organisation, normalise_email, user_by_email
from app.auth.sessions import end_all_sessions, end_other_sessions
from app.db import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES


class RegistrationRefused(Exception):
    """The email already has an account, or the organisation is already registered (or both)."""

    def __init__(self, *, email_taken: bool, organisation_exists: bool):
        super().__init__("registration refused")
        self.email_taken = email_taken
        self.organisation_exists = organisation_exists


def register_organisation(
    *,
    organisation_name: str,
    kind: str,
    country: str,
    population: int | None,
    website: str,
    contact_name: str,
    email: str,
    password: str,
    language: str = DEFAULT_LANGUAGE,
) -> User:
    """Create the organisation and its contact person (applicant, email unconfirmed); the caller commits.

    The password is hashed first, refused or not, so that a refusal takes as long as a registration.
    """
    password_hash = hash_password(password)
    email = normalise_email(email)
    email_taken = user_by_email(email) is not None
    organisation_exists = find_organisation(organisation_name, country) is not None
    if email_taken or organisation_exists:
        raise RegistrationRefused(email_taken=email_taken, organisation_exists=organisation_exists)
    organisation = Organisation(
        name=organisation_name.strip(),
        kind=kind,
        country=country.upper(),
        population=population,
        website=website or "",
    )
    user = User(
        email=email,
        name=contact_name.strip(),
        role=Role.APPLICANT,
        organisation=organisation,
        password_hash=password_hash,
        language=language,
    )
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record(
        "organisation.register",
        organisation,
        after={"name": organisation.name, "kind": organisation.kind, "country": organisation.country},
        actor=user,
    )
    audit.record("user.register", user, after={"email": user.email, "role": user.role}, actor=user)
    return user


def confirm_email(user: User) -> bool:
    """Mark the email as confirmed; False when it already was."""
    if user.email_confirmed_at is not None:
        return False
    user.email_confirmed_at = utcnow()
    db.session.flush()
    return True


def set_password(user: User, password: str) -> None:
    """Store a new password; following an emailed link also proves the address, so it counts as confirmed."""
    user.password_hash = hash_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()


def change_password(user: User, password: str) -> int:
    """A new password from the signed-in user; every other browser of the account is signed out."""
    set_password(user, password)
    audit.record("user.password_change", user, actor=user)
    return end_other_sessions(user)


def reset_password(user: User, password: str) -> int:
    """A new password through an emailed link; every session of the account ends."""
    set_password(user, password)
    audit.record("user.password_reset", user, actor=user)
    return end_all_sessions(user)


def accept_invitation(user: User, name: str, password: str) -> None:
    """The invited person's own name and password; the caller signs them in."""
    before = {"name": user.name}
    user.name = name.strip() or user.name
    set_password(user, password)
    audit.record("user.accept_invitation", user, before=before, after={"name": user.name}, actor=user)


def set_language(user: User, language: str) -> bool:
    """The language of one's pages and emails; False when it is unknown or unchanged."""
    if language not in LANGUAGES or language == user.language:
        return False
    user.language = language
    db.session.flush()
    return True


def rename(user: User, name: str) -> bool:
    """A new name for one's account; False when it is empty or unchanged."""
    name = name.strip()
    if not name or name == user.name:
        return False
    audit.record("user.rename", user, before={"name": user.name}, after={"name": name}, actor=user)
    user.name = name
    db.session.flush()
    return True
