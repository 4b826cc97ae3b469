"""The demo's certificates: the 2013 laureates', in English and French, issued on the day of the ceremony."""

from __future__ import annotations

from sqlalchemy import select

from app.certificates.issue import issue_certificates
from app.contests.models import Edition
from app.extensions import db

EDITION_2013 = "dosta-2013"


def load_certificates_demo() -> str:
    """Issue the 2013 laureates' certificates (the caller commits); a summary, or "" without that edition.

    Participation certificates are left for the organiser to try from the certificates page. The QR
    codes point at PUBLIC_BASE_URL.
    """
    edition = db.session.scalar(select(Edition).where(Edition.slug == EDITION_2013))
    if edition is None or not edition.is_published:
        return ""
    certificates = issue_certificates(edition, language="both", now=edition.results_published_at)
    return f"{len(certificates)} certificates"
