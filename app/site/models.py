"""The site's own settings: one row, created on first save."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class SiteSettings(db.Model):
    __tablename__ = "site_settings"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    # Where people report an accessibility problem or ask for content in an accessible form.
    accessibility_email: Mapped[str] = mapped_column(String(254), default="")
    accessibility_phone: Mapped[str] = mapped_column(String(40), default="")
    accessibility_reviewed_on: Mapped[date | None] = mapped_column()
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
