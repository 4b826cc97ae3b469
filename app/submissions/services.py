"""The work behind the applicant's and the organiser's pages; services flush, routes commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from app.audit.services import record
from app.auth.models import Organisation
from app.contests.models import Criterion, Edition
from app.db import utcnow
from app.extensions import db
from app.submissions.enums import FIELDS_OF_ACTION, ApplicationStatus
from app.submissions.models import Application, Attachment, CriterionAnswer
from app.submissions.storage import StoredFile, remove_after_commit

FIRST_START_YEAR = 1990


@dataclass
class ApplicationValues:
    """What an application says, whether it comes from the database or from a form not yet saved."""

    title: str = ""
    summary: str = ""
    answers: dict[int, str] = field(default_factory=dict)  # criterion id -> text
    start_year: int | None = None
    fields_of_action: list[str] = field(default_factory=list)
    beneficiaries: str = ""
    budget_eur: int | None = None
    partners: str = ""

    @classmethod
    def of(cls, application: Application) -> ApplicationValues:
        return cls(
            title=application.title or "",
            summary=application.summary or "",
            answers={answer.criterion_id: answer.text or "" for answer in application.answers},
            start_year=application.start_year,
            fields_of_action=list(application.fields_of_action or []),
            beneficiaries=application.beneficiaries or "",
            budget_eur=application.budget_eur,
            partners=application.partners or "",
        )


def missing_items(values: ApplicationValues, criteria: Sequence[Criterion], edition_year: int) -> list[str]:
    """Everything a submission still needs, in the order of the form, as the user reads it."""
    missing = []
    if not values.title.strip():
        missing.append(_("Title"))
    if not values.summary.strip():
        missing.append(_("Summary"))
    for criterion in criteria:
        if not values.answers.get(criterion.id, "").strip():
            missing.append(_("Answer for %(criterion)s", criterion=criterion.name))
    if values.start_year is None or not FIRST_START_YEAR <= values.start_year <= edition_year:
        missing.append(_("Start year"))
    if not any(code in FIELDS_OF_ACTION for code in values.fields_of_action):
        missing.append(_("Fields of action (at least one)"))
    if not values.beneficiaries.strip():
        missing.append(_("Beneficiaries"))
    if values.budget_eur is None or values.budget_eur < 0:
        missing.append(_("Budget"))
    if not values.partners.strip():
        missing.append(_("Partners"))
    return missing


def missing(application: Application) -> list[str]:
    edition = application.edition
    return missing_items(ApplicationValues.of(application), edition.criteria, edition.year)


def open_editions(now=None) -> list[Edition]:
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Edition)
            .where(
                Edition.submissions_open_at <= now,
                Edition.submissions_close_at > now,
                Edition.results_published_at.is_(None),
                Edition.archived.is_(False),
            )
            .options(selectinload(Edition.criteria))
            .order_by(Edition.submissions_close_at)
        )
    )


def next_upcoming_edition(now=None) -> Edition | None:
    now = now or utcnow()
    return db.session.scalars(
        select(Edition)
        .where(Edition.submissions_open_at > now, Edition.archived.is_(False))
        .order_by(Edition.submissions_open_at)
        .limit(1)
    ).first()


def organisation_applications(organisation_id: int) -> list[Application]:
    """Every application of one organisation, newest edition first, loaded for the missing lists."""
    return list(
        db.session.scalars(
            select(Application)
            .join(Application.edition)
            .where(Application.organisation_id == organisation_id)
            .options(
                contains_eager(Application.edition).selectinload(Edition.criteria),
                selectinload(Application.answers),
            )
            .order_by(Edition.submissions_close_at.desc(), Application.id.desc())
        ).unique()
    )


def find_application(edition_id: int, organisation_id: int) -> Application | None:
    return db.session.scalar(
        select(Application).where(
            Application.edition_id == edition_id, Application.organisation_id == organisation_id
        )
    )


def next_number(edition: Edition) -> int:
    highest = db.session.scalar(
        select(func.max(Application.number)).where(Application.edition_id == edition.id)
    )
    return (highest or 0) + 1


def reference_for(edition: Edition, number: int) -> str:
    return f"{edition.reference_prefix}-{edition.year}-{number:03d}"


def start_application(edition: Edition, organisation: Organisation, user) -> tuple[Application, bool]:
    """The organisation's application to the edition, created as an empty draft if it has none.

    Returns (application, created). Two starts at once (two colleagues, or two organisations taking
    the same number) collide on a unique constraint: the loser's savepoint is rolled back, and it
    either finds the colleague's application or tries once more with the next number.
    """
    existing = find_application(edition.id, organisation.id)
    if existing is not None:
        return existing, False
    try:
        application = _insert_draft(edition, organisation, user)
    except IntegrityError:
        existing = find_application(edition.id, organisation.id)
        if existing is not None:
            return existing, False
        application = _insert_draft(edition, organisation, user)
    record("application.started", application, after={"reference": application.reference})
    return application, True


def _insert_draft(edition: Edition, organisation: Organisation, user) -> Application:
    number = next_number(edition)
    # Ids, not relationships: a back-populated collection would keep a failed attempt in the session.
    application = Application(
        edition_id=edition.id,
        organisation_id=organisation.id,
        number=number,
        reference=reference_for(edition, number),
        status=ApplicationStatus.DRAFT,
        created_by_id=user.id,
        fields_of_action=[],
    )
    for criterion in edition.criteria:
        application.answers.append(CriterionAnswer(criterion_id=criterion.id, text=""))
    with db.session.begin_nested():
        db.session.add(application)
        db.session.flush()
    return application


def save_values(application: Application, values: ApplicationValues) -> list[str]:
    """Write the form's values into the application; returns the names of what changed."""
    changed = []
    for name in ("title", "summary", "start_year", "beneficiaries", "budget_eur", "partners"):
        new = getattr(values, name)
        if getattr(application, name) != new:
            setattr(application, name, new)
            changed.append(name)
    codes = [code for code in FIELDS_OF_ACTION if code in values.fields_of_action]
    if list(application.fields_of_action or []) != codes:
        application.fields_of_action = codes
        changed.append("fields_of_action")
    answers = {answer.criterion_id: answer for answer in application.answers}
    for criterion in application.edition.criteria:
        text = values.answers.get(criterion.id, "")
        answer = answers.get(criterion.id)
        if answer is None:
            # A criterion added to the edition after this draft was started.
            application.answers.append(CriterionAnswer(criterion=criterion, text=text))
            changed.append(f"answer:{criterion.id}")
        elif answer.text != text:
            answer.text = text
            changed.append(f"answer:{criterion.id}")
    if changed:
        application.updated_at = utcnow()
        record("application.saved", application, after={"changed": changed, "status": application.status})
    db.session.flush()
    return changed


