"""Issued certificates (what they say, their file, how to verify them) and each edition's design."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.certificates.enums import CertificateKind, CertificateLanguage, CertificateStatus
from app.certificates.look import DEFAULT_ACCENT
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
    file_name: Mapped[str] = mapped_column(String(255))  # its key in the storage (app/storage/)
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


# --- The certificate design of an edition -------------------------------------------------------------------

MAX_SIGNATORIES = 3


class CertificatePicture(db.Model):
    """A logo or a signature, checked on upload (app/certificates/design.py), kept in the database.

    Its bytes are loaded only when a certificate is rendered; ``sha256`` names them in certificate snapshots.
    """

    __tablename__ = "certificate_pictures"
    __table_args__ = (CheckConstraint("media_type IN ('image/png', 'image/jpeg')", name="media_type_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    media_type: Mapped[str] = mapped_column(String(20))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")  # as uploaded, for the organisers
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column()


class CertificateDesign(db.Model):
    """How an edition's certificates look, as its organisers set it; an edition without one has the default.

    Texts left empty ("") keep the default wording of ``content.WORDING``; an English text stands for a
    missing French one.
    """

    __tablename__ = "certificate_designs"
    __table_args__ = (CheckConstraint("length(accent_colour) = 7", name="accent_colour_hex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), unique=True)
    accent_colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_ACCENT)
    awarding_body_en: Mapped[str] = mapped_column(String(300), default="")
    awarding_body_fr: Mapped[str] = mapped_column(String(300), default="")
    prize_name_en: Mapped[str] = mapped_column(String(200), default="")
    prize_name_fr: Mapped[str] = mapped_column(String(200), default="")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_pictures.id"))
    logo_text_en: Mapped[str] = mapped_column(String(200), default="")
    logo_text_fr: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    logo: Mapped[CertificatePicture | None] = relationship()
    signatories: Mapped[list[CertificateSignatory]] = relationship(
        order_by="CertificateSignatory.position", cascade="all, delete-orphan", back_populates="design"
    )


class CertificateSignatory(db.Model):
    """Who signs an edition's certificates, in the order of their signature blocks."""

    __tablename__ = "certificate_signatories"
    __table_args__ = (
        UniqueConstraint("design_id", "position"),
        CheckConstraint(f"position BETWEEN 1 AND {MAX_SIGNATORIES}", name="position_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("certificate_designs.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(200), default="")
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_fr: Mapped[str] = mapped_column(String(300), default="")
    signature_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_pictures.id"))

    design: Mapped[CertificateDesign] = relationship(back_populates="signatories")
    signature: Mapped[CertificatePicture | None] = relationship()
