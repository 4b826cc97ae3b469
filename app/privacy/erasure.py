"""Erasing a person or an organisation at their request (GDPR article 17), by an organiser.

What goes: a person's name, email address, country, password and log-in sessions (with their IP addresses
and browsers); the addresses, bodies and names in the emails sent to them (a queued one is not sent); their
name, address and IP addresses in the audit entries about them; their data files already prepared; a
juror's comments and reasons. The account is pseudonymised, not deleted: its row keeps its place, so a
juror's sheets still count in the ranking under "Juror N", and nobody can sign in to it again.

What stays, and why (docs/design.md, "Personal data"): scores, which are the jury's decision and no longer
name anyone; the published results, award citations and award certificates, which are public record
(article 17(3)(b) and (e): a legal obligation of the prize and the establishment of its decisions) and are
about a municipality or region, a public authority rather than a natural person. An organisation's
erasure erases its people, blanks the texts and deletes the files of its applications that won no award,
revokes its participation certificates and renames it "Organisation N" unless it is a laureate.

Refused, with the reason: one's own account, the last organiser, anything already erased, and an
organisation with an application still in competition (its edition's results are not published yet).

The use cases flush and record one audit entry that names no erased data; the route commits, then calls
``remove_files`` with the stored files to delete (no file goes before its row does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.auth.enums import Role
from app.auth.models import LoginSession, Organisation, User
from app.certificates.enums import CertificateKind
from app.certificates.issue import revoke_certificate
from app.certificates.models import Certificate
from app.contests.models import Edition
from app.db import utcnow
from app.emails.queries import about_person
from app.extensions import db
from app.judging.models import Assignment, ConflictOfInterest, CriterionScore, ScoreSheet
from app.mail import EmailStatus, OutgoingEmail
from app.prepared import storage as prepared_storage
from app.privacy.prepared import files_about
from app.ranking.models import Award
from app.submissions import storage
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application, Attachment, CriterionAnswer
from app.web import DomainError

ERASED = "[erased]"
ERASED_DOMAIN = "erased.invalid"  # RFC 2606: no address there can ever receive mail


class ErasureRefused(DomainError):
    """This person or organisation cannot be erased; the message says why."""


@dataclass
class Erasure:
    """What an erasure did (or, from ``*_consequences``, would do): counts only, and the files to delete."""

    sessions: int = 0
    emails: int = 0
    audit_events: int = 0
    prepared_files: int = 0
    sheets: int = 0  # a juror's sheets kept, anonymised
    people: int = 0  # an organisation's people erased
    applications: int = 0  # an organisation's applications blanked
    attachments: int = 0  # files deleted
    certificates: int = 0  # participation certificates revoked
    laureate: bool = False  # an organisation that won an award keeps its name
    stored_files: list[str] = field(default_factory=list, repr=False)  # attachments to delete after commit
    prepared_names: list[str] = field(default_factory=list, repr=False)  # prepared files to delete

    def counts(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in (
                "sessions", "emails", "audit_events", "prepared_files", "sheets", "people", "applications",
                "attachments", "certificates", "laureate",
            )
        }  # fmt: skip


def pseudonym(user: User) -> str:
    """The name an erased account keeps: its role and its number, nothing of the person."""
    return {Role.JUROR: "Juror {}", Role.ORGANISER: "Organiser {}"}.get(user.role, "Person {}").format(
        user.id
    )


# --- A person -----------------------------------------------------------------------------------------------


def person_refusal(person: User, actor: User) -> str | None:
    """Why this person cannot be erased by this organiser, in the organiser's words; None when they can."""
    if person.erased_at is not None:
        return _("This account is already erased.")
    if person.id == actor.id:
        return _("You cannot erase your own account. Another organiser can.")
    if person.role == Role.ORGANISER:
        others = db.session.scalar(
            select(func.count(User.id)).where(
                User.role == Role.ORGANISER,
                User.active.is_(True),
                User.erased_at.is_(None),
                User.id != person.id,
            )
        )
        if not others:
            return _(
                "%(name)s is the last active organiser: invite another organiser first.", name=person.name
            )
    return None


