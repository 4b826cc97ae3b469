"""The jury of an edition: inviting a juror (with an account if they have none), removing one, the chair.

Each use case audits and flushes; the caller commits. An invitation's email is queued here, so it leaves
with the commit. A juror who has submitted a sheet in the edition stays on its jury.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit.services import record
from app.auth.enums import Role
from app.auth.models import User
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.judging import notifications
from app.judging.assignments import delete_assignments
from app.judging.enums import SheetStatus
from app.judging.errors import JudgingError
from app.judging.models import JuryMember
from app.judging.queries import member_assignments, membership


@dataclass
class Invitation:
    member: JuryMember
    user: User
    created: bool  # a new account was made
    needs_link: bool  # the account has no password yet: the email carries a set-password link


def invite_juror(edition: Edition, name: str, email: str, country: str, actor: User) -> Invitation:
    """Add a juror to the jury, creating their account (without a password) when there is none, and queue
    the invitation email.

    Refused for an account that is not a juror's, a deactivated account, and a juror already on the jury.
    """
    email = email.strip().lower()
    user = db.session.scalar(select(User).where(User.email == email))
    created = user is None
    if user is None:
        user = User(
            email=email, name=name.strip(), role=Role.JUROR, country=country.upper(), invited_at=utcnow()
        )
        db.session.add(user)
        db.session.flush()
        record(
            "user.invite", user, after={"email": email, "role": "juror", "country": user.country}, actor=actor
        )
    elif user.role != Role.JUROR:
        raise JudgingError(
            _(
                "%(email)s belongs to an account that is not a juror's: jurors need an account of their own.",
                email=email,
            )
        )
    elif not user.active:
        raise JudgingError(_("The account of %(email)s is deactivated: reactivate it first.", email=email))
    elif membership(edition, user) is not None:
        raise JudgingError(_("%(name)s is already on the jury.", name=user.name))
    elif not user.country:
        user.country = country.upper()
    member = JuryMember(edition_id=edition.id, user_id=user.id)
    db.session.add(member)
    db.session.flush()
    record(
        "jury.juror_added",
        member,
        after={"juror": user.email, "name": user.name, "country": user.country},
        edition_id=edition.id,
        actor=actor,
    )
    if not created and not user.has_password:
        user.invited_at = utcnow()
    invitation = Invitation(member=member, user=user, created=created, needs_link=not user.has_password)
    notifications.notify_invitation(edition, user, needs_link=invitation.needs_link, invited_by=actor)
    return invitation


def remove_juror(member: JuryMember, actor: User) -> int:
    """Take a juror off the jury with their assignments; returns how many draft sheets were discarded.

    Refused while the juror holds a submitted sheet in the edition: submitted work is never deleted.
    """
    assignments = member_assignments(member)
    statuses = Counter(a.sheet.status for a in assignments if a.sheet is not None)
    if statuses[SheetStatus.SUBMITTED]:
        raise JudgingError(
            _(
                "%(name)s has submitted %(count)d score sheets in this edition: a juror with submitted "
                "sheets stays on the jury, so that their work is never lost.",
                name=member.user.name,
                count=statuses[SheetStatus.SUBMITTED],
            )
        )
    drafts = statuses[SheetStatus.DRAFT]
    record(
        "jury.juror_removed",
        member,
        before={
            "juror": member.user.email,
            "chair": member.is_chair,
            "assignments": len(assignments),
            "draft_sheets": drafts,
        },
        edition_id=member.edition_id,
        actor=actor,
    )
    delete_assignments(assignments)
    db.session.delete(member)
    db.session.flush()
    return drafts


def name_chair(member: JuryMember, actor: User) -> None:
    """Make this juror the chair; the edition has one chair, so the previous one steps down."""
    previous = db.session.scalar(
        select(JuryMember).where(JuryMember.edition_id == member.edition_id, JuryMember.is_chair.is_(True))
    )
    if previous is member:
        return
    if previous is not None:
        previous.is_chair = False
    member.is_chair = True
    record(
        "jury.chair_named",
        member,
        before={"chair": previous.user.email if previous else None},
        after={"chair": member.user.email},
        edition_id=member.edition_id,
        actor=actor,
    )
    db.session.flush()
