"""The jury of an edition, assignments, conflicts of interest and score sheets."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.contests.models import Edition
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.judging.enums import SheetStatus
from app.submissions.models import Application


class JuryMember(db.Model):
    __tablename__ = "jury_members"
    __table_args__ = (UniqueConstraint("edition_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_chair: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    edition: Mapped[Edition] = relationship()


class ConflictOfInterest(db.Model):
    """A conflict a juror declared (or an organiser recorded) with one application."""

    __tablename__ = "conflicts_of_interest"
    __table_args__ = (UniqueConstraint("juror_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(db.Model):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("application_id", "juror_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    juror_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recusal_reason: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship()
    juror: Mapped[User] = relationship()
    sheet: Mapped[ScoreSheet | None] = relationship(back_populates="assignment", uselist=False)

    @property
    def is_recused(self) -> bool:
        return self.recused_at is not None


class ScoreSheet(db.Model):
    """One juror's scores for one entry; one per assignment."""

    __tablename__ = "score_sheets"
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[SheetStatus] = mapped_column(
        enum_column(SheetStatus, "status_known"), default=SheetStatus.DRAFT
    )
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assignment: Mapped[Assignment] = relationship(back_populates="sheet")
    scores: Mapped[list[CriterionScore]] = relationship(back_populates="sheet", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}


class CriterionScore(db.Model):
    __tablename__ = "criterion_scores"
    __table_args__ = (
        UniqueConstraint("sheet_id", "criterion_id"),
        # The edition's own scale is enforced by the form; this is the last line.
        CheckConstraint("value IS NULL OR (value >= 0 AND value <= 100)", name="value_in_bounds"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("score_sheets.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    comment: Mapped[str] = mapped_column(Text, default="")

    sheet: Mapped[ScoreSheet] = relationship(back_populates="scores")
