"""Who may ask for, download and erase personal data."""

from app.auth.permissions import is_applicant, is_organiser
from app.prepared.enums import PreparedKind

__all__ = [
    "can_ask_for_own_data",
    "can_ask_for_organisation_data",
    "can_download_data_file",
    "can_manage_personal_data",
]


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_ask_for_own_data(user) -> bool:
    """Everyone signed in may have a copy of what the platform holds about them."""
    return _signed_in(user)


def can_ask_for_organisation_data(user) -> bool:
    """The people of an organisation may have a copy of its data."""
    return is_applicant(user)


def can_download_data_file(user, prepared) -> bool:
    """A person's file: that person; an organisation's file: its people; both: the organisers."""
    if prepared.kind not in (PreparedKind.PERSON_DATA, PreparedKind.ORGANISATION_DATA):
        return False
    if is_organiser(user):
        return True
    parameters = prepared.parameters or {}
    if prepared.kind == PreparedKind.PERSON_DATA:
        return _signed_in(user) and parameters.get("user_id") == user.id
    return is_applicant(user) and parameters.get("organisation_id") == user.organisation_id


def can_manage_personal_data(user, about=None) -> bool:
    """Organisers prepare anyone's data (for a request made by post) and see what an erasure would do."""
    return is_organiser(user)
