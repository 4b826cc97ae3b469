"""The prepared files' jobs: make one file and store it; put back in the queue what was lost; clean up.

``requests.request_file`` records a pending file and queues ``prepare_file`` once its transaction commits.
The job is idempotent: it claims the row (a conditional UPDATE: two workers never make the same file, and
a ready or failed one is left alone), makes the file in the language it was asked in, stores it
(``storage.write_file``: whole or not at all, kept by the commit that records it, deleted by a rollback)
and records its size, SHA-256 and source stamp. What raises
marks the file ``failed`` with the reason; asking again makes a new one.

``sweep_prepared_files``, every minute on the workers' scheduler, queues again the pending files whose
job was lost (the queue was down; a worker died: its claim is older than PREPARED_FILE_LEASE seconds),
and removes the files older than PREPARED_FILE_DAYS days, with their rows, and what dead workers left.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from app import jobs
from app.db import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES
from app.prepared import storage
from app.prepared.enums import PreparedStatus
from app.prepared.kinds import maker_of
from app.prepared.models import PreparedFile

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FAILURE_MAX = 500  # characters of the reason kept on the record


def lease() -> timedelta:
    return timedelta(seconds=current_app.config["PREPARED_FILE_LEASE"])


def _claim(file_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(PreparedFile)
        .where(
            PreparedFile.id == file_id,
            PreparedFile.status == PreparedStatus.PENDING,
            or_(PreparedFile.claimed_at.is_(None), PreparedFile.claimed_at < now - lease()),
        )
        .values(claimed_at=now, attempts=PreparedFile.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return claimed == 1


@jobs.job()
def prepare_file(file_id: int) -> None:
    """Make, store and record one pending file; does nothing for any other."""
    if not _claim(file_id, utcnow()):
        return
    prepared = db.session.get(PreparedFile, file_id)
    if prepared.attempts > MAX_ATTEMPTS:
        _fail(prepared, f"The file was started {MAX_ATTEMPTS} times without finishing.")
        return
    try:
        maker = maker_of(prepared.kind)
        edition_id, parameters = prepared.edition_id, dict(prepared.parameters or {})
        file_name = storage.new_name(prepared.id, prepared.kind, maker.extension)
        language = parameters.get("language")
        # A request context in the language it was asked in: the file's texts, dates and numbers follow it.
        with current_app.test_request_context(
            base_url=current_app.config["PUBLIC_BASE_URL"],
            headers={"Accept-Language": language if language in LANGUAGES else DEFAULT_LANGUAGE},
        ):
            stamp = maker.stamp(edition_id, parameters)
            size, sha256 = storage.write_file(file_name, lambda out: maker.make(edition_id, parameters, out))
        prepared = db.session.get(PreparedFile, file_id)
        prepared.file_name = file_name
        prepared.size = size
        prepared.sha256 = sha256
        prepared.source_stamp = stamp
        prepared.status = PreparedStatus.READY
        prepared.ready_at = utcnow()
        prepared.claimed_at = None
        prepared.failure = None
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("prepared file %s could not be made", file_id)
        _fail(db.session.get(PreparedFile, file_id), f"{type(error).__name__}: {error}")


def _fail(prepared: PreparedFile, reason: str) -> None:
    prepared.status = PreparedStatus.FAILED
    prepared.failure = reason[:FAILURE_MAX]
    prepared.claimed_at = None
    db.session.commit()


@jobs.periodic(minutes=1)
def sweep_prepared_files(at_start: bool = False, now: datetime | None = None) -> int:
    """Queue again the pending files no job is on its way to, and remove the old ones; returns how many
    were queued.

    An unclaimed pending file is lost only when the queue is empty (while jobs wait, it may be one of them),
    or, as a worker starts (``at_start``), may have been taken by a worker that died: it is queued again.
    """
    now = now or utcnow()
    stale = PreparedFile.claimed_at.is_not(None) & (PreparedFile.claimed_at < now - lease())
    if at_start or jobs.waiting_count() == 0:
        stale = or_(stale, PreparedFile.claimed_at.is_(None))
    ids = list(
        db.session.scalars(
            select(PreparedFile.id)
            .where(PreparedFile.status == PreparedStatus.PENDING, stale)
            .order_by(PreparedFile.id)
        )
    )
    for file_id in ids:
        jobs.enqueue(prepare_file, file_id)
    if ids:
        log.info("queued %d prepared files again", len(ids))
    remove_expired(now)
    return len(ids)


def remove_expired(now: datetime | None = None) -> int:
    """Remove the files (and rows) made more than PREPARED_FILE_DAYS days ago; returns how many."""
    now = now or utcnow()
    limit = now - timedelta(days=current_app.config["PREPARED_FILE_DAYS"])
    expired = list(
        db.session.scalars(
            select(PreparedFile).where(
                PreparedFile.created_at < limit, PreparedFile.status != PreparedStatus.PENDING
            )
        )
    )
    for prepared in expired:
        db.session.delete(prepared)
    db.session.commit()
    for prepared in expired:  # once the rows are gone: a file is never listed without its file
        storage.remove(prepared.file_name)
    storage.remove_partial_files(before=now - lease())
    return len(expired)
