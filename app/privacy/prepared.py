"""A person's or an organisation's data as prepared files (app/prepared/): asked for from the account page
(or by an organiser, for a request made by post), made by a job, downloaded by the person, their
organisation's people or the organisers.

The files belong to no edition (``edition_id`` is None); their subject is in their parameters
(``user_id`` or ``organisation_id``, with the language of the README). The stamp digests what the file is
made from, so a second request while nothing changed gives back the same file.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.auth.models import LoginSession, Organisation, User
from app.certificates.models import Certificate
from app.emails.queries import about_person
from app.extensions import db
from app.judging.models import Assignment, ConflictOfInterest, ScoreSheet
from app.mail import OutgoingEmail
from app.prepared import kinds
from app.prepared.enums import PreparedKind
from app.prepared.models import PreparedFile
from app.prepared.queries import FileState, file_states
from app.prepared.requests import request_file
from app.privacy import export
from app.submissions.models import Application, Attachment

KINDS = (PreparedKind.PERSON_DATA, PreparedKind.ORGANISATION_DATA)
LABELS = {
    PreparedKind.PERSON_DATA: _l("Personal data (ZIP)"),
    PreparedKind.ORGANISATION_DATA: _l("Organisation's data (ZIP)"),
}
MIMETYPE = "application/zip"
# Asking for a file and downloading it are audited; neither makes the file out of date.
NOT_ABOUT_THE_FILES = ~AuditEvent.action.in_(("privacy.data_requested", "privacy.data_downloaded"))


def _organisation_parts(organisation_id: int | None) -> tuple:
    if organisation_id is None:
        return ()
    organisation = db.session.get(Organisation, organisation_id)
    applications = db.session.execute(
        select(func.count(Application.id), func.max(Application.updated_at)).where(
            Application.organisation_id == organisation_id
        )
    ).one()
    attachments = db.session.execute(
        select(func.count(Attachment.id), func.max(Attachment.id))
        .join(Application, Attachment.application_id == Application.id)
        .where(Application.organisation_id == organisation_id)
    ).one()
    certificates = db.session.execute(
        select(
            func.count(Certificate.id),
            func.max(Certificate.issued_at),
            func.max(Certificate.reissued_at),
            func.max(Certificate.revoked_at),
            func.max(Certificate.rendered_at),
        ).where(Certificate.organisation_id == organisation_id)
    ).one()
    columns = (
        tuple(getattr(organisation, c.key) for c in Organisation.__table__.columns) if organisation else ()
    )
    return columns, tuple(applications), tuple(attachments), tuple(certificates)


def person_stamp(edition_id: int | None, parameters: dict[str, Any]) -> str:
    user = db.session.get(User, parameters.get("user_id"))
    if user is None:
        return kinds.stamp_of("gone")
    columns = tuple(getattr(user, c.key) for c in User.__table__.columns)
    sessions = db.session.execute(
        select(
            func.count(LoginSession.id), func.max(LoginSession.id), func.count(LoginSession.revoked_at)
        ).where(LoginSession.user_id == user.id)
    ).one()
    emails = db.session.execute(
        select(
            func.count(OutgoingEmail.id), func.max(OutgoingEmail.id), func.max(OutgoingEmail.sent_at)
        ).where(about_person(user))
    ).one()
    events = db.session.scalar(
        select(func.max(AuditEvent.id)).where(
            NOT_ABOUT_THE_FILES,
            or_(
                AuditEvent.actor_id == user.id,
                (AuditEvent.object_type == "User") & (AuditEvent.object_id == user.id),
            ),
        )
    )
    jury = db.session.execute(
        select(func.count(Assignment.id), func.count(Assignment.recused_at), func.max(ScoreSheet.updated_at))
        .outerjoin(ScoreSheet, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.juror_id == user.id)
    ).one()
    conflicts = db.session.scalar(
        select(func.count(ConflictOfInterest.id)).where(ConflictOfInterest.juror_id == user.id)
    )
    return kinds.stamp_of(
        columns,
        tuple(sessions),
        tuple(emails),
        events,
        tuple(jury),
        conflicts,
        _organisation_parts(user.organisation_id),
    )


def organisation_stamp(edition_id: int | None, parameters: dict[str, Any]) -> str:
    organisation_id = parameters.get("organisation_id")
    people = db.session.execute(
        select(User.id, User.name, User.email, User.active, User.erased_at)
        .where(User.organisation_id == organisation_id)
        .order_by(User.id)
    ).all()
    applications = select(Application.id).where(Application.organisation_id == organisation_id)
    events = db.session.scalar(
        select(func.max(AuditEvent.id)).where(
            NOT_ABOUT_THE_FILES,
            or_(
                (AuditEvent.object_type == "Organisation") & (AuditEvent.object_id == organisation_id),
                (AuditEvent.object_type == "Application")
                & AuditEvent.object_id.in_(applications.scalar_subquery()),
            ),
        )
    )
    return kinds.stamp_of(tuple(people), events, _organisation_parts(organisation_id))


@kinds.maker(PreparedKind.PERSON_DATA, stamp=person_stamp, mimetype=MIMETYPE, extension="zip")
def person_file(edition_id: int | None, parameters: dict[str, Any], out: BinaryIO) -> None:
    user = db.session.get(User, parameters["user_id"])
    if user is None:
        raise LookupError("this account no longer exists")
    export.write_zip(export.person_data(user), out)


@kinds.maker(PreparedKind.ORGANISATION_DATA, stamp=organisation_stamp, mimetype=MIMETYPE, extension="zip")
def organisation_file(edition_id: int | None, parameters: dict[str, Any], out: BinaryIO) -> None:
    organisation = db.session.get(Organisation, parameters["organisation_id"])
    if organisation is None:
        raise LookupError("this organisation no longer exists")
    export.write_zip(export.organisation_data(organisation), out)


# --- Asking, and what a page shows --------------------------------------------------------------------------


def parameters_for_person(user: User, language: str) -> dict[str, Any]:
    return {"user_id": user.id, "language": language}


def parameters_for_organisation(organisation: Organisation, language: str) -> dict[str, Any]:
    return {"organisation_id": organisation.id, "language": language}


def ask_for_person(
    user: User, *, asked_by: User, language: str, again: bool = False
) -> tuple[PreparedFile, bool]:
    """The person's data as a prepared file (the same one when nothing changed); audited when new."""
    parameters = parameters_for_person(user, language)
    return _ask(PreparedKind.PERSON_DATA, user, parameters, f"personal-data-{user.id}.zip", asked_by, again)


