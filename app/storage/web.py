"""Serving a stored file to someone a route has already let through.

``STORAGE_DOWNLOADS=app`` (the default): the app streams the file itself, in chunks, never whole in memory,
with the headers the route asks for (conditional on its ETag; ranges too for a local file).
``STORAGE_DOWNLOADS=presigned`` (S3 only): the route's permission check passed, the app answers with a
redirect to a URL of the store valid STORAGE_PRESIGNED_SECONDS seconds, which carries the file's type,
name and cache policy; the redirect itself is never cached. With the local backend files are always
streamed by the app.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, current_app, redirect, send_file
from werkzeug.datastructures import Headers

from app.storage import FileMissing, LocalArea, area

__all__ = ["FileMissing", "presigned", "presigning", "send_stored", "send_stream"]


def _disposition(download_name: str, as_attachment: bool) -> str:
    """The Content-Disposition Werkzeug's send_file writes: an ASCII fallback, the UTF-8 name (RFC 6266)."""
    try:
        download_name.encode("ascii")
        value = {"filename": download_name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode("ascii")
        value = {"filename": simple, "filename*": f"UTF-8''{quote(download_name, safe='!#$&+-.^_`|~')}"}
    headers = Headers()
    headers.set("Content-Disposition", "attachment" if as_attachment else "inline", **value)
    return headers["Content-Disposition"]


def presigning(area_name: str) -> bool:
    """Whether downloads from this area are presigned redirects (STORAGE_DOWNLOADS=presigned, S3)."""
    return current_app.config["STORAGE_DOWNLOADS"] == "presigned" and area(area_name).presigns


def presigned(
    area_name: str,
    key: str,
    *,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    cache_control: str = "private, no-cache",
) -> Response | None:
    """A redirect to a short-lived URL of the store, or None when downloads go through the app."""
    if not presigning(area_name):
        return None
    stored = area(area_name)
    url = stored.presigned_url(
        key,
        seconds=current_app.config["STORAGE_PRESIGNED_SECONDS"],
        content_type=mimetype,
        disposition=_disposition(download_name, as_attachment),
        cache_control=cache_control,
    )
    response = redirect(url, code=303)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def send_stream(
    stream: BinaryIO,
    *,
    size: int | None,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    etag: str | None = None,
    last_modified: datetime | None = None,
    cache_control: str = "private, no-cache",
) -> Response:
    """An open file (closed once sent) as the response, streamed in chunks."""
    response = send_file(
        stream,
        mimetype=mimetype,
        as_attachment=as_attachment,
        download_name=download_name,
        conditional=True,
        etag=etag if etag is not None else False,
        last_modified=last_modified,
        max_age=0,
    )
    if size is not None and response.status_code == 200:
        response.content_length = size
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = cache_control
    return response


def send_stored(
    area_name: str,
    key: str,
    *,
    mimetype: str,
    download_name: str,
    as_attachment: bool = True,
    etag: str | None = None,
    last_modified: datetime | None = None,
    cache_control: str = "private, no-cache",
) -> Response:
    """The stored file as the response (or a presigned redirect to it); raises FileMissing."""
    headers = {"mimetype": mimetype, "download_name": download_name, "as_attachment": as_attachment}
    stored = area(area_name)
    if presigning(area_name):
        if not stored.exists(key):
            raise FileMissing(key)
        return presigned(area_name, key, cache_control=cache_control, **headers)
    if isinstance(stored, LocalArea):
        path = stored.path(key)
        if not path.is_file():
            raise FileMissing(key)
        # A path: Werkzeug streams it, answers ranges, and may hand it to the server's sendfile.
        response = send_file(
            path,
            conditional=True,
            etag=etag if etag is not None else False,
            last_modified=last_modified,
            max_age=0,
            **headers,
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = cache_control
        return response
    stream, size = stored.open_sized(key)
    return send_stream(
        stream,
        size=size,
        etag=etag,
        last_modified=last_modified,
        cache_control=cache_control,
        **headers,
    )
