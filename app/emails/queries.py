"""The delivery log as organisers read it: newest first, about an edition or a person, by status."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from app.auth.models import User
from app.extensions import db
from app.mail import EmailStatus, OutgoingEmail


def about_edition(edition_id: int) -> ColumnElement[bool]:
    return OutgoingEmail.edition_id == edition_id


def about_person(person: User) -> ColumnElement[bool]:
    """Messages about the person, or sent to their address (alone or among others)."""
    address = person.email
    recipients = OutgoingEmail.recipients
    return or_(
        OutgoingEmail.user_id == person.id,
        recipients == address,
        recipients.startswith(f"{address}, ", autoescape=True),
        recipients.endswith(f", {address}", autoescape=True),
        recipients.contains(f", {address}, ", autoescape=True),
    )


def emails(where: ColumnElement[bool], status: EmailStatus | None = None) -> Select:
    query = select(OutgoingEmail).where(where)
    if status is not None:
        query = query.where(OutgoingEmail.status == status)
    return query.order_by(OutgoingEmail.created_at.desc(), OutgoingEmail.id.desc())


def status_counts(where: ColumnElement[bool]) -> dict[EmailStatus, int]:
    rows = db.session.execute(
        select(OutgoingEmail.status, func.count()).where(where).group_by(OutgoingEmail.status)
    )
    return {status: count for status, count in rows}