def _emails_of(person: User) -> list[OutgoingEmail]:
    return list(db.session.scalars(select(OutgoingEmail).where(about_person(person))))


def _events_of(person: User) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                or_(
                    AuditEvent.actor_id == person.id,
                    (AuditEvent.object_type == "User") & (AuditEvent.object_id == person.id),
                )
            )
        )
    )


def _sheets_of(person: User) -> list[ScoreSheet]:
    return list(
        db.session.scalars(
            select(ScoreSheet)
            .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
            .where(Assignment.juror_id == person.id)
        )
    )


def person_consequences(person: User) -> Erasure:
    """What erasing the person would do, for the confirmation page."""
    sessions = db.session.scalar(select(func.count(LoginSession.id)).where(LoginSession.user_id == person.id))
    return Erasure(
        sessions=sessions,
        emails=len(_emails_of(person)),
        audit_events=len(_events_of(person)),
        prepared_files=len(files_about(user_id=person.id)),
        sheets=len(_sheets_of(person)),
    )


def _redact(value: Any, secrets: tuple[str, ...]) -> Any:
    """`value` (a JSON document) with every string that contains one of `secrets` replaced."""
    if isinstance(value, str):
        return (
            ERASED if any(secret and secret.casefold() in value.casefold() for secret in secrets) else value
        )
    if isinstance(value, list):
        return [_redact(item, secrets) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, secrets) for key, item in value.items()}
    return value


def erase_person(person: User, actor: User) -> Erasure:
    """Pseudonymise the account and remove the person's data (see the module's docstring); flushes."""
    refusal = person_refusal(person, actor)
    if refusal:
        raise ErasureRefused(refusal)
    return _erase_person(person, actor)


