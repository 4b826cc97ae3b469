"""What the submissions tests share: a complete form, a snapshot of everything a request could change."""

from sqlalchemy import func, select

from app.models import Application, Attachment, AuditEvent
from tests import stored


def complete_form(application, **overrides) -> dict:
    """Form data that fills in every required field of the application."""
    data = {
        "title": "Community life in Obrnice – an integrated approach",
        "summary": "Interlocking projects in education, housing, employment, social services and leisure.",
        "start_year": "2007",
        "fields_of_action": ["education", "housing", "employment"],
        "beneficiaries": "About 1,000 of the 2,300 inhabitants, Roma and non-Roma.",
        "budget_eur": "120 000",
        "partners": "A Roma NGO, the regional school authority, the labour office.",
    }
    for criterion in application.edition.criteria:
        data[f"answer_{criterion.id}"] = f"How the project meets {criterion.name}."
    data.update(overrides)
    return data


def uploaded_files(app=None) -> list[str]:
    """The keys stored in the uploads' area (on either backend)."""
    return stored.keys("uploads")


def snapshot(db, app):
    """Everything committed that a refused request must leave alone, and the files on disk."""
    db.session.rollback()
    db.session.expire_all()
    applications = [
        (
            a.id,
            a.status,
            a.title,
            a.summary,
            a.start_year,
            tuple(a.fields_of_action or ()),
            a.beneficiaries,
            a.budget_eur,
            a.partners,
            a.submitted_at,
            a.withdrawn_at,
            tuple(sorted((answer.criterion_id, answer.text) for answer in a.answers)),
        )
        for a in db.session.scalars(select(Application).order_by(Application.id))
    ]
    attachments = [
        (a.id, a.application_id, a.stored_name, a.sha256)
        for a in db.session.scalars(select(Attachment).order_by(Attachment.id))
    ]
    audit = db.session.scalar(select(func.count(AuditEvent.id)))
    return applications, attachments, audit, uploaded_files(app)