def submit(application: Application) -> None:
    """Mark a complete application submitted (the caller checked it is complete and allowed)."""
    before = application.status
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    application.withdrawn_at = None
    record(
        "application.submitted",
        application,
        before={"status": before},
        after={"status": application.status, "submitted_at": application.submitted_at.isoformat()},
    )
    db.session.flush()


def withdraw(application: Application) -> None:
    before = application.status
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = utcnow()
    record("application.withdrawn", application, before={"status": before}, after={"status": "withdrawn"})
    db.session.flush()


def add_attachment(application: Application, stored: StoredFile, user) -> Attachment:
    attachment = Attachment(
        application=application,
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        uploaded_by_id=user.id,
    )
    db.session.add(attachment)
    db.session.flush()
    record(
        "attachment.added",
        attachment,
        edition_id=application.edition_id,
        after={"application": application.reference, "name": stored.original_name, "sha256": stored.sha256},
    )
    return attachment


def delete_attachment(attachment: Attachment) -> str:
    """Remove the row, and its file once the commit succeeded (a failed commit keeps both); returns the
    stored name."""
    application = attachment.application
    record(
        "attachment.deleted",
        attachment,
        edition_id=application.edition_id,
        before={"application": application.reference, "name": attachment.original_name},
    )
    stored_name = attachment.stored_name
    application.attachments.remove(attachment)
    db.session.flush()
    remove_after_commit(stored_name)
    return stored_name


def attachment_count(application_id: int) -> int:
    return db.session.scalar(
        select(func.count(Attachment.id)).where(Attachment.application_id == application_id)
    )


@dataclass
class ApplicationRow:
    application: Application
    attachments: int


APPLICATIONS_PER_PAGE = 100


def edition_applications(
    edition: Edition, status: str | None = None, country: str | None = None, page: int = 1
) -> tuple[Pagination, list[ApplicationRow]]:
    """One page of the organiser's table, by number, and its rows: the same statements whatever the number
    of applications (the page, its total, the attachments counted for the page)."""
    query = (
        select(Application)
        .join(Application.organisation)
        .where(Application.edition_id == edition.id)
        .options(contains_eager(Application.organisation))
        .order_by(Application.number)
    )
    if status:
        query = query.where(Application.status == status)
    if country:
        query = query.where(Organisation.country == country)
    shown = db.paginate(query, page=page, per_page=APPLICATIONS_PER_PAGE, error_out=False)
    ids = [application.id for application in shown.items]
    files = (
        dict(
            db.session.execute(
                select(Attachment.application_id, func.count(Attachment.id))
                .where(Attachment.application_id.in_(ids))
                .group_by(Attachment.application_id)
            ).all()
        )
        if ids
        else {}
    )
    return shown, [ApplicationRow(application, files.get(application.id, 0)) for application in shown.items]


def status_counts(edition: Edition) -> dict[str, int]:
    rows = db.session.execute(
        select(Application.status, func.count(Application.id))
        .where(Application.edition_id == edition.id)
        .group_by(Application.status)
    )
    counts = dict.fromkeys(ApplicationStatus, 0)
    for status, count in rows:
        counts[ApplicationStatus(status)] = count
    return counts


def countries_of(edition: Edition) -> list[str]:
    return list(
        db.session.scalars(
            select(Organisation.country)
            .join(Application, Application.organisation_id == Organisation.id)
            .where(Application.edition_id == edition.id)
            .distinct()
        )
    )
