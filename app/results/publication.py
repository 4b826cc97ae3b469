"""Publishing an edition's results: the certificate plan, what stands in the way, the schedule, the act.

`publish_results` is the one place that publishes, for the organiser's button, the workers' scheduler and
`flask results publish-due` (`due_editions`). It claims the publication with `UPDATE … WHERE
results_published_at IS NULL` and commits: the results are public at once, whatever the size of the
edition. After that commit a job (`follow_up`, in `jobs.py`) records the certificates (the certificates
domain, below this one, renders each with its own job) and queues the result emails, in one transaction
claimed with `UPDATE … WHERE followed_up_at IS NULL`, so it happens once however often it is queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select, update

from app import jobs
from app.audit.services import record
from app.auth.models import User
from app.certificates import issue as certificates
from app.certificates.enums import CertificateLanguage
from app.certificates.queries import issue_counts
from app.contests.enums import Phase
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.i18n import command_request
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
    """Publish the results; the certificates and the emails follow in a job after the commit. Idempotent.

    Unlike other use cases this one commits, so that the follow-up job is queued only once the results are
    public. Guarded by a conditional UPDATE: two concurrent calls cannot both publish. Raises NotReady
    (nothing changed) when judging is still open or no award is recorded. The counts returned are those the
    follow-up will make.
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
        counts = issue_counts(edition)
        emails = notifications.recipient_count(edition)
        jobs.after_commit(follow_up_publication, edition.id, getattr(actor, "id", None))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    certificates_count = counts.laureates + (counts.participants if participation else 0)
    return PublicationResult(published=True, certificates=certificates_count, emails=emails)


@jobs.job()
def follow_up_publication(edition_id: int, actor_id: int | None = None) -> None:
    """The job queued by the publication's commit (and by the sweep of ``results/jobs.py``)."""
    edition = db.session.get(Edition, edition_id)
    if edition is None or not edition.is_published:
        return
    actor = db.session.get(User, actor_id) if actor_id is not None else None
    with command_request():  # links in the emails and on the certificates point at PUBLIC_BASE_URL
        follow_up(edition, actor)


def follow_up(edition: Edition, actor=None, now: datetime | None = None) -> bool:
    """Record the published edition's certificates and queue the result emails, once; commits.

    Returns False when another run did it (or is doing it) already.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        update(PublicationPlan)
        .where(PublicationPlan.edition_id == edition.id, PublicationPlan.followed_up_at.is_(None))
        .values(followed_up_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        return False
    try:
        plan = publication_plan(edition)
        issued = list(
            certificates.issue_certificates(
                edition,
                participation=plan.participation_certificates,
                language=plan.certificate_language,
                now=edition.results_published_at,
                actor=actor,
            )
        )
        notifications.notify_results(edition, issued)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return True


def follow_up_pending(edition: Edition) -> bool:
    """Whether the edition is published and its follow-up (certificates, emails) has not happened yet."""
    plan = db.session.get(PublicationPlan, edition.id)
    return edition.is_published and plan is not None and plan.followed_up_at is None


def not_followed_up() -> list[int]:
    """The published editions whose follow-up has not happened (queue down, a worker that died)."""
    return list(
        db.session.scalars(
            select(PublicationPlan.edition_id)
            .join(Edition, Edition.id == PublicationPlan.edition_id)
            .where(Edition.results_published_at.is_not(None), PublicationPlan.followed_up_at.is_(None))
        )
    )


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
