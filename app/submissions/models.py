"""Applications, their answers to each criterion, and their attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation
from app.contests.models import Criterion, Edition
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.submissions.enums import ApplicationStatus


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("edition_id", "number"),
        UniqueConstraint("edition_id", "organisation_id"),
        CheckConstraint("budget_eur IS NULL OR budget_eur >= 0", name="budget_positive"),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[int] = mapped_column()  # sequence within the edition
    reference: Mapped[str] = mapped_column(String(40), unique=True)  # DOSTA-2013-007
    title: Mapped[str] = mapped_column(String(300), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    start_year: Mapped[int | None] = mapped_column()
    fields_of_action: Mapped[list[str]] = mapped_column(JSON, default=list)
    beneficiaries: Mapped[str] = mapped_column(Text, default="")
    budget_eur: Mapped[int | None] = mapped_column(BigInteger)
    partners: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ApplicationStatus] = mapped_column(
        enum_column(ApplicationStatus, "status_known"), default=ApplicationStatus.DRAFT, index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    eligibility_reason: Mapped[str] = mapped_column(Text, default="")
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    organisation: Mapped[Organisation] = relationship()
    answers: Mapped[list[CriterionAnswer]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    @property
    def is_in_competition(self) -> bool:
        return self.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)


class CriterionAnswer(db.Model):
    """The section of an application that answers one criterion."""

    __tablename__ = "criterion_answers"
    __table_args__ = (UniqueConstraint("application_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text, default="")

    application: Mapped[Application] = relationship(back_populates="answers")
    criterion: Mapped[Criterion] = relationship()


class Attachment(db.Model):
    __tablename__ = "attachments"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)  # random, no extension from the user
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="attachments")
