"""A file a job prepares for an organiser: what was asked for, where it stands, and the stored file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.prepared.enums import PreparedKind, PreparedStatus


class PreparedFile(db.Model):
    __tablename__ = "prepared_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PreparedKind] = mapped_column(enum_column(PreparedKind, "kind_known"))
    # By table name only: infrastructure imports no domain, and needs no relationship to them. None for a
    # file about no edition (a person's or an organisation's data: its subject is in `parameters`).
    edition_id: Mapped[int | None] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # language, method...
    download_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[PreparedStatus] = mapped_column(
        enum_column(PreparedStatus, "status_known", length=10), default=PreparedStatus.PENDING
    )
    # What the file was made from (kinds.py: a digest of the rows it reads), to tell when it is out of date.
    source_stamp: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(120))  # under EXPORT_FOLDER, once ready
    size: Mapped[int | None] = mapped_column(BigInteger)  # bytes
    sha256: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failure: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_ready(self) -> bool:
        return self.status == PreparedStatus.READY and self.file_name is not None
