"""Removing stored files no row points at: what crashes leave behind (see ``transaction.py``).

Each domain says which keys of an area are its rows' with ``@owns("area")`` on a function returning them
(``Certificate.file_name``, ``Attachment.stored_name``, ``PreparedFile.file_name``). Every hour the workers'
scheduler removes from each owned area the files no owner names that are older than STORAGE_ORPHAN_HOURS
(a file younger than that may belong to a transaction still running), and what writes that died left
(local temporary files, S3 multipart uploads never completed). An area nobody owns is never swept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from flask import current_app

from app import jobs
from app.db import utcnow
from app.storage import area as storage_area

log = logging.getLogger(__name__)

_OWNERS: dict[str, list[Callable[[], Iterable[str]]]] = {}


def owns(area: str) -> Callable:
    """Declare a function returning the keys of `area` that rows point at."""

    def declare(fn: Callable[[], Iterable[str]]) -> Callable[[], Iterable[str]]:
        owners = _OWNERS.setdefault(area, [])
        if all(f"{f.__module__}.{f.__qualname__}" != f"{fn.__module__}.{fn.__qualname__}" for f in owners):
            owners.append(fn)
        return fn

    return declare


def orphans(area: str, now: datetime | None = None) -> list[str]:
    """The keys of `area` no owner names, stored before the grace period; [] for an area nobody owns."""
    owners = _OWNERS.get(area)
    if not owners:
        return []
    limit = (now or utcnow()) - timedelta(hours=current_app.config["STORAGE_ORPHAN_HOURS"])
    # Listed before the rows are read: a file written and committed in between is then named by its row.
    old = [entry.key for entry in storage_area(area).entries() if entry.modified < limit]
    named: set[str] = set()
    for owner in owners:
        named.update(key for key in owner() if key)
    return [key for key in old if key not in named]


@jobs.periodic(minutes=60)
def sweep_stored_files(at_start: bool = False, now: datetime | None = None) -> int:
    """Remove the orphans of every owned area and the remains of dead writes; returns how many files."""
    now = now or utcnow()
    removed = 0
    for area in sorted(_OWNERS):
        stored = storage_area(area)
        for key in orphans(area, now):
            stored.delete(key)
            removed += 1
            log.info("removed %s/%s: no record points at it", area, key)
        limit = now - timedelta(hours=current_app.config["STORAGE_ORPHAN_HOURS"])
        removed += stored.remove_unfinished(before=limit)
    return removed
