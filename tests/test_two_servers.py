"""Two app servers, as docs/deploy.md runs them: two gunicorn instances on different ports sharing one
PostgreSQL, one Redis (rate limits and the job queue) and one S3-compatible store (moto's server), with a
`flask worker` beside them, all in the production configuration.

Runs in CI's PostgreSQL pass (TEST_MIGRATION_DATABASE_URL names a database of its own, TEST_REDIS_URL the
Redis); skipped elsewhere, since it needs both servers.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import create_engine, text

from app.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("TEST_MIGRATION_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
BUCKET = "prizejury-two-servers"
ORGANISER = "organiser@demo.test"
APPLICANT = "demo-region-5@demo.test"  # has a draft in the open edition
JUROR = "juror1@demo.test"  # the one whose password an attacker guesses
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

pytestmark = pytest.mark.skipif(
    not (DATABASE_URL.startswith("postgresql") and REDIS_URL),
    reason="needs PostgreSQL and Redis (as in CI: TEST_MIGRATION_DATABASE_URL and TEST_REDIS_URL)",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Browser:
    """A browser's cookie jar, used against any of the servers (the cookie is Secure: sent by hand)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, base: str, method: str, path: str, data: dict | None = None, files=None):
        host = urlsplit(base)
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=60)
        # As behind the TLS proxy; a browser's same-origin Referer (Flask-WTF checks it over HTTPS).
        headers = {"X-Forwarded-Proto": "https", "Referer": f"https://{host.netloc}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if files:
            boundary = secrets.token_hex(12)
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
            body = _multipart(boundary, data or {}, files)
        elif data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(data)
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, payload

    def get(self, base, path):
        return self.request(base, "GET", path)

    def csrf(self, base, path) -> str:
        status, _, payload = self.get(base, path)
        match = CSRF.search(payload.decode())
        assert match, f"no form on {path} ({status})"
        return match.group(1)

    def post(self, base, path, data, files=None, form_page=None):
        data = {"csrf_token": self.csrf(base, form_page or path), **data}
        return self.request(base, "POST", path, data, files)

    def log_in(self, base, email, password=DEMO_PASSWORD):
        return self.post(base, "/login", {"email": email, "password": password})


def _multipart(boundary: str, data: dict, files: dict) -> bytes:
    parts = []
    for name, value in data.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts)


@dataclass
class Cluster:
    servers: list[str]
    engine: object
    environment: dict

    def sql(self, statement: str, **parameters):
        with self.engine.begin() as connection:
            result = connection.execute(text(statement), parameters)
            return result.all() if result.returns_rows else []


def _run(environment, *args):
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _start(command, environment) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        _, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, errors = process.communicate()
    return errors.decode(errors="replace")[-3000:]


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{base} stopped: {_stop(process)}")
        with contextlib.suppress(OSError):
            if Browser().get(base, "/healthz")[0] == 200:
                return
        time.sleep(0.3)
    raise AssertionError(f"{base} did not answer: {_stop(process)}")


