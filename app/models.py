"""Every model, imported in one place so that Alembic and relationship() see them all."""

from app.audit.models import AuditEvent
from app.auth.models import LoginSession, Organisation, User
from app.certificates.models import Certificate
from app.contests.models import Criterion, Edition
from app.judging.models import Assignment, ConflictOfInterest, CriterionScore, JuryMember, ScoreSheet
from app.mail.models import OutgoingEmail
from app.prepared.models import PreparedFile
from app.ranking.models import Award
from app.results.models import PublicationPlan
from app.site.models import SiteSettings
from app.submissions.models import Application, Attachment, CriterionAnswer

__all__ = [
    "Application",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "Award",
    "Certificate",
    "ConflictOfInterest",
    "Criterion",
    "CriterionAnswer",
    "CriterionScore",
    "Edition",
    "JuryMember",
    "LoginSession",
    "Organisation",
    "OutgoingEmail",
    "PreparedFile",
    "PublicationPlan",
    "ScoreSheet",
    "SiteSettings",
    "User",
]
