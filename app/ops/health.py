"""`/healthz` and `/readyz`: the probes of a load balancer, a container orchestrator or a process manager.

- `/healthz`: the process answers (200, `{"status": "ok"}`). It touches nothing: no database, no session, no
  user, no language, no cookie; nothing a dependency's outage could slow down.
- `/readyz`: the process can serve (200), or which dependency it cannot reach (503): the database, Redis
  (when REDIS_URL is set), the file storage and the job queue, each given READINESS_TIMEOUT seconds
  (`checks.py`). The answer names the checks and their state only ("ok", "down", "timeout"): never an
  address, a user name or an error's text, which could carry them; the reason goes to the log.

Both are exempt from CSRF and rate limits, need no login and set no cookie; neither is a page (JSON).
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from app.extensions import csrf, limiter
from app.ops import checks

bp = Blueprint("ops", __name__)
csrf.exempt(bp)
limiter.exempt(bp)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


@bp.get("/readyz")
def readyz():
    app = current_app._get_current_object()
    states = checks.run_checks(app, checks.checks_for(app), timeout=app.config["READINESS_TIMEOUT"])
    ready = all(state == checks.OK for state in states.values())
    response = jsonify(status="ok" if ready else "down", checks=states)
    response.status_code = 200 if ready else 503
    return _no_store(response)
