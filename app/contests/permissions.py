"""Who may set up and change an edition.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.permissions import is_organiser

__all__ = [
    "can_download_prepared_file",
    "can_manage_edition",
]


def can_manage_edition(user, edition=None) -> bool:
    return is_organiser(user)


def can_download_prepared_file(user, prepared) -> bool:
    """The files prepared for an edition (the certificates' ZIP, the jury report, exports) are its
    organisers'."""
    return can_manage_edition(user)