def wait_for(condition, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from moto.server import ThreadedMotoServer

    engine = create_engine(DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    s3_port = free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    s3.start()
    folder = tmp_path_factory.mktemp("two-servers")
    ports = [free_port(), free_port()]
    environment = {
        **os.environ,
        "PRIZEJURY_CONFIG": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE_URL": REDIS_URL,
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        "TRUSTED_PROXIES": "1",
        "MAIL_BACKEND": "console",
        # Nothing of the servers' may land in the checkout: any local folder is this test's own.
        "UPLOAD_FOLDER": str(folder / "uploads"),
        "CERTIFICATE_FOLDER": str(folder / "certificates"),
        "EXPORT_FOLDER": str(folder / "exports"),
    }
    import boto3

    boto3.client(
        "s3",
        endpoint_url=environment["S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=BUCKET)
    _run(environment, "db", "upgrade")
    _run({**environment, "PRIZEJURY_CONFIG": "development"}, "demo", "load")
    processes = [
        _start([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1"], environment)
    ]
    servers = []
    for port in ports:
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ]
        processes.append(_start(gunicorn, environment))
        servers.append(f"http://127.0.0.1:{port}")
    try:
        for base, process in zip(servers, processes[1:], strict=True):
            _wait_until_up(base, process)
        yield Cluster(servers, engine, environment)
    finally:
        logs = [_stop(process) for process in processes]
        s3.stop()
        engine.dispose()
        if any("Traceback" in log for log in logs):
            print("\n".join(logs))  # noqa: T201 (shown with a failure)


def test_a_session_opened_on_one_server_is_signed_in_on_the_other(cluster):
    one, other = cluster.servers
    browser = Browser()
    status, headers, _ = browser.log_in(one, ORGANISER)
    assert status == 302, "the login failed"

    status, _, page = browser.get(other, "/manage/editions")

    assert status == 200
    assert b"Log out" in page


def test_failed_logins_are_counted_once_for_both_servers(cluster):
    attacker = Browser()
    answers = []
    for attempt in range(12):
        server = cluster.servers[attempt % 2]
        answers.append(attacker.log_in(server, JUROR, "wrong password")[0])
    # Five failures a minute for one account from one address (app/auth/limits.py), counted in Redis: a count
    # kept by each gunicorn worker would let through five per worker, twenty here.
    assert answers == [200] * 5 + [429] * 7


def test_a_file_uploaded_through_one_server_downloads_through_the_other(cluster):
    one, other = cluster.servers
    browser = Browser()
    assert browser.log_in(one, APPLICANT)[0] == 302
    (application_id,) = cluster.sql(
        "SELECT a.id FROM applications a JOIN users u ON u.organisation_id = a.organisation_id "
        "JOIN editions e ON e.id = a.edition_id WHERE u.email = :email AND e.slug = 'dosta-2027'",
        email=APPLICANT,
    )[0]
    content = b"%PDF-1.4\n% shared storage\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

    status, _, _ = browser.post(
        one,
        f"/applications/{application_id}/attachments",
        {},
        files={"file": ("annex.pdf", content, "application/pdf")},
        form_page=f"/applications/{application_id}/edit",
    )

    assert status == 302
    ((attachment_id,),) = cluster.sql(
        "SELECT id FROM attachments WHERE application_id = :id AND original_name = 'annex.pdf'",
        id=application_id,
    )
    status, _, payload = browser.get(other, f"/attachments/{attachment_id}")
    assert status == 200
    assert payload == content
    assert not any(Path(cluster.environment["UPLOAD_FOLDER"]).glob("*")), "the file went to a local folder"


def test_a_job_queued_by_a_server_is_done_by_the_worker(cluster):
    # Production refuses the demo's reserved .test domain in forms: give one juror an ordinary address.
    address = "juror2@prize.example.org"
    cluster.sql("UPDATE users SET email = :new WHERE email = 'juror2@demo.test'", new=address)
    browser = Browser()

    status, _, _ = browser.post(cluster.servers[0], "/password/forgot", {"email": address})

    assert status == 302

    def sent():
        rows = cluster.sql("SELECT status FROM emails WHERE recipients = :email", email=address)
        return rows == [("sent",)]

    wait_for(sent, what="the worker to send the reset email")


def test_publishing_on_both_servers_at_once_publishes_once(cluster):
    # The demo's 2013 edition, taken back to the moment before its publication.
    (edition_id,) = cluster.sql("SELECT id FROM editions WHERE slug = 'dosta-2013'")[0]
    cluster.sql("DELETE FROM certificates WHERE edition_id = :id", id=edition_id)
    cluster.sql("DELETE FROM publication_plans WHERE edition_id = :id", id=edition_id)
    cluster.sql("UPDATE editions SET results_published_at = NULL WHERE id = :id", id=edition_id)
    browsers = []
    for base in cluster.servers:
        browser = Browser()
        assert browser.log_in(base, ORGANISER)[0] == 302
        token = browser.csrf(base, f"/manage/editions/{edition_id}/publication")
        browsers.append((browser, base, token))

    def publish(entry):
        browser, base, token = entry
        return browser.request(
            base,
            "POST",
            f"/manage/editions/{edition_id}/publication/publish",
            {"csrf_token": token, "certificate_language": "en", "participation": "y"},
        )[0]

    with ThreadPoolExecutor(2) as pool:
        statuses = list(pool.map(publish, browsers))

    assert statuses == [302, 302]
    published = cluster.sql(
        "SELECT count(*) FROM audit_events WHERE edition_id = :id AND action = 'results.published'",
        id=edition_id,
    )
    assert published[0][0] == 1
    wait_for(
        lambda: (
            cluster.sql(
                "SELECT count(*) FROM certificates WHERE edition_id = :id AND status = 'issued'",
                id=edition_id,
            )[0][0]
            > 0
        ),
        what="the worker to issue the certificates",
    )
    certificates = cluster.sql(
        "SELECT organisation_id, kind, count(*) FROM certificates WHERE edition_id = :id GROUP BY 1, 2",
        id=edition_id,
    )
    assert certificates and all(count == 1 for _, _, count in certificates)
