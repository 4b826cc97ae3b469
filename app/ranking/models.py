"""The jury's decision: awards and special mentions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class AwardKind(enum.StrEnum):
    PRIZE = "prize"
    SPECIAL_MENTION = "special_mention"


class Award(db.Model):
    """A place (joint places share a number) or a special mention in an edition."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("edition_id", "organisation_id"),
        CheckConstraint("kind IN ('prize', 'special_mention')", name="kind_known"),
        CheckConstraint("(kind = 'prize') = (place IS NOT NULL)", name="prize_has_place"),
        CheckConstraint("place IS NULL OR place >= 1", name="place_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Editions from before the platform have laureates but no application on record.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=AwardKind.PRIZE)
    place: Mapped[int | None] = mapped_column()
    citation: Mapped[str] = mapped_column(Text, default="")
    justification: Mapped[str] = mapped_column(Text, default="")  # why it departs from the ranking
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship()  # noqa: F821
    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    application: Mapped[Application | None] = relationship()  # noqa: F821


class PublicationPlan(db.Model):
    """How an edition's results are to be published: the organiser's certificate choices.

    Kept apart from the edition so that a scheduled publication (`flask results publish-due`) issues the
    certificates the organiser chose when scheduling it.
    """

    __tablename__ = "publication_plans"
    __table_args__ = (CheckConstraint("certificate_language IN ('en', 'fr', 'both')", name="language_known"),)

    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True)
    certificate_language: Mapped[str] = mapped_column(String(4), default="en")
    participation_certificates: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
