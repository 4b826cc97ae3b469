"""How an edition's results are to be published."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.certificates.enums import CertificateLanguage
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class PublicationPlan(db.Model):
    """How an edition's results are to be published: the organiser's certificate choices.

    Kept apart from the edition so that a scheduled publication (`flask results publish-due`) issues the
    certificates the organiser chose when scheduling it.
    """

    __tablename__ = "publication_plans"
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    certificate_language: Mapped[CertificateLanguage] = mapped_column(
        enum_column(CertificateLanguage, "language_known", length=4), default=CertificateLanguage.ENGLISH
    )
    participation_certificates: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the job that follows the publication (certificates recorded, emails queued) claimed it.
    followed_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
