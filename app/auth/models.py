"""Users, their roles and their server-side login sessions."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db


class Role(enum.StrEnum):
    APPLICANT = "applicant"
    JUROR = "juror"
    ORGANISER = "organiser"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('applicant', 'juror', 'organiser')", name="role_known"),
        CheckConstraint(
            "role != 'applicant' OR organisation_id IS NOT NULL", name="applicant_has_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2, jurors
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship(back_populates="users")  # noqa: F821

    # Flask-Login stores the id of the server-side LoginSession, not the user id:
    # revoking that row ends the session even for a copied cookie.
    login_session_token = None  # set per request by the user loader; not a column

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.login_session_token or ""

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER

    @property
    def is_juror(self) -> bool:
        return self.role == Role.JUROR

    @property
    def is_applicant(self) -> bool:
        return self.role == Role.APPLICANT

    @property
    def has_password(self) -> bool:
        return bool(self.password_hash)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class LoginSession(db.Model):
    """One signed-in browser; the session cookie carries only its token."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship()
