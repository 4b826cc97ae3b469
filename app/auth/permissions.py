"""Who someone is (organiser, juror, applicant of an organisation) and what they may do with accounts.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.enums import Role

__all__ = [
    "is_organiser",
    "is_juror",
    "is_applicant",
    "belongs_to_organisation",
    "can_manage_people",
    "can_invite_colleagues",
    "can_resend_colleague_invitation",
    "can_deactivate_person",
    "can_reactivate_person",
    "can_resend_invitation",
    "can_end_session",
]


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_organiser(user) -> bool:
    return _signed_in(user) and user.role == Role.ORGANISER


def is_juror(user) -> bool:
    return _signed_in(user) and user.role == Role.JUROR


def is_applicant(user) -> bool:
    return _signed_in(user) and user.role == Role.APPLICANT and user.organisation_id is not None


def belongs_to_organisation(user, organisation_id: int) -> bool:
    return is_applicant(user) and user.organisation_id == organisation_id


def can_manage_people(user) -> bool:
    return is_organiser(user)


def can_invite_colleagues(user) -> bool:
    """Any user of an applicant organisation may invite colleagues into it (and see who belongs to it)."""
    return is_applicant(user)


def can_resend_colleague_invitation(user, colleague) -> bool:
    """A colleague of the same organisation who has not chosen a password yet."""
    return (
        is_applicant(user)
        and colleague.organisation_id == user.organisation_id
        and colleague.active
        and not colleague.has_password
    )


def can_deactivate_person(user, person) -> bool:
    """Organisers deactivate anyone but themselves, so that one organiser always remains."""
    return is_organiser(user) and person.id != user.id


def can_reactivate_person(user, person) -> bool:
    """A deactivated account, unless it was erased: an erased account never comes back."""
    return is_organiser(user) and not person.active and person.erased_at is None


def can_resend_invitation(user, person) -> bool:
    """Organisers resend the invitation of an active account whose owner has not chosen a password yet."""
    return is_organiser(user) and person.active and not person.has_password


def can_end_session(user, login_session) -> bool:
    """Anyone signed in may end their own sessions, and only theirs."""
    return _signed_in(user) and login_session.user_id == user.id
