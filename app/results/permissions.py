"""Who may publish an edition's results.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.permissions import is_organiser

__all__ = [
    "can_publish_results",
]


def can_publish_results(user, edition) -> bool:
    """Organisers publish an edition's results, now or at a set time, once."""
    return is_organiser(user) and not edition.is_published and not edition.archived
