"""Throughput and latency of the public pages, the results API and a juror's dashboard under gunicorn.

Run from the repository root, in `.venv`:

    python benchmarks/http_load.py [--seconds 20] [--connections 16] [--workers 2]
                                   [--entries 1000 --jurors 30]
                                   [--redis redis://127.0.0.1:6379/10]
                                   [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB]

(Not `http.py`: a module of that name in this folder would hide the standard library's `http` package from
every script run here and from anyone who puts this folder on `sys.path` to import large_edition.)

It builds the large edition, published (benchmarks/large_edition.py: three prizes and a special mention),
in a SQLite file of a temporary folder (or the empty database --database-url names; its tables are dropped
at the end), then starts gunicorn as production runs it (`PRIZEJURY_CONFIG=production`, a random
SECRET_KEY, the shared cache and the rate limits on the Redis database --redis names; `--workers` sync
workers, its log lines written to a file) on a free local port. A juror signs in through the real form
over HTTP; their session cookie is sent with the dashboard's requests.

For each URL, in turn: --connections threads (urllib3's connection pool, one request at a time each) ask
for the URL as fast as they are answered for --seconds seconds, after a warm-up of one request per
connection. Printed: requests per second, its ratio to the static file's (the app's own favicon, served by
the same workers in the same run: the baseline), the median and 99th percentile latency, and any answer
that was not a 200. The load generator runs on the same machine as the server and shares its cores.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import harness
import urllib3

CSRF_INPUT = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(environment: dict[str, str], workers: int, port: int, folder: Path) -> subprocess.Popen:
    log = open(folder / "gunicorn.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"],
        cwd=harness.ROOT,
        env={**os.environ, **environment},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    process.log = log
    pool = urllib3.HTTPConnectionPool("127.0.0.1", port, retries=False, timeout=5)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {folder / 'gunicorn.log'}")
        try:
            if pool.request("GET", "/healthz").status == 200:
                return process
        except urllib3.exceptions.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    process.log.close()


def cookies_of(response, jar: dict[str, str]) -> dict[str, str]:
    for header in response.headers.getlist("Set-Cookie"):
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def juror_cookie(pool: urllib3.HTTPConnectionPool, email: str) -> str:
    """Sign in through the real form, over HTTP; the Cookie header that carries the session."""
    from large_edition import PASSWORD

    form = pool.request("GET", "/login")
    jar = cookies_of(form, {})
    token = CSRF_INPUT.search(form.data)
    if not token:
        raise SystemExit("no CSRF token in /login")
    answer = pool.request(
        "POST",
        "/login",
        body=urlencode({"email": email, "password": PASSWORD, "csrf_token": token.group(1).decode()}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)},
        redirect=False,
    )
    if answer.status != 302:
        raise SystemExit(f"signing in as {email} answered {answer.status}")
    return cookie_header(cookies_of(answer, jar))


def load(pool: urllib3.HTTPConnectionPool, url: str, headers: dict, connections: int, seconds: float) -> dict:
    """`connections` threads asking for `url` until `seconds` have passed; what they measured."""
    latencies: list[float] = []
    failures: dict[int, int] = {}
    lock = threading.Lock()

    def one() -> tuple[float, int]:
        started = time.perf_counter()
        status = pool.request("GET", url, headers=headers, redirect=False).status
        return time.perf_counter() - started, status

    def worker(deadline: float) -> None:
        mine, statuses = [], []
        while time.perf_counter() < deadline:
            latency, status = one()
            mine.append(latency)
            statuses.append(status)
        with lock:
            latencies.extend(mine)
            for status in statuses:
                if status != 200:
                    failures[status] = failures.get(status, 0) + 1

    with ThreadPoolExecutor(connections) as threads:
        list(threads.map(lambda _: one(), range(connections)))  # warm-up
        started = time.perf_counter()
        deadline = started + seconds
        for future in [threads.submit(worker, deadline) for _ in range(connections)]:
            future.result()
        elapsed = time.perf_counter() - started
    percentiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": percentiles[98] * 1000,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="of load per URL (default 20)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's workers")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--jurors", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/10", help="the shared cache and rate limits"
    )
    parser.add_argument("--database-url", help="an empty database (default: a SQLite file)")
    args = parser.parse_args()
    if args.entries < 4:
        parser.error("at least 4 entries (three prizes and a special mention)")

    folder = Path(tempfile.mkdtemp(prefix="prizejury-benchmark-"))
    try:
        environment = harness.configure(folder, args.database_url, args.redis)
        app = harness.make_app()
        try:
            run(app, environment, folder, args)
        finally:
            if args.database_url:
                harness.drop_schema(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(app, environment: dict[str, str], folder: Path, args) -> None:
    import large_edition

    from app.contests.models import Edition
    from app.extensions import db

    with app.app_context():
        print(f"building {args.entries} entries x {args.jurors} jurors x {args.criteria} criteria, published")
        edition_id = large_edition.build(
            args.entries, args.jurors, args.criteria, seed=args.seed, published=True
        )
        slug = db.session.get(Edition, edition_id).slug
        juror = large_edition.people(edition_id)["jurors"][-1]
        db.session.remove()
        db.engine.dispose()  # the server's processes have the database to themselves
    production = {**environment, "PRIZEJURY_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32)}
    production.pop("LOG_LEVEL")  # as production logs: a line per request
    port = free_port()
    server = start_gunicorn(production, args.workers, port, folder)
    try:
        pool = urllib3.HTTPConnectionPool(
            "127.0.0.1", port, maxsize=args.connections, block=True, retries=False, timeout=120
        )
        juror_headers = {"Cookie": juror_cookie(pool, juror)}
        urls = [
            ("static file (favicon)", "/static/favicon.svg", {}),
            ("public results", f"/editions/{slug}/results", {}),
            ("edition page", f"/editions/{slug}", {}),
            ("results API", f"/api/editions/{slug}/results", {}),
            ("juror's dashboard", "/jury", juror_headers),
        ]
        results = []
        for name, url, headers in urls:
            print(f"{name}: {url} for {args.seconds:g} s ...", flush=True)
            results.append((name, load(pool, url, headers, args.connections, args.seconds)))
    finally:
        stop(server)
    baseline = results[0][1]["per_second"]
    database = harness.database_label(environment["DATABASE_URL"])
    print()
    print(
        f"gunicorn, {args.workers} workers, {args.connections} connections, {args.seconds:g} s a URL, "
        f"{database}, {args.entries} x {args.jurors}"
    )
    print(
        harness.table(
            ["URL", "requests/s", "of the static file", "p50", "p99", "not 200"],
            [
                [
                    name,
                    f"{result['per_second']:,.1f}",
                    f"{result['per_second'] / baseline:.0%}",
                    f"{result['p50_ms']:,.0f} ms",
                    f"{result['p99_ms']:,.0f} ms",
                    ", ".join(f"{count} x {status}" for status, count in result["failures"].items()) or "-",
                ]
                for name, result in results
            ],
        )
    )


if __name__ == "__main__":
    main()
