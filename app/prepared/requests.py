"""Asking for a prepared file: record it and queue its job, or give back the same file already asked for."""

from __future__ import annotations

from typing import Any

from app import jobs
from app.extensions import db
from app.prepared.enums import PreparedKind
from app.prepared.jobs import prepare_file
from app.prepared.kinds import maker_of
from app.prepared.models import PreparedFile
from app.prepared.queries import reusable_file


def request_file(
    kind: PreparedKind,
    edition_id: int | None,
    *,
    parameters: dict[str, Any],
    download_name: str,
    user_id: int | None,
    again: bool = False,
) -> tuple[PreparedFile, bool]:
    """The file of `kind` for the edition with these parameters, and whether it is a new request (edition
    None: a file about no edition, whose parameters say what it is about).

    Idempotent: a file of the same kind, edition and parameters that is being prepared, or ready and still
    current (its source stamp is today's), is given back instead of making another. `again` asks for a
    fresh file even when a current one is ready (not while one is being prepared: it would be the same).
    The job is queued once the caller's transaction commits.
    """
    stamp = maker_of(kind).stamp(edition_id, parameters)
    existing = reusable_file(kind, edition_id, parameters, stamp)
    if existing is not None and (existing.status == "pending" or not again):
        return existing, False
    prepared = PreparedFile(
        kind=kind,
        edition_id=edition_id,
        parameters=parameters,
        download_name=download_name,
        requested_by_id=user_id,
    )
    db.session.add(prepared)
    db.session.flush()
    jobs.after_commit(prepare_file, prepared.id)
    return prepared, True
