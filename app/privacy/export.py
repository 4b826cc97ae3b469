"""Everything the platform holds about a person or an organisation, as a ZIP a machine reads (GDPR articles
15 and 20): ``data.json``, the attachments and certificates as stored, and a README in the asker's language.

``person_data(user)`` and ``organisation_data(organisation)`` return plain dicts (JSON types only: instants
as ISO 8601 in UTC, amounts and scores as numbers); ``write_zip`` writes one with its files to an open
binary file, copying each file in chunks, so memory does not grow with the attachments. A file that is
missing or altered is left out and named under ``files_missing``. Never written: password hashes, session
tokens, other people's sessions, emails to anyone else.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.audit.models import AuditEvent
from app.auth.models import LoginSession, Organisation, User
from app.certificates.files import CertificateFileProblem, checked_copy
from app.certificates.models import Certificate
from app.db import utcnow
from app.emails.queries import about_person
from app.extensions import db
from app.judging.models import Assignment, ConflictOfInterest, JuryMember, ScoreSheet
from app.links import external_url
from app.mail import OutgoingEmail
from app.ranking.models import Award
from app.storage.backends import FileMissing
from app.submissions import storage
from app.submissions.models import Application, Attachment

FORMAT = "prizejury-data-export"
VERSION = 1
CHUNK = 1024 * 1024


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "value") and isinstance(getattr(value, "value", None), str):
        return value.value  # an enum
    return value


def _row(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: _value(getattr(obj, name)) for name in names}


@dataclass
class Export:
    """What goes into the ZIP: the data, and the stored files to copy beside it (path in the ZIP -> how to
    open the file)."""

    data: dict[str, Any]
    attachments: dict[str, str] = field(default_factory=dict)  # ZIP path -> stored name
    certificates: dict[str, Certificate] = field(default_factory=dict)  # ZIP path -> certificate


# --- The parts ----------------------------------------------------------------------------------------------

ACCOUNT_FIELDS = (
    "id", "email", "name", "role", "country", "language", "active", "email_confirmed_at", "invited_at",
    "created_at", "last_login_at", "erased_at",
)  # fmt: skip
ORGANISATION_FIELDS = ("id", "name", "kind", "country", "population", "website", "created_at", "erased_at")
APPLICATION_FIELDS = (
    "id", "reference", "status", "title", "summary", "start_year", "fields_of_action", "beneficiaries",
    "budget_eur", "partners", "submitted_at", "withdrawn_at", "eligibility_reason", "screened_at",
    "created_at", "updated_at",
)  # fmt: skip


def _edition(edition) -> dict[str, Any]:
    return {"id": edition.id, "name": edition.name_en, "name_fr": edition.name_fr, "year": edition.year}


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return _row(organisation, ORGANISATION_FIELDS)


def _applications(organisation_id: int, export: Export) -> list[dict[str, Any]]:
    applications = db.session.scalars(
        select(Application)
        .where(Application.organisation_id == organisation_id)
        .options(
            selectinload(Application.edition),
            selectinload(Application.answers),
            selectinload(Application.attachments),
        )
        .order_by(Application.id)
    )
    awards = {
        award.application_id: award
        for award in db.session.scalars(select(Award).where(Award.organisation_id == organisation_id))
    }
    found = []
    for application in applications:
        item = _row(application, APPLICATION_FIELDS)
        item["edition"] = _edition(application.edition)
        item["answers"] = [
            {
                "criterion": answer.criterion.name_en,
                "criterion_fr": answer.criterion.name_fr,
                "text": answer.text,
            }
            for answer in sorted(application.answers, key=lambda a: (a.criterion.position, a.criterion_id))
        ]
        item["attachments"] = [_attachment(application, a, export) for a in application.attachments]
        award = awards.get(application.id)
        item["award"] = _award(award) if award is not None else None
        found.append(item)
    return found


def _attachment(application: Application, attachment: Attachment, export: Export) -> dict[str, Any]:
    path = f"attachments/{application.reference}/{attachment.id}-{attachment.original_name}"
    export.attachments[path] = attachment.stored_name
    item = _row(attachment, ("id", "original_name", "content_type", "size_bytes", "sha256", "uploaded_at"))
    item["file"] = path
    return item


def _award(award: Award) -> dict[str, Any]:
    return _row(award, ("id", "kind", "place", "citation_en", "citation_fr", "decided_at"))


def _certificates(organisation_id: int, export: Export) -> list[dict[str, Any]]:
    found = []
    for certificate in db.session.scalars(
        select(Certificate).where(Certificate.organisation_id == organisation_id).order_by(Certificate.id)
    ):
        item = _row(
            certificate,
            ("id", "kind", "language", "status", "verification_code", "content", "sha256", "issued_at",
             "reissued_at", "revoked_at"),
        )  # fmt: skip
        item["verification_url"] = external_url("certificates.verify", code=certificate.verification_code)
        if certificate.sha256 and certificate.revoked_at is None:
            item["file"] = f"certificates/{certificate.verification_code}.pdf"
            export.certificates[item["file"]] = certificate
        found.append(item)
    return found


def _sessions(user: User) -> list[dict[str, Any]]:
    return [
        _row(session, ("created_at", "last_seen_at", "revoked_at", "ip", "user_agent"))
        for session in db.session.scalars(
            select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id)
        )
    ]


def _emails(user: User) -> list[dict[str, Any]]:
    return [
        _row(email, ("id", "created_at", "recipients", "subject", "body", "status", "sent_at", "last_error"))
        for email in db.session.scalars(
            select(OutgoingEmail).where(about_person(user)).order_by(OutgoingEmail.id)
        )
    ]


def _audit(where) -> list[dict[str, Any]]:
    return [
        _row(event, ("id", "created_at", "action", "object_type", "object_id", "before", "after", "ip"))
        for event in db.session.scalars(select(AuditEvent).where(where).order_by(AuditEvent.id))
    ]


def _jury(user: User) -> dict[str, Any]:
    memberships = db.session.scalars(
        select(JuryMember).where(JuryMember.user_id == user.id).options(selectinload(JuryMember.edition))
    )
    assignments = db.session.scalars(
        select(Assignment)
        .where(Assignment.juror_id == user.id)
        .options(
            selectinload(Assignment.application),
            selectinload(Assignment.sheet).selectinload(ScoreSheet.scores),
        )
        .order_by(Assignment.id)
    )
    conflicts = db.session.scalars(
        select(ConflictOfInterest)
        .where(ConflictOfInterest.juror_id == user.id)
        .order_by(ConflictOfInterest.id)
    )
    return {
        "memberships": [
            {"edition": _edition(m.edition), "is_chair": m.is_chair, "added_at": _value(m.added_at)}
            for m in memberships
        ],
        "assignments": [_assignment(a) for a in assignments],
        "conflicts_of_interest": [
            {
                "application": conflict.application_id,
                "reason": conflict.reason,
                "declared_at": _value(conflict.declared_at),
            }
            for conflict in conflicts
        ],
    }


def _assignment(assignment: Assignment) -> dict[str, Any]:
    item = _row(assignment, ("id", "created_at", "recused_at", "recusal_reason"))
    item["application"] = assignment.application.reference
    sheet = assignment.sheet
    if sheet is None:
        item["score_sheet"] = None
        return item
    item["score_sheet"] = _row(
        sheet, ("status", "overall_comment", "created_at", "updated_at", "submitted_at")
    )
    item["score_sheet"]["scores"] = [
        {"criterion": score.criterion_id, "value": _value(score.value), "comment": score.comment}
        for score in sorted(sheet.scores, key=lambda s: s.criterion_id)
    ]
    return item


# --- The wholes ---------------------------------------------------------------------------------------------


def _header(kind: str, subject_id: int) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": _value(utcnow()),
        "subject": {"type": kind, "id": subject_id},
        "site": external_url("results.home"),
    }


def person_data(user: User) -> Export:
    """A person's account, sessions, emails, audit entries; their organisation's applications (applicants);
    their jury work (jurors)."""
    export = Export(data=_header("person", user.id))
    data = export.data
    data["account"] = _row(user, ACCOUNT_FIELDS)
    data["login_sessions"] = _sessions(user)
    data["emails"] = _emails(user)
    data["audit_events"] = _audit(
        or_(
            AuditEvent.actor_id == user.id,
            (AuditEvent.object_type == "User") & (AuditEvent.object_id == user.id),
        )
    )
    organisation = user.organisation
    data["organisation"] = _organisation(organisation) if organisation is not None else None
    data["applications"] = _applications(organisation.id, export) if organisation is not None else []
    data["certificates"] = _certificates(organisation.id, export) if organisation is not None else []
    data["jury"] = _jury(user)
    return export


def organisation_data(organisation: Organisation) -> Export:
    """An organisation, its people's accounts, its applications with their files, awards and certificates,
    and the audit entries about it and its applications."""
    export = Export(data=_header("organisation", organisation.id))
    data = export.data
    data["organisation"] = _organisation(organisation)
    members = db.session.scalars(
        select(User).where(User.organisation_id == organisation.id).order_by(User.id)
    )
    data["people"] = [
        _row(user, ("id", "email", "name", "role", "active", "created_at", "erased_at")) for user in members
    ]
    data["applications"] = _applications(organisation.id, export)
    data["certificates"] = _certificates(organisation.id, export)
    application_ids = [item["id"] for item in data["applications"]]
    data["audit_events"] = _audit(
        or_(
            (AuditEvent.object_type == "Organisation") & (AuditEvent.object_id == organisation.id),
            (AuditEvent.object_type == "Application") & AuditEvent.object_id.in_(application_ids),
        )
    )
    return export


# --- The ZIP ------------------------------------------------------------------------------------------------


def write_zip(export: Export, out: BinaryIO) -> None:
    """data.json, README.txt and every stored file; a file that cannot be read is named in data.json."""
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, stored_name in export.attachments.items():
            if not _copy_attachment(archive, path, stored_name):
                missing.append(path)
        for path, certificate in export.certificates.items():
            try:
                source = checked_copy(certificate)
            except CertificateFileProblem:
                missing.append(path)
                continue
            with source as handle, archive.open(path, "w") as target:
                shutil.copyfileobj(handle, target, CHUNK)
        export.data["files_missing"] = missing
        archive.writestr(
            "data.json", json.dumps(export.data, ensure_ascii=False, indent=2, default=str) + "\n"
        )
        archive.writestr("README.txt", render_template("privacy/export_readme.txt", data=export.data))


def _copy_attachment(archive: zipfile.ZipFile, path: str, stored_name: str) -> bool:
    try:
        handle = storage.open_stored(stored_name)
    except (OSError, ValueError, FileMissing):
        return False
    with handle, archive.open(path, "w") as target:
        shutil.copyfileobj(handle, target, CHUNK)
    return True