def ask_for_organisation(
    organisation: Organisation, *, asked_by: User, language: str, again: bool = False
) -> tuple[PreparedFile, bool]:
    """The organisation's data as a prepared file, likewise."""
    parameters = parameters_for_organisation(organisation, language)
    name = f"organisation-data-{organisation.id}.zip"
    return _ask(PreparedKind.ORGANISATION_DATA, organisation, parameters, name, asked_by, again)


def _ask(
    kind: PreparedKind, subject, parameters: dict[str, Any], download_name: str, asked_by: User, again: bool
) -> tuple[PreparedFile, bool]:
    prepared, new = request_file(
        kind, None, parameters=parameters, download_name=download_name, user_id=asked_by.id, again=again
    )
    if new:
        audit.record(
            "privacy.data_requested",
            subject,
            after={"kind": str(kind), "file_id": prepared.id},
            actor=asked_by,
        )
    return prepared, new


def person_state(user: User, language: str) -> FileState:
    (state,) = file_states(None, [(PreparedKind.PERSON_DATA, parameters_for_person(user, language))])
    return state


def organisation_state(organisation: Organisation, language: str) -> FileState:
    (state,) = file_states(
        None, [(PreparedKind.ORGANISATION_DATA, parameters_for_organisation(organisation, language))]
    )
    return state


def files_about(*, user_id: int | None = None, organisation_id: int | None = None) -> list[PreparedFile]:
    """Every prepared file about the person or the organisation (to remove them when it is erased)."""
    rows = db.session.scalars(
        select(PreparedFile).where(PreparedFile.edition_id.is_(None), PreparedFile.kind.in_(KINDS))
    )
    return [
        row
        for row in rows
        if (user_id is not None and (row.parameters or {}).get("user_id") == user_id)
        or (organisation_id is not None and (row.parameters or {}).get("organisation_id") == organisation_id)
    ]
