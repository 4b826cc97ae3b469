"""The results' periodic jobs: publish, every minute, the editions whose scheduled time has passed, and
queue again the follow-up of a publication that was lost.

The workers' scheduler runs them, so a scheduled publication needs no cron; `flask results publish-due`
does the same from cron for those who prefer it. Publishing is guarded by a conditional UPDATE, so two
workers (or a worker and cron) running it at once publish each edition once. The follow-up job itself
(`publication.follow_up_publication`) is declared beside the publication that queues it.
"""

from __future__ import annotations

import logging

from app import jobs
from app.extensions import db
from app.i18n import command_request
from app.results import publication

log = logging.getLogger(__name__)


@jobs.periodic(minutes=1)
def publish_due_editions(at_start: bool = False) -> int:
    """Publish every due edition; one that cannot be published is logged and the others go on."""
    published = 0
    with command_request():  # links in emails and certificates point at PUBLIC_BASE_URL
        for edition in publication.due_editions():
            try:
                result = publication.publish_results(edition)
            except publication.NotReady as not_ready:
                log.warning("edition %s is due but not published: %s", edition.slug, not_ready)
            except Exception:
                db.session.rollback()
                log.exception("publishing edition %s failed", edition.slug)
            else:
                published += int(result.published)
    return published


@jobs.periodic(minutes=1)
def resume_follow_ups(at_start: bool = False) -> int:
    """Queue again the follow-up of every publication that has none, once no job waits (or as a worker
    starts: a second follow-up finds it done); returns how many."""
    if not at_start and jobs.waiting_count() != 0:
        return 0  # the follow-up may be one of the jobs waiting
    editions = publication.not_followed_up()
    for edition_id in editions:
        jobs.enqueue(publication.follow_up_publication, edition_id)
    return len(editions)
