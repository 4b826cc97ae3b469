"""Background jobs: work that leaves the request, run by worker processes through a Huey queue.

A domain declares a job with ``@jobs.job()`` on a plain function taking ids (never ORM objects: a job runs
later, in another process, inside its own application context and session), and hands it work with
``jobs.after_commit(fn, *ids)``: the job is queued only once the current transaction commits, so a worker
never looks for a row that is not there yet, and nothing is queued for a change that was rolled back.
``@jobs.periodic(minutes=n)`` runs a function every n minutes on the workers' scheduler.

The queue is chosen by ``JOBS_QUEUE_URL``: ``redis://...`` in production (any number of workers on any
number of machines, each started with ``flask --app wsgi worker``), ``sqlite:///path`` for the embedded
default (a file under ``instance/``: no server to start; ``make run`` starts a worker beside the web
server). ``JOBS_EAGER`` runs each job at once in the process that queued it (the tests).

The queue carries only ids; what the work is and how far it got lives in the database. A job must be
idempotent, and each domain that queues work also says how to find work that was never queued (the queue
was down) or whose worker died: a periodic job puts it back in the queue (see ``certificates/jobs.py``).
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app
from huey import Huey, crontab
from huey.storage import RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

_PENDING = "pending_jobs"


class QueueUnavailable(RuntimeError):
    """The job queue could not be reached (Redis down): the work waits in the database."""


@dataclass(frozen=True)
class _Declared:
    fn: Callable[..., Any]
    retries: int = 0
    retry_delay: int = 0
    every_minutes: int | None = None


_DECLARED: dict[str, _Declared] = {}


def _name(fn: Callable[..., Any]) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def job(*, retries: int = 0, retry_delay: int = 0) -> Callable:
    """Declare a background job (registered on each application's queue by ``init_app``)."""

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        _DECLARED[_name(fn)] = _Declared(fn, retries=retries, retry_delay=retry_delay)
        return fn

    return declare


def periodic(*, minutes: int = 1) -> Callable:
    """Declare a job the workers' scheduler runs every ``minutes`` minutes.

    It takes one optional argument, ``at_start``: true when a worker runs it as it starts.
    """

    def declare(fn: Callable[..., Any]) -> Callable[..., Any]:
        _DECLARED[_name(fn)] = _Declared(fn, every_minutes=minutes)
        return fn

    return declare


def periodic_jobs() -> list[Callable[..., Any]]:
    """The functions declared with ``@periodic``."""
    return [declared.fn for declared in _DECLARED.values() if declared.every_minutes is not None]


@dataclass
class Queue:
    """One application's queue: its Huey instance and the task for each declared job."""

    huey: Huey
    eager: bool
    tasks: dict[str, Any] = field(default_factory=dict)


def storage_for(url: str) -> tuple[type, dict[str, Any]]:
    """Huey's storage class and its arguments for JOBS_QUEUE_URL."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss", "unix"):
        return RedisStorage, {"url": url}
    if parts.scheme == "sqlite":
        path = Path(unquote(parts.path[1:] if parts.path.startswith("//") else parts.path))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": str(path)}
    raise ValueError(f"JOBS_QUEUE_URL must start with redis:// or sqlite:///, not {url!r}")


def init_app(app: Flask) -> None:
    """Build the application's queue and register every declared job on it, bound to this application."""
    storage_class, storage_options = storage_for(app.config["JOBS_QUEUE_URL"])
    huey = Huey(
        "prizejury",
        results=False,
        immediate=bool(app.config["JOBS_EAGER"]),
        storage_class=storage_class,
        **storage_options,
    )
    queue = Queue(huey=huey, eager=bool(app.config["JOBS_EAGER"]))
    for name, declared in _DECLARED.items():
        run = _in_app_context(app, declared.fn)
        if declared.every_minutes is None:
            task = huey.task(
                retries=declared.retries, retry_delay=declared.retry_delay, name=declared.fn.__qualname__
            )(run)
        else:
            every = crontab(minute=f"*/{declared.every_minutes}")
            task = huey.periodic_task(every, name=declared.fn.__qualname__)(run)
        queue.tasks[name] = task

    @huey.on_startup()
    def _fresh_connections() -> None:
        # Worker processes are forked from the command's process: each opens its own database connections.
        with app.app_context():
            db.engine.dispose(close=False)

    app.extensions["jobs"] = queue


def _in_app_context(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        # sentry-sdk's Huey integration adds its trace headers to each task it queues and takes them back
        # where it runs the task; a worker without SENTRY_DSN would hand them to the job: dropped here.
        kwargs.pop("sentry_headers", None)
        # A fresh application context: its own session, so a job never shares the queuing request's.
        with app.app_context():
            return fn(*args, **kwargs)

    return run


def queue_of(app: Flask | None = None) -> Queue:
    return (app or current_app).extensions["jobs"]


def enqueue(fn: Callable[..., Any], *args: Any) -> None:
    """Queue ``fn(*args)`` now (use ``after_commit`` when the job reads what this transaction writes).

    Raises QueueUnavailable when the queue cannot be reached.
    """
    task = queue_of().tasks[_name(fn)]
    try:
        task(*args)
    except Exception as error:
        if queue_of().eager:
            raise
        log.warning("could not queue %s%r: %s", _name(fn), args, error)
        raise QueueUnavailable(str(error)) from error


def after_commit(fn: Callable[..., Any], *args: Any) -> None:
    """Queue ``fn(*args)`` once the current transaction commits; forgotten if it rolls back."""
    if _name(fn) not in _DECLARED:
        raise KeyError(f"{_name(fn)} is not a declared job")
    session = db.session()
    if session.get_transaction() is None:
        session.begin()  # so that a rollback before any write still forgets the job
    session.info.setdefault(_PENDING, []).append((fn, args))


@event.listens_for(Session, "after_commit")
def _queue_on_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending:
        # A job may run at once (eager): outside this commit, once the session has let its connection go.
        session.info.setdefault("jobs_ready", []).extend(pending)


@event.listens_for(Session, "after_transaction_end")
def _queue_when_done(session: Session, transaction) -> None:
    if transaction.parent is not None or "jobs_ready" not in session.info:
        return
    for fn, args in session.info.pop("jobs_ready"):
        # When the queue cannot be reached (logged), the work waits in the database: the sweep queues it.
        with contextlib.suppress(QueueUnavailable):
            enqueue(fn, *args)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def queue_is_reachable(app: Flask | None = None) -> bool:
    """Whether the workers' queue answers now (always true when jobs run eagerly)."""
    queue = queue_of(app)
    if queue.eager:
        return True
    try:
        queue.huey.pending_count()
    except Exception:
        return False
    return True


def waiting_count(app: Flask | None = None) -> int | None:
    """How many jobs wait in the queue; None when it cannot be reached."""
    queue = queue_of(app)
    try:
        return queue.huey.pending_count() + queue.huey.scheduled_count()
    except Exception:
        return None


def run_worker(app: Flask, *, workers: int, scheduler: bool = True) -> None:
    """Run a worker with ``workers`` processes until interrupted (SIGINT finishes the jobs running)."""
    queue = queue_of(app)
    if queue.eager:
        raise RuntimeError("JOBS_EAGER is set: jobs run where they are queued, there is nothing to work on")
    if scheduler:
        # What was lost while no worker ran (a killed worker's jobs, the queue down) is taken up at once:
        # each periodic job runs now with `at_start=True` (a job a dead worker had taken from the queue is
        # in no list; at start it may be queued twice, and the second finds nothing to do).
        for name, declared in _DECLARED.items():
            if declared.every_minutes is not None:
                queue.tasks[name](True)
    consumer = queue.huey.create_consumer(
        workers=workers,
        worker_type="process",
        periodic=scheduler,
        initial_delay=0.05,
        max_delay=0.5,  # an idle worker looks at the queue at least twice a second
        check_worker_health=True,
    )
    consumer.run()
