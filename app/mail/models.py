"""The delivery log: one row per email, from the commit that composed it to the mail server's answer."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker (again, after a failed attempt: from next_attempt_at)
    SENDING = "sending"  # a worker claimed it at claimed_at
    SENT = "sent"  # the mail server accepted it
    FAILED = "failed"  # refused for good, or every attempt failed


class OutgoingEmail(db.Model):
    """One message as composed (in its recipient's language) and what became of it.

    The edition and the person it is about are referred to by table name, so this infrastructure imports no
    domain; either may be deleted, and the log keeps the message.
    """

    __tablename__ = "emails"
    __table_args__ = (Index("ix_emails_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipients: Mapped[str] = mapped_column(Text)  # the addresses, separated by ", "
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(80))  # which kind of email: templates/email/<template>.txt
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[EmailStatus] = mapped_column(
        enum_column(EmailStatus, "status_known", length=10), default=EmailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))  # the mail server's answer, or why none came
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def recipient_list(self) -> list[str]:
        return [address for address in self.recipients.split(", ") if address]
