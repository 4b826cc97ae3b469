"""Publishing an edition with N certificates through the real queue and W real worker processes.

Run from the repository root, in `.venv`:

    python benchmarks/certificates.py --count 1000 --workers 2 [--queue redis://127.0.0.1:6379/14]

It builds, in a temporary folder, an edition in deliberation with N eligible applications (three of them
laureates, one applicant account each), then:

1. R: the organiser's publication request (POST, through the whole Flask stack with the test client, no
   network), which commits the results and queues the follow-up job;
2. S: starts `flask worker --workers W` and waits until all N certificates are issued (the follow-up job
   records them and queues the emails; one job per certificate renders and stores it), then stops it;
3. B: the median of plain single-certificate renders (`pdf.render_certificate`, WeasyPrint alone) of
   certificates of that edition, in this process, after the workers stopped.

The queue is a SQLite file in the temporary folder unless --queue gives a Redis URL. The last line is:
`issued: N certificates, W workers, S s; one render B ms; publication request R ms`
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def configure(folder: Path, queue: str | None) -> dict[str, str]:
    """The environment of this process and of the workers: everything under `folder`."""
    environment = {
        "PRIZEJURY_CONFIG": "development",
        "DATABASE_URL": f"sqlite:///{folder / 'prizejury.sqlite3'}",
        "JOBS_QUEUE_URL": queue or f"sqlite:///{folder / 'jobs.sqlite3'}",
        "CERTIFICATE_FOLDER": str(folder / "certificates"),
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "MAIL_BACKEND": "capture",  # emails are made and handed over, not printed
        "PUBLIC_BASE_URL": "https://prize.example.org",
    }
    os.environ.update(environment)
    return environment


def build(count: int) -> tuple[int, str]:
    """An edition in deliberation with `count` eligible applications and three laureates; its organiser."""
    from app.auth.passwords import hash_password
    from app.extensions import db
    from tests import factories

    edition = factories.edition(
        phase="deliberation", name_en="Benchmark Prize", ceremony_place_en="Strasbourg"
    )
    for number in range(1, count + 1):
        organisation = factories.organisation(name=f"Benchmark Municipality {number}", country="FR")
        application = factories.application(edition_=edition, organisation_=organisation, status="eligible")
        factories.user(
            role="applicant", password=None, organisation=organisation, email=f"contact{number}@example.org"
        )
        if number <= 3:
            factories.award(
                edition, organisation, number, application_id=application.id, citation_en="Bravo."
            )
    organiser = factories.organiser(email="organiser@example.org", password=None)
    organiser.password_hash = hash_password("benchmark-password")
    db.session.commit()
    return edition.id, organiser.email


def publish(app, edition_id: int, email: str) -> float:
    """The organiser's publication request; returns its duration in ms."""
    client = app.test_client()

    def token(url: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True))[1]

    client.post(
        "/login", data={"email": email, "password": "benchmark-password", "csrf_token": token("/login")}
    )
    page = f"/manage/editions/{edition_id}/publication"
    data = {"certificate_language": "both", "participation": "y", "csrf_token": token(page)}
    started = time.perf_counter()
    response = client.post(f"{page}/publish", data=data)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        raise SystemExit(f"the publication answered {response.status_code}")
    return elapsed


def issued_count() -> int:
    from sqlalchemy import func, select

    from app.certificates.enums import CertificateStatus
    from app.certificates.models import Certificate
    from app.extensions import db

    db.session.rollback()
    return db.session.scalar(
        select(func.count()).select_from(Certificate).where(Certificate.status == CertificateStatus.ISSUED)
    )


def run_workers(environment: dict[str, str], workers: int, count: int, timeout: float) -> float:
    """Start a worker, wait until `count` certificates are issued; returns the seconds it took."""
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", str(workers)],
        cwd=ROOT,
        env={**os.environ, **environment},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.perf_counter()
    try:
        while issued_count() < count:
            if process.poll() is not None:
                raise SystemExit("the worker stopped")
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"timed out with {issued_count()} of {count} certificates issued")
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def one_render_ms(renders: int) -> float:
    """The median of `renders` plain single-certificate renders of the edition's certificates."""
    from sqlalchemy import select

    from app.certificates.content import content_of
    from app.certificates.models import Certificate
    from app.certificates.pdf import render_certificate
    from app.extensions import db

    certificates = db.session.scalars(select(Certificate).order_by(Certificate.id).limit(renders + 1)).all()
    render_certificate(content_of(certificates[0]))  # warm-up: fonts and libraries loaded once
    times = []
    for certificate in certificates[1:]:
        content = content_of(certificate)
        started = time.perf_counter()
        render_certificate(content)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="certificates to issue (at least 4)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--queue", help="a Redis URL for the queue (default: a SQLite file)")
    parser.add_argument("--renders", type=int, default=15, help="single renders for B")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait for the workers")
    args = parser.parse_args()
    if args.count < 4:
        parser.error("--count must be at least 4 (three laureates and a participant)")

    folder = Path(tempfile.mkdtemp(prefix="prizejury-benchmark-"))
    try:
        environment = configure(folder, args.queue)
        from app import create_app
        from app.extensions import db

        app = create_app()
        with app.app_context():
            db.create_all()
            app.extensions["jobs"].huey.flush()  # a Redis queue may hold an earlier run's jobs
            print(f"building an edition with {args.count} applications in {folder} ...", flush=True)
            edition_id, email = build(args.count)
            request_ms = publish(app, edition_id, email)
            seconds = run_workers(environment, args.workers, args.count, args.timeout)
            render_ms = one_render_ms(min(args.renders, args.count - 1))
            per_certificate = seconds * args.workers / args.count * 1000
            print(
                f"per certificate per worker: {per_certificate:.0f} ms "
                f"= {per_certificate / render_ms:.2f} x one render",
                flush=True,
            )
            print(
                f"issued: {args.count} certificates, {args.workers} workers, {seconds:.1f} s; "
                f"one render {render_ms:.0f} ms; publication request {request_ms:.0f} ms"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
