"""The real thing: `flask worker` processes render the certificates from the real queue (a SQLite file by
default; Redis when TEST_REDIS_URL is set, as in CI), including after a worker is killed in mid-batch."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import create_app
from app.certificates.enums import CertificateStatus
from app.certificates.issue import issue_certificates
from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.extensions import db
from app.results import publication
from tests import factories
from tests.certificates.helpers import build_published, certificate_files, stored_bytes

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
LEASE = 2  # seconds: a claim older than this lost its worker


@pytest.fixture
def shared(tmp_path, _schema_ready):
    """An app whose database, queue and certificate folder a worker process can share."""
    database = POSTGRES_URL or f"sqlite:///{tmp_path / 'prizejury.sqlite3'}"
    queue = REDIS_URL or f"sqlite:///{tmp_path / 'jobs.sqlite3'}"
    settings = {
        "SQLALCHEMY_DATABASE_URI": database,
        "CERTIFICATE_FOLDER": str(tmp_path / "certificates"),
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "JOBS_QUEUE_URL": queue,
        "JOBS_EAGER": False,
        "CERTIFICATE_JOB_LEASE": LEASE,
    }
    app = create_app("testing", **settings)
    with app.app_context():
        if not POSTGRES_URL:
            db.create_all()
        app.extensions["jobs"].huey.flush()
        yield app
        app.extensions["jobs"].huey.flush()
        db.session.remove()
        if POSTGRES_URL:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


def start_worker(app, workers: int) -> subprocess.Popen:
    environment = {
        **os.environ,
        "PRIZEJURY_CONFIG": "development",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CERTIFICATE_FOLDER": app.config["CERTIFICATE_FOLDER"],
        "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "JOBS_QUEUE_URL": app.config["JOBS_QUEUE_URL"],
        "CERTIFICATE_JOB_LEASE": str(LEASE),
        "MAIL_BACKEND": "console",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", str(workers)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: killed whole, processes and all
    )


def stop(worker: subprocess.Popen, sig: int = signal.SIGINT) -> str:
    """Stop the worker (and every process of its group); returns the end of what it wrote to stderr."""
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        _, errors = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        _, errors = worker.communicate()
    if sig == signal.SIGKILL:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)  # the group's orphans, should the parent have gone first
    return errors.decode(errors="replace")[-2000:]


def counts() -> dict[str, int]:
    db.session.rollback()  # see what the workers committed
    rows = db.session.execute(select(Certificate.status, func.count()).group_by(Certificate.status)).all()
    return {str(status): count for status, count in rows}


def wait_for(condition, timeout: float = 90.0, worker: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker is not None and worker.poll() is not None:
            raise AssertionError(f"the worker stopped: {stop(worker)}")
        time.sleep(0.2)
    log = stop(worker) if worker is not None else ""
    raise AssertionError(f"timed out; certificates: {counts()}; the worker said: {log}")


def edition_with_participants(extra: int, **edition_fields):
    published = build_published(factories, **edition_fields)
    for number in range(extra):
        organisation = factories.organisation(name=f"Demo Municipality {number + 100}", country="FR")
        factories.application(edition_=published.edition, organisation_=organisation, status="eligible")
    db.session.commit()
    return published


def assert_all_issued_once(app, expected: int) -> None:
    certificates = db.session.scalars(select(Certificate)).all()
    assert len(certificates) == expected
    assert {c.status for c in certificates} == {CertificateStatus.ISSUED}
    for certificate in certificates:
        assert sha256_hex(stored_bytes(certificate)) == certificate.sha256
    # One file per certificate, nothing else beside them.
    assert certificate_files() == sorted(c.file_name for c in certificates)


def test_a_worker_does_what_the_publication_queued(shared):
    published = edition_with_participants(2, results_published_at=None)  # judging closed, awards recorded
    with shared.test_request_context():
        result = publication.publish_results(published.edition, participation=True)
    assert result.published and result.certificates == 6  # three laureates, three other eligible entries
    assert counts() == {}  # the follow-up job waits for a worker

    worker = start_worker(shared, workers=2)
    try:
        wait_for(lambda: counts().get("issued") == 6, worker=worker)
    finally:
        errors = stop(worker)

    assert worker.returncode == 0, errors
    assert_all_issued_once(shared, 6)
    assert publication.not_followed_up() == []


def test_a_worker_killed_in_mid_batch_loses_nothing_and_duplicates_nothing(shared):
    published = edition_with_participants(36)
    issued = issue_certificates(published.edition, participation=True)
    db.session.commit()
    total = len(issued)

    worker = start_worker(shared, workers=2)
    try:
        wait_for(lambda: counts().get("issued", 0) >= 3, worker=worker)
    finally:
        stop(worker, signal.SIGKILL)  # no goodbye: jobs in flight die with their processes
    done_when_killed = counts().get("issued", 0)
    assert done_when_killed < total, "the batch finished before the kill: make it larger"

    time.sleep(LEASE + 1)  # the dead worker's claims expire
    worker = start_worker(shared, workers=2)
    try:
        wait_for(lambda: counts().get("issued") == total, worker=worker)
    finally:
        stop(worker)

    assert_all_issued_once(shared, total)
