"""Who may set up and change an edition.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.permissions import is_organiser

__all__ = [
    "can_manage_edition",
]


def can_manage_edition(user, edition=None) -> bool:
    return is_organiser(user)
