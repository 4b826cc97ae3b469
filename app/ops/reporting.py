"""Unhandled errors sent to Sentry when SENTRY_DSN is set: the site's requests and the workers' jobs.

`init_app` runs in every process that builds the application, so `flask worker` (and the worker processes
it forks) reports a job that raises (sentry-sdk's Huey integration), and gunicorn's workers report a request
that ends in a 500 (its Flask integration). Without SENTRY_DSN nothing is initialised and nothing is sent.

No personal data leaves: sentry-sdk's default of sending none (`send_default_pii` unset, which is False: no
cookies, no IP address, no user but its id), no local variables of the stack frames (they hold forms,
emails, passwords), no request body, no query string, only a few harmless headers, and the request's URL
is replaced by its rule (`/reset/<token>`: a path can carry an emailed token). Each event carries the
request id of the log line (`request_id` tag), so an operator goes from one to the other.
SENTRY_ENVIRONMENT (default: the configuration's name) and SENTRY_RELEASE tag it.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from flask import Flask, has_request_context, request
from sentry_sdk.integrations.flask import FlaskIntegration
from sentry_sdk.integrations.huey import HueyIntegration

from app.ops import logs

# The only request headers an event keeps (the SDK already drops cookies and forwarding addresses; this
# drops the rest, the referrer, which may be a URL with a token, among them).
KEPT_HEADERS = frozenset({"host", "user-agent", "content-type", "content-length", "x-request-id"})


def init_app(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT") or app.config["CONFIG_NAME"],
        release=app.config.get("SENTRY_RELEASE") or None,
        integrations=[FlaskIntegration(), HueyIntegration()],
        # send_default_pii is left unset, which is False: sentry-sdk 2.75 deprecates passing it (its
        # successor, data_collection, would switch off the SDK's own scrubbing of passwords and tokens).
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub,
        # Extra options for sentry_sdk.init, from code only (the tests pass a transport).
        **app.config.get("SENTRY_OPTIONS", {}),
    )


def scrub(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """The event without what could identify a person, with the request's id and user id."""
    event.pop("user", None)
    details = event.get("request")
    if details is not None:
        for key in ("cookies", "data", "query_string", "env"):
            details.pop(key, None)
        headers = details.get("headers") or {}
        details["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    if has_request_context():
        if details is not None:
            rule = request.url_rule.rule if request.url_rule is not None else ""
            details["url"] = request.host_url.rstrip("/") + rule
        event.setdefault("tags", {})["request_id"] = logs.current_request_id()
        user_id = logs.current_user_id()
        if user_id is not None:
            event["user"] = {"id": str(user_id)}
    return event
