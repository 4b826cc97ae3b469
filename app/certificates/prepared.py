"""The certificates' ZIP as a prepared file (app/prepared/): made by a job, current until a certificate
changes (issued, rendered, reissued, revoked)."""

from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import func, select

from app.certificates.archive import write_archive
from app.certificates.models import Certificate
from app.certificates.queries import edition_certificates
from app.contests.models import Edition
from app.extensions import db
from app.prepared import kinds
from app.prepared.enums import PreparedKind


def certificates_stamp(edition_id: int, parameters: dict[str, Any]) -> str:
    """Changes whenever a certificate of the edition is issued, rendered, fails, is reissued or revoked."""
    row = db.session.execute(
        select(
            func.count(Certificate.id),
            func.max(Certificate.id),
            func.max(Certificate.issued_at),
            func.max(Certificate.rendered_at),
            func.max(Certificate.reissued_at),
            func.max(Certificate.revoked_at),
            func.count(Certificate.revoked_at),
            func.count(Certificate.sha256),
            func.count(Certificate.failure),
        ).where(Certificate.edition_id == edition_id)
    ).one()
    return kinds.stamp_of(*row)


def zip_name(edition: Edition) -> str:
    return f"{edition.slug}-certificates.zip"


@kinds.maker(
    PreparedKind.CERTIFICATES_ZIP, stamp=certificates_stamp, mimetype="application/zip", extension="zip"
)
def certificates_zip(edition_id: int, parameters: dict[str, Any], out: BinaryIO) -> None:
    write_archive(edition_certificates(db.session.get(Edition, edition_id)), out)
