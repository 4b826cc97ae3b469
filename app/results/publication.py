"""Publishing an edition's results: the certificate plan, what stands in the way, the schedule, the act.

`publish_results` is the one place that publishes, for the organiser's button and for `flask results
publish-due` (`due_editions`). It claims the publication with `UPDATE … WHERE results_published_at IS NULL`,
then in the same transaction issues the certificates (the certificates domain, below this one) and queues
the result emails, which leave only after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from app.audit.services import record
from app.certificates import issue as certificates
from app.certificates.enums import CertificateLanguage
from app.contests.enums import Phase
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.results import notifications
from app.results.models import PublicationPlan
from app.web import DomainError


class NotReady(DomainError):
    """The results cannot be published yet; the message says why."""


@dataclass(frozen=True)
class PublicationResult:
    published: bool  # False: it was already published, nothing changed
    certificates: int = 0
    emails: int = 0


def publication_plan(edition: Edition) -> PublicationPlan:
    """The organiser's certificate choices for this edition (defaults when none were saved)."""
    plan = db.session.get(PublicationPlan, edition.id)
    return plan or PublicationPlan(
        edition_id=edition.id,
        certificate_language=CertificateLanguage.ENGLISH,
        participation_certificates=False,
    )


def publication_problems(edition: Edition, now: datetime | None = None) -> list[str]:
    """What stands between the edition and the publication of its results; empty when ready."""
    now = now or utcnow()
    if edition.archived:
        return [_("This edition is archived: its results come from before the platform.")]
    problems = []
    phase = edition.phase(now)
    if phase in (Phase.UPCOMING, Phase.OPEN, Phase.JUDGING):
        problems.append(_("Judging has not closed yet."))
    has_prize = db.session.scalar(
        select(Award.id).where(Award.edition_id == edition.id, Award.kind == AwardKind.PRIZE).limit(1)
    )
    if not has_prize:
        problems.append(_("No awards are recorded yet."))
    return problems


def schedule_publication(
    edition: Edition, when: datetime | None, *, language: str, participation: bool, actor
) -> None:
    """Plan the publication at `when` (a UTC instant; None cancels) with these certificate choices."""
    before = {
        "results_publish_at": edition.results_publish_at.isoformat() if edition.results_publish_at else None
    }
    edition.results_publish_at = when
    _save_plan(edition, language, participation, actor)
    record(
        "results.scheduled" if when else "results.unscheduled",
        edition,
        edition_id=edition.id,
        before=before,
        after={
            "results_publish_at": when.isoformat() if when else None,
            "certificate_language": language,
            "participation_certificates": participation,
        },
        actor=actor,
    )
    db.session.flush()


def _save_plan(edition: Edition, language: str, participation: bool, actor) -> PublicationPlan:
    plan = db.session.get(PublicationPlan, edition.id)
    if plan is None:
        plan = PublicationPlan(edition_id=edition.id)
        db.session.add(plan)
    plan.certificate_language = language
    plan.participation_certificates = participation
    plan.updated_by_id = getattr(actor, "id", None)
    plan.updated_at = utcnow()
    return plan


def publish_results(
    edition: Edition,
    *,
    language: str | None = None,
    participation: bool | None = None,
    actor=None,
    now: datetime | None = None,
) -> PublicationResult:
    """Publish the results, issue the certificates and email the applicants; idempotent.

    Unlike other use cases this one commits: the certificate files it writes must be removed when the
    commit fails, and the emails must leave only after it succeeds. Everything in the database happens in
    one transaction, guarded by a conditional UPDATE so that two concurrent calls cannot both publish.
    Raises NotReady (nothing changed) when judging is still open or no award is recorded.
    """
    now = now or utcnow()
    if edition.is_published:
        return PublicationResult(published=False)
    problems = publication_problems(edition, now)
    if problems:
        raise NotReady(" ".join(problems))
    plan = publication_plan(edition)
    language = language or plan.certificate_language
    participation = plan.participation_certificates if participation is None else participation

    # Certificate files follow this transaction: the certificates domain moves them into place on commit
    # and deletes them on rollback, so a failure below leaves none behind; the queued emails are dropped.
    try:
        claimed = db.session.execute(
            update(Edition)
            .where(Edition.id == edition.id, Edition.results_published_at.is_(None))
            .values(results_published_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            return PublicationResult(published=False)
        db.session.refresh(edition, ["results_published_at"])
        _save_plan(edition, language, participation, actor)
        record(
            "results.published",
            edition,
            edition_id=edition.id,
            after={
                "results_published_at": now.isoformat(),
                "certificate_language": language,
                "participation_certificates": participation,
            },
            actor=actor,
        )
        issued = list(
            certificates.issue_certificates(
                edition, participation=participation, language=language, now=now, actor=actor
            )
        )
        emails = notifications.notify_results(edition, issued)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return PublicationResult(published=True, certificates=len(issued), emails=emails)


def due_editions(now: datetime | None = None) -> list[Edition]:
    """Editions whose scheduled publication time has passed and which are not published yet."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Edition)
            .where(
                Edition.results_published_at.is_(None),
                Edition.results_publish_at.is_not(None),
                Edition.results_publish_at <= now,
                Edition.archived.is_(False),
            )
            .order_by(Edition.results_publish_at, Edition.id)
        )
    )
