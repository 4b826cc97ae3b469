"""Serving a prepared file: the stored file as it is, to whoever the route let through."""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _

from app.prepared import storage
from app.prepared.enums import PreparedStatus
from app.prepared.kinds import maker_of
from app.prepared.models import PreparedFile
from app.storage import web as storage_web
from app.web import DomainError


def requested_message(prepared: PreparedFile, new: bool) -> str:
    """What the organiser is told once they asked for a file."""
    if new:
        return _("The file is being prepared: it will be offered for download here once ready.")
    if prepared.status == PreparedStatus.PENDING:
        return _("This file is already being prepared.")
    return _("This file is ready and nothing has changed since it was prepared: download it below.")


class FileUnavailable(DomainError):
    """The file is not ready, or no longer stored (removed after PREPARED_FILE_DAYS days)."""


def send_prepared(prepared: PreparedFile) -> Response:
    """The stored file, streamed (or a presigned redirect to it), with its name and type; conditional
    (ETag: its SHA-256), never cached by anything but the user's own browser."""
    if not prepared.is_ready:
        raise FileUnavailable(_("This file is not ready: it is being prepared or could not be made."))
    try:
        return storage_web.send_stored(
            storage.AREA,
            storage.key_of(prepared.file_name),
            mimetype=maker_of(prepared.kind).mimetype,
            as_attachment=True,
            download_name=prepared.download_name,
            etag=prepared.sha256,
            last_modified=prepared.ready_at,
        )
    except (storage_web.FileMissing, ValueError):
        raise FileUnavailable(_("This file is no longer stored: prepare it again.")) from None
