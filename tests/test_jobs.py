"""app/jobs.py: which queue a URL means, and jobs handed over only when the transaction commits."""

from __future__ import annotations

import pytest
from huey.storage import RedisStorage, SqliteStorage

from app import jobs
from app.audit.models import AuditEvent
from app.extensions import db

RAN: list[int] = []


@jobs.job()
def remember(number: int) -> None:
    """A job for these tests (declared at import, so every app built afterwards has it)."""
    RAN.append(number)


@pytest.fixture(autouse=True)
def _forget():
    RAN.clear()


def test_storage_for_redis_and_sqlite(tmp_path):
    assert jobs.storage_for("redis://queue.example:6379/1") == (
        RedisStorage,
        {"url": "redis://queue.example:6379/1"},
    )
    path = tmp_path / "sub" / "jobs.sqlite3"
    assert jobs.storage_for(f"sqlite:///{path}") == (SqliteStorage, {"filename": str(path)})
    assert path.parent.is_dir()
    with pytest.raises(ValueError, match="JOBS_QUEUE_URL"):
        jobs.storage_for("amqp://guest@localhost")


def test_a_job_leaves_only_when_the_transaction_commits(app):
    db.session.add(AuditEvent(action="test.one", object_type="test", object_id="1"))
    jobs.after_commit(remember, 1)
    assert RAN == []

    db.session.commit()

    assert RAN == [1]


def test_a_rolled_back_transaction_queues_nothing(app):
    jobs.after_commit(remember, 2)

    db.session.rollback()
    db.session.commit()

    assert RAN == []


def test_only_declared_jobs_can_be_queued(app):
    def stray(number):
        return number

    with pytest.raises(KeyError):
        jobs.after_commit(stray, 3)


def test_the_worker_refuses_to_run_where_jobs_run_eagerly(app):
    with pytest.raises(RuntimeError, match="JOBS_EAGER"):
        jobs.run_worker(app, workers=1)


def test_every_periodic_job_runs_as_a_worker_starts(app):
    """A starting worker runs each periodic job with at_start=True (jobs.run_worker): each must take it."""
    periodic = jobs.periodic_jobs()
    assert len(periodic) >= 4

    for fn in periodic:
        assert isinstance(fn(True), int), fn
