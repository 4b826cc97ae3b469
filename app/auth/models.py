"""Users, the organisations (municipalities, regions) they act for, their server-side login sessions."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.enums import OrganisationKind, Role
from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db


class Organisation(db.Model):
    """A municipality or region that applies for the prize."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("name", "country"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(
        enum_column(OrganisationKind, "kind_known"), default=OrganisationKind.MUNICIPALITY
    )
    country: Mapped[str] = mapped_column(String(2), index=True)  # ISO 3166-1 alpha-2
    population: Mapped[int | None] = mapped_column(BigInteger)
    website: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When an organiser erased it (app/privacy/erasure.py): its people erased, its unsuccessful entries'
    # texts and files removed; a laureate keeps its name (the published results are public record).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role != 'applicant' OR organisation_id IS NOT NULL", name="applicant_has_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role_known"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2, jurors
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The interface's and the emails' language (app.i18n.LANGUAGES); chosen with the header's switch.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # When an organiser erased the person (app/privacy/erasure.py): the row stays, pseudonymised, so that
    # their score sheets and what they did keep their place; nobody can sign in to it again.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()

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
