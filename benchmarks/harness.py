"""What the benchmarks share: an installation in a temporary folder, signing in, timing, a process's memory.

Not a benchmark itself. The scripts beside it import it (`python benchmarks/NAME.py` puts this folder first
on `sys.path`).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def configure(folder: Path, database_url: str | None = None, redis_url: str | None = None) -> dict[str, str]:
    """The environment of this process and of any server it starts: everything under `folder`.

    The database is a SQLite file in `folder` unless `database_url` names another (PostgreSQL); the shared
    cache is Redis when `redis_url` is given, else each process's own memory. Log lines are warnings only:
    one line per request would be part of what is measured."""
    environment = {
        "PRIZEJURY_CONFIG": "development",
        "DATABASE_URL": database_url or f"sqlite:///{folder / 'prizejury.sqlite3'}",
        "JOBS_QUEUE_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
        "CERTIFICATE_FOLDER": str(folder / "certificates"),
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "EXPORT_FOLDER": str(folder / "exports"),
        "MAIL_BACKEND": "capture",
        "PUBLIC_BASE_URL": "https://prize.example.org",
        "LOG_LEVEL": "WARNING",
    }
    if redis_url:
        environment["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    os.environ.update(environment)
    return environment


def settings_from_environment() -> dict[str, object]:
    """What `configure` put in the environment, as settings: config.py reads the environment once, when it
    is first imported, so a second installation in the same process must say its own."""
    environment = os.environ
    redis_url = environment.get("REDIS_URL") or None
    return {
        "SQLALCHEMY_DATABASE_URI": environment["DATABASE_URL"],
        "JOBS_QUEUE_URL": environment["JOBS_QUEUE_URL"],
        "CERTIFICATE_FOLDER": environment["CERTIFICATE_FOLDER"],
        "UPLOAD_FOLDER": environment["UPLOAD_FOLDER"],
        "EXPORT_FOLDER": environment["EXPORT_FOLDER"],
        "MAIL_BACKEND": environment["MAIL_BACKEND"],
        "PUBLIC_BASE_URL": environment["PUBLIC_BASE_URL"],
        "LOG_LEVEL": environment.get("LOG_LEVEL", "INFO"),
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": False,
    }


def make_app(fresh_schema: bool = True):
    """The app on the installation `configure` described, with its tables created (an existing table is an
    error: the benchmark wants an empty database, and drops what it made at the end with `drop_schema`)."""
    from sqlalchemy import inspect

    from app import create_app
    from app.extensions import db

    app = create_app(**settings_from_environment())
    if fresh_schema:
        with app.app_context():
            existing = inspect(db.engine).get_table_names()
            if existing:
                raise SystemExit(f"the database is not empty ({len(existing)} tables): give an empty one")
            db.create_all()
    return app


def drop_schema(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def csrf_token(client, url: str) -> str:
    match = CSRF_INPUT.search(client.get(url).get_data(as_text=True))
    if not match:
        raise SystemExit(f"no CSRF token in {url}")
    return match.group(1)


def sign_in(client, email: str) -> None:
    """Sign in through the real form, as a browser does."""
    from large_edition import PASSWORD

    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/login")}
    )
    if response.status_code != 302:
        raise SystemExit(f"signing in as {email} answered {response.status_code}")


def timed_ms(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


def median_ms(action: Callable[[], object], runs: int) -> float:
    return statistics.median(timed_ms(action)[0] for _ in range(runs))


def rss_mb() -> float:
    """This process's resident memory (VmRSS, Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS in /proc/self/status (Linux only)")


def database_label(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


def table(headers: list[str], rows: list[list[object]]) -> str:
    """A Markdown table, so that a run's output pastes into docs/benchmarks.md."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
