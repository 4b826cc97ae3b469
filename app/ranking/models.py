"""The jury's decision: awards and special mentions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.contests.models import Edition
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.i18n import translated
from app.ranking import freshness  # noqa: F401  (the listener that bumps the ranking version, with the models)
from app.ranking.enums import AwardKind
from app.submissions.models import Application


class Award(db.Model):
    """A place (joint places share a number) or a special mention in an edition."""

    __tablename__ = "awards"
    __table_args__ = (
        UniqueConstraint("edition_id", "organisation_id"),
        CheckConstraint("(kind = 'prize') = (place IS NOT NULL)", name="prize_has_place"),
        CheckConstraint("place IS NULL OR place >= 1", name="place_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Editions from before the platform have laureates but no application on record.
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    kind: Mapped[AwardKind] = mapped_column(enum_column(AwardKind, "kind_known"), default=AwardKind.PRIZE)
    place: Mapped[int | None] = mapped_column()
    # The jury's citation, in English and in French (app/i18n.py); required of the jury in one or both.
    citation_en: Mapped[str] = mapped_column("citation", Text, default="")
    citation_fr: Mapped[str] = mapped_column(Text, default="", server_default="")
    citation = translated("citation")
    justification: Mapped[str] = mapped_column(Text, default="")  # why it departs from the ranking
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    edition: Mapped[Edition] = relationship()
    organisation: Mapped[Organisation] = relationship()
    application: Mapped[Application | None] = relationship()
