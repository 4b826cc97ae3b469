"""Issued certificates: what they say, their file and how to verify them."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.certificates.enums import CertificateKind, CertificateLanguage, CertificateStatus
from app.contests.models import Edition
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.ranking.models import Award


def new_verification_code() -> str:
    """128 random bits as 32 hex digits: unguessable, and safe to type, print and name files by."""
    return secrets.token_hex(16)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("edition_id", "organisation_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    award_id: Mapped[int | None] = mapped_column(ForeignKey("awards.id", ondelete="SET NULL"))
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind, "kind_known"))
    language: Mapped[CertificateLanguage] = mapped_column(
        enum_column(CertificateLanguage, "language_known", length=4), default=CertificateLanguage.ENGLISH
    )
    verification_code: Mapped[str] = mapped_column(String(40), unique=True, default=new_verification_code)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # what the certificate says
    file_name: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str | None] = mapped_column(String(64))  # of the stored file; None until first rendered
    # A job renders the file after the commit that records the certificate (certificates/jobs.py).
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus, "status_known", length=10), default=CertificateStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # renderings started since last requested
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a worker is rendering it since
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failure: Mapped[str | None] = mapped_column(String(500))  # why the last rendering failed
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reissued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    edition: Mapped[Edition] = relationship()
    organisation: Mapped[Organisation] = relationship()
    award: Mapped[Award | None] = relationship()

    @property
    def is_ready(self) -> bool:
        """Its file is stored and may be served (revocation is checked separately)."""
        return self.status == CertificateStatus.ISSUED and self.sha256 is not None
