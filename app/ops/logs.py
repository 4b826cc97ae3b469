"""Log records as JSON lines (production) or text (development), each with its request's id; one line per
request.

`LOG_FORMAT` chooses: `json` (ProductionConfig's default) writes every record, the application's, the jobs'
and the libraries', as one JSON object per line on standard error, formatted by python-json-logger; `text`
writes the same in words. Inside a request each record carries `request_id`: the `X-Request-ID` header the
request came with when it is a sane token (a reverse proxy's id, so its log and ours can be matched), else a
new one; the response returns it in the same header.

One line per request (logger `prizejury.requests`): `route` (the URL rule, `/editions/<slug>`, never the
address with its values or query string), `endpoint`, `method`, `status`, `duration_ms` and `user_id`
(null for a visitor, or when the request never looked at who was signed in). Nothing else about the person:
no email, no IP address (the reverse proxy's log has those, kept under its own rules), no query string.

The user id is noted by the user loader (`noting_user`, wrapped around it in `app/__init__.py`) and on login,
so that logging never loads a user a request did not need (`/healthz` stays free of the database).
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any, TextIO

from flask import Flask, Response, has_request_context, request, request_started
from flask.logging import default_handler
from flask_login import user_logged_in
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and . _ : - only: an id a proxy made (a UUID, a hex digest) passes; anything that could
# forge a log line or carry a person's data does not, and is replaced by a new id.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

# Kept in the request's WSGI environ, which lives exactly as long as the request.
_ID = "prizejury.request_id"
_START = "prizejury.request_start"
_USER = "prizejury.user_id"

request_log = logging.getLogger("prizejury.requests")


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's, else `missing`."""

    def __init__(self, missing: str | None):
        super().__init__()
        self.missing = missing

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or self.missing
        return True


class OpsHandler(logging.StreamHandler):
    """The root logger's handler installed by `install` (a second application replaces it, never doubles)."""


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
    return logging.Formatter(TEXT_FORMAT)


def check_format(app: Flask) -> None:
    if app.config["LOG_FORMAT"] not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {app.config['LOG_FORMAT']!r}")


def install(app: Flask, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record of this process through one handler in the configured format (replacing the
    one an earlier application of this process installed)."""
    check_format(app)
    log_format = app.config["LOG_FORMAT"]
    handler = OpsHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter(None if log_format == "json" else "-"))
    root = logging.getLogger()
    for previous in [h for h in root.handlers if isinstance(h, OpsHandler)]:
        root.removeHandler(previous)
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    # Flask's own handler would write the application's records a second time, as text.
    app.logger.removeHandler(default_handler)
    return handler


def init_app(app: Flask) -> None:
    request_started.connect(_note_start, app)
    user_logged_in.connect(_note_login, app)
    app.after_request(_log_request)
    check_format(app)
    root = logging.getLogger()
    # As logging.basicConfig does, leave alone a process whose logging is already set up (by a test runner,
    # or by a server's own configuration); the tests install a handler of their own to read the lines.
    if not app.testing and all(isinstance(h, OpsHandler) for h in root.handlers):
        install(app)


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    return request.environ.get(_ID)


def current_user_id() -> int | None:
    """The id of the user the current request acted as, when it loaded one (never loads it)."""
    if not has_request_context():
        return None
    return request.environ.get(_USER)


def noting_user(loader: Callable[[str], Any]) -> Callable[[str], Any]:
    """Wrap Flask-Login's user loader so that the request's log line has the id of the user it loaded."""

    @functools.wraps(loader)
    def load(user_id: str) -> Any:
        user = loader(user_id)
        if user is not None and has_request_context():
            request.environ[_USER] = getattr(user, "id", None)
        return user

    return load


def _note_start(sender: Flask, **_extra: Any) -> None:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request.environ[_ID] = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    request.environ[_START] = time.perf_counter()


def _note_login(sender: Flask, user: Any, **_extra: Any) -> None:
    if has_request_context():
        request.environ[_USER] = getattr(user, "id", None)


def _log_request(response: Response) -> Response:
    request_id = request.environ.setdefault(_ID, uuid.uuid4().hex)
    response.headers[REQUEST_ID_HEADER] = request_id
    started = request.environ.get(_START)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    route = request.url_rule.rule if request.url_rule is not None else None
    request_log.info(
        "%s %s %s %sms",
        request.method,
        route or "(no route)",
        response.status_code,
        duration_ms,
        extra={
            "route": route,
            "endpoint": request.endpoint,
            "method": request.method,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": current_user_id(),
        },
    )
    return response