def _erase_person(person: User, actor: User, *, audited: bool = True) -> Erasure:
    secrets = tuple(s for s in (person.email, person.name) if s and len(s) >= 3)
    address = person.email
    done = Erasure()

    # The emails first: they are found by the address that is about to go.
    new_address = f"erased-{person.id}@{ERASED_DOMAIN}"
    for email in _emails_of(person):
        addresses = [new_address if a == address else a for a in email.recipients.split(", ")]
        email.recipients = ", ".join(addresses)
        email.subject = _redact(email.subject, secrets)
        email.body = ""
        if email.status == EmailStatus.QUEUED:
            email.status = EmailStatus.FAILED
            email.last_error = "Not sent: the recipient's data was erased."
            email.next_attempt_at = None
        done.emails += 1

    for event in _events_of(person):
        event.before = _redact(event.before, secrets)
        event.after = _redact(event.after, secrets)
        if event.actor_id == person.id:
            event.ip = None
        done.audit_events += 1

    done.sessions = db.session.execute(delete(LoginSession).where(LoginSession.user_id == person.id)).rowcount

    for sheet in _sheets_of(person):
        sheet.overall_comment = ""
        done.sheets += 1
    sheet_ids = (
        select(ScoreSheet.id)
        .join(Assignment, ScoreSheet.assignment_id == Assignment.id)
        .where(Assignment.juror_id == person.id)
    )
    db.session.execute(
        update(CriterionScore)
        .where(CriterionScore.sheet_id.in_(sheet_ids.scalar_subquery()))
        .values(comment="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(Assignment).where(Assignment.juror_id == person.id).values(recusal_reason=""))
    db.session.execute(
        update(ConflictOfInterest).where(ConflictOfInterest.juror_id == person.id).values(reason="")
    )

    for prepared in files_about(user_id=person.id):
        if prepared.file_name:
            done.prepared_names.append(prepared.file_name)
        db.session.delete(prepared)
        done.prepared_files += 1

    person.name = pseudonym(person)
    person.email = new_address
    person.password_hash = None
    person.country = None
    person.active = False
    person.email_confirmed_at = None
    person.invited_at = None
    person.last_login_at = None
    person.erased_at = utcnow()
    db.session.flush()
    if audited:
        audit.record(
            "privacy.person_erased", person, after={"role": str(person.role), **done.counts()}, actor=actor
        )
    return done


# --- An organisation ----------------------------------------------------------------------------------------


def organisation_refusal(organisation: Organisation) -> str | None:
    if organisation.erased_at is not None:
        return _("This organisation is already erased.")
    running = db.session.scalar(
        select(Edition)
        .join(Application, Application.edition_id == Edition.id)
        .where(
            Application.organisation_id == organisation.id,
            Application.status.in_((ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE)),
            Edition.results_published_at.is_(None),
        )
        .limit(1)
    )
    if running is not None:
        return _(
            "%(name)s has an application in competition in %(edition)s: it can be erased once that edition's "
            "results are published.",
            name=organisation.name,
            edition=running.name,
        )
    return None


def _is_laureate(organisation: Organisation) -> bool:
    return db.session.scalar(select(func.count(Award.id)).where(Award.organisation_id == organisation.id)) > 0


def _unsuccessful(organisation: Organisation) -> list[Application]:
    awarded = select(Award.application_id).where(Award.application_id.is_not(None))
    return list(
        db.session.scalars(
            select(Application).where(
                Application.organisation_id == organisation.id, Application.id.not_in(awarded)
            )
        )
    )


def members_of(organisation: Organisation) -> list[User]:
    return list(db.session.scalars(select(User).where(User.organisation_id == organisation.id)))


def _participation_certificates(organisation: Organisation) -> list[Certificate]:
    return list(
        db.session.scalars(
            select(Certificate).where(
                Certificate.organisation_id == organisation.id,
                Certificate.kind == CertificateKind.PARTICIPATION,
                Certificate.revoked_at.is_(None),
            )
        )
    )


def organisation_consequences(organisation: Organisation) -> Erasure:
    applications = _unsuccessful(organisation)
    return Erasure(
        people=sum(1 for user in members_of(organisation) if user.erased_at is None),
        applications=len(applications),
        attachments=db.session.scalar(
            select(func.count(Attachment.id)).where(
                Attachment.application_id.in_([a.id for a in applications])
            )
        ),
        certificates=len(_participation_certificates(organisation)),
        prepared_files=len(files_about(organisation_id=organisation.id)),
        laureate=_is_laureate(organisation),
    )


def erase_organisation(organisation: Organisation, actor: User) -> Erasure:
    """Erase the organisation's people, its applications without an award (texts and files) and its
    participation certificates; rename it unless it is a laureate. Flushes."""
    refusal = organisation_refusal(organisation)
    if refusal:
        raise ErasureRefused(refusal)
    done = Erasure(laureate=_is_laureate(organisation))
    for member in members_of(organisation):
        if member.erased_at is None:
            erased = _erase_person(member, actor, audited=False)
            done.people += 1
            done.sessions += erased.sessions
            done.emails += erased.emails
            done.prepared_files += erased.prepared_files
            done.prepared_names += erased.prepared_names
    for application in _unsuccessful(organisation):
        for attachment in list(application.attachments):
            done.stored_files.append(attachment.stored_name)
            application.attachments.remove(attachment)
            done.attachments += 1
        application.title = ""
        application.summary = ""
        application.beneficiaries = ""
        application.partners = ""
        db.session.execute(
            update(CriterionAnswer).where(CriterionAnswer.application_id == application.id).values(text="")
        )
        done.applications += 1
    for certificate in _participation_certificates(organisation):
        revoke_certificate(certificate, actor=actor)
        done.certificates += 1
    for prepared in files_about(organisation_id=organisation.id):
        if prepared.file_name:
            done.prepared_names.append(prepared.file_name)
        db.session.delete(prepared)
        done.prepared_files += 1
    if not done.laureate:
        organisation.name = f"Organisation {organisation.id}"
    organisation.website = ""
    organisation.population = None
    organisation.erased_at = utcnow()
    db.session.flush()
    audit.record("privacy.organisation_erased", organisation, after=done.counts(), actor=actor)
    return done


def remove_files(done: Erasure) -> None:
    """Delete the stored files of what was erased, once the commit succeeded."""
    for stored_name in done.stored_files:
        storage.remove(stored_name)
    for file_name in done.prepared_names:
        prepared_storage.remove(file_name)
