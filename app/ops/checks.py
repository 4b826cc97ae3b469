"""What `/readyz` checks, each a function that answers True (up) or raises / answers False (down).

`storage_is_writable` is the one place that knows where files are kept: today the three folders
(UPLOAD_FOLDER, CERTIFICATE_FOLDER, EXPORT_FOLDER); when file storage moves behind its own interface, this
function asks that interface instead and nothing else here changes.

`run_checks` runs the checks side by side, each in its own thread, and waits at most `timeout` seconds for
them: a check that has not answered by then is reported as `timeout`. A check still hanging from an earlier
probe is not started again (it is reported as `timeout` at once), so a dependency that hangs costs one thread
per check, not one per probe.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, wait

import redis
from flask import Flask
from sqlalchemy import text

from app import jobs, storage
from app.extensions import db

log = logging.getLogger(__name__)

OK, DOWN, TIMEOUT = "ok", "down", "timeout"


def storage_is_writable(app: Flask) -> bool:
    """Whether a file can be written, read and removed in each place of the file storage (app/storage/):
    each folder of the local backend, the one bucket of the S3 backend (three requests)."""
    with app.app_context():
        places = {}
        for name in storage.AREAS:
            places.setdefault(storage.area(name).place, storage.area(name))
        for area in places.values():
            key = f"readyz/{secrets.token_hex(8)}"
            area.put(key, b"ok")
            try:
                if not area.exists(key):
                    return False
            finally:
                area.delete(key)
    return True


def database_is_up(app: Flask) -> bool:
    with app.app_context():
        engine = db.engine
    with engine.connect() as connection:
        return connection.execute(text("SELECT 1")).scalar() == 1


def redis_is_up(app: Flask) -> bool:
    timeout = app.config["READINESS_TIMEOUT"]
    client = redis.Redis.from_url(
        app.config["REDIS_URL"], socket_connect_timeout=timeout, socket_timeout=timeout
    )
    try:
        return bool(client.ping())
    finally:
        client.close()


def queue_is_up(app: Flask) -> bool:
    return jobs.queue_is_reachable(app)


def checks_for(app: Flask) -> dict[str, Callable[[Flask], bool]]:
    """The checks this application's configuration calls for (Redis only when REDIS_URL is set)."""
    checks = {"database": database_is_up, "storage": storage_is_writable, "queue": queue_is_up}
    if app.config.get("REDIS_URL"):
        checks["redis"] = redis_is_up
    return checks


def run_checks(app: Flask, checks: dict[str, Callable[[Flask], bool]], timeout: float) -> dict[str, str]:
    """Each check's state: "ok", "down" or "timeout"."""
    running: dict[str, Future] = app.extensions.setdefault("readiness_checks", {})
    futures: dict[str, Future] = {}
    for name, check in checks.items():
        previous = running.get(name)
        if previous is not None and not previous.done():
            futures[name] = previous  # still hanging since an earlier probe: not started twice
            continue
        futures[name] = running[name] = _start(name, check, app)
    wait(futures.values(), timeout=timeout)
    return {name: _state(name, future) for name, future in futures.items()}


def _start(name: str, check: Callable[[Flask], bool], app: Flask) -> Future:
    future: Future = Future()

    def run() -> None:
        try:
            future.set_result(bool(check(app)))
        except Exception as error:  # a check that fails is a dependency down, never a 500
            future.set_exception(error)

    threading.Thread(target=run, name=f"readyz-{name}", daemon=True).start()
    return future


def _state(name: str, future: Future) -> str:
    if not future.done():
        log.warning("readiness: the %s check did not answer in time", name)
        return TIMEOUT
    error = future.exception()
    if error is not None:
        # For the operator's log only: the response never carries it (it may name a host or a user).
        log.warning("readiness: %s is down: %s: %s", name, type(error).__name__, error)
        return DOWN
    return OK if future.result() else DOWN
