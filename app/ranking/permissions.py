"""Who may see the ranking and record the jury's decision.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.permissions import is_juror, is_organiser

__all__ = [
    "can_view_ranking",
    "can_record_awards",
]


def can_view_ranking(user, edition=None) -> bool:
    return is_organiser(user)


def can_record_awards(user, edition, is_chair: bool = False) -> bool:
    """Organisers, or the chair of the edition's jury, until the results are published."""
    if edition.is_published:
        return False
    return is_organiser(user) or (is_juror(user) and is_chair)
