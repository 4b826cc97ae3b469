"""The accounts' periodic job: delete the login sessions that have ended, so the table keeps only the open
ones (and, for a day, the expired ones, whose browser is then told why it was signed out)."""

from __future__ import annotations

import logging

from app import jobs
from app.auth.open_sessions import purge_ended_sessions
from app.extensions import db

log = logging.getLogger(__name__)


@jobs.periodic(minutes=60)
def purge_login_sessions(at_start: bool = False) -> int:
    """Delete the ended sessions, once an hour (and as a worker starts); returns how many."""
    deleted = purge_ended_sessions()
    db.session.commit()
    if deleted:
        log.info("deleted %d ended login sessions", deleted)
    return deleted
