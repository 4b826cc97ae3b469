"""Who may change the site's settings."""

from app.auth.permissions import is_organiser

__all__ = [
    "can_edit_site_settings",
]


def can_edit_site_settings(user) -> bool:
    """Organisers keep the accessibility statement's contact and review date."""
    return is_organiser(user)
