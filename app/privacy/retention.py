"""How long attachments are kept: those of the applications that won no award (drafts, withdrawn,
ineligible and unsuccessful entries) are deleted ATTACHMENT_RETENTION_DAYS days after their edition's
results were published; the laureates' are kept with the award they support.

``delete_expired_attachments`` runs every hour on the workers' scheduler (and once when a worker starts):
it deletes the rows in batches, one audit entry per application, commits, then deletes the files through
the submissions' storage. It is idempotent: what is gone is no longer found, and a file already gone is no
error. A worker that dies between the commit and the files leaves files no row names; the rows are what
the site serves, so nothing of them is reachable.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import jobs
from app.audit import services as audit
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.ranking.models import Award
from app.submissions import storage
from app.submissions.models import Application, Attachment

log = logging.getLogger(__name__)

BATCH = 200  # attachments per transaction


def retention_days() -> int:
    return max(0, int(current_app.config["ATTACHMENT_RETENTION_DAYS"]))


def deletion_date(edition: Edition) -> datetime | None:
    """When the attachments of the edition's applications without an award go (None: not published)."""
    if edition.results_published_at is None:
        return None
    return edition.results_published_at + timedelta(days=retention_days())


def expired_attachments(now: datetime | None = None, limit: int = BATCH) -> list[Attachment]:
    """Attachments of applications without an award whose edition was published more than the retention
    period ago."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days())
    awarded = select(Award.application_id).where(Award.application_id.is_not(None))
    return list(
        db.session.scalars(
            select(Attachment)
            .join(Application, Attachment.application_id == Application.id)
            .join(Edition, Application.edition_id == Edition.id)
            .where(
                Edition.results_published_at.is_not(None),
                Edition.results_published_at <= cutoff,
                Application.id.not_in(awarded),
            )
            .order_by(Attachment.id)
            .limit(limit)
        )
    )


def delete_expired_attachments(now: datetime | None = None) -> int:
    """Delete every expired attachment (rows, then files); returns how many."""
    deleted = 0
    while batch := expired_attachments(now):
        by_application: dict[int, list[Attachment]] = defaultdict(list)
        for attachment in batch:
            by_application[attachment.application_id].append(attachment)
        stored_names = []
        for attachments in by_application.values():
            application = attachments[0].application
            audit.record(
                "attachment.expired",
                application,
                after={
                    "reference": application.reference,
                    "attachments": len(attachments),
                    "retention_days": retention_days(),
                },
            )
            for attachment in attachments:
                stored_names.append(attachment.stored_name)
                application.attachments.remove(attachment)
        db.session.commit()
        for stored_name in stored_names:
            storage.remove(stored_name)
        deleted += len(batch)
    if deleted:
        log.info("deleted %d attachments past their retention period", deleted)
    return deleted


@jobs.periodic(minutes=60)
def sweep_expired_attachments(at_start: bool = False) -> int:
    """Delete the attachments past their retention period; returns how many."""
    return delete_expired_attachments()
