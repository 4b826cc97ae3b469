"""Who may download, issue and revoke certificates.

Named questions asked by routes and, through the `can` namespace (app/permissions.py), by templates.
"""

from app.auth.permissions import belongs_to_organisation, is_organiser
from app.certificates.enums import CertificateKind
from app.contests.permissions import can_manage_edition

__all__ = [
    "can_design_certificates",
    "can_download_certificate",
    "can_issue_certificates",
    "can_manage_certificate",
    "can_revoke_certificate",
]


def can_download_certificate(user, certificate) -> bool:
    """An award certificate of published results is a public document, reached through its unguessable code;
    a participation certificate stays with its organisation and the organisers."""
    if (
        certificate.kind == CertificateKind.AWARD
        and certificate.edition.is_published
        and certificate.revoked_at is None
    ):
        return True
    return is_organiser(user) or belongs_to_organisation(user, certificate.organisation_id)


def can_design_certificates(user, edition) -> bool:
    """Organisers set how an edition's certificates look, and preview them, at any time."""
    return is_organiser(user) and can_manage_edition(user, edition)


def can_issue_certificates(user, edition) -> bool:
    """Organisers issue and reissue an edition's certificates once its results are public."""
    return is_organiser(user) and (edition.is_published or edition.archived)


def can_manage_certificate(user, certificate) -> bool:
    """Whoever manages the certificate's edition sees it in the organisers' list and opens its pages."""
    return can_manage_edition(user, certificate.edition)


def can_revoke_certificate(user, certificate) -> bool:
    return is_organiser(user) and certificate.revoked_at is None
