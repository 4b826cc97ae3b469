"""Every model, imported in one place so that Alembic and relationship() see them all."""

from app.audit.models import AuditEvent
from app.auth.models import LoginSession, Role, User
from app.certificates.models import Certificate
from app.contests.models import Aggregation, Criterion, Edition, Phase
from app.judging.models import (
    Assignment,
    ConflictOfInterest,
    CriterionScore,
    JuryMember,
    ScoreSheet,
    SheetStatus,
)
from app.ranking.models import Award, AwardKind
from app.submissions.models import (
    FIELDS_OF_ACTION,
    Application,
    ApplicationStatus,
    Attachment,
    CriterionAnswer,
    Organisation,
    OrganisationKind,
)

__all__ = [
    "FIELDS_OF_ACTION",
    "Aggregation",
    "Application",
    "ApplicationStatus",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "Award",
    "AwardKind",
    "Certificate",
    "ConflictOfInterest",
    "Criterion",
    "CriterionAnswer",
    "CriterionScore",
    "Edition",
    "JuryMember",
    "LoginSession",
    "Organisation",
    "OrganisationKind",
    "Phase",
    "Role",
    "ScoreSheet",
    "SheetStatus",
    "User",
]
