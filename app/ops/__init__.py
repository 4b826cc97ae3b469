"""What the people who run the site need from it: health probes, one log line per request, error reports.

Infrastructure: it imports no domain. `init_app` wires it into an application (`app/__init__.py`):

- `health.py`: `/healthz` (the process answers) and `/readyz` (its database, Redis, file storage and job queue
  answer), for a load balancer or a process manager; `checks.py` holds what each check does.
- `logs.py`: log records as JSON lines in production (`LOG_FORMAT`), text in development, each with the id of
  the request it belongs to; one line per request (route, method, status, duration, user id).
- `reporting.py`: unhandled errors of the site and of the workers' jobs sent to Sentry when `SENTRY_DSN` is
  set, without personal data.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    from app.ops import health, logs, reporting

    logs.init_app(app)
    reporting.init_app(app)
    app.register_blueprint(health.bp)
