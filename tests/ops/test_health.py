"""app/ops/health.py and checks.py: /healthz touches nothing; /readyz names the dependency that is down and
nothing about it."""

from __future__ import annotations

import json
import os
import shutil
import threading

import pytest

from app import i18n
from app.extensions import db, limiter
from app.ops import checks
from app.storage.backends import S3Area
from tests.conftest import counting_queries

# Secrets and addresses planted in the configuration: none may appear in an answer.
DB_URL = "postgresql+psycopg://dbuser:db-s3cret@127.0.0.1:9/prizejury"
REDIS_URL = "redis://:redis-s3cret@127.0.0.1:9/0"
QUEUE_URL = "redis://:queue-s3cret@127.0.0.1:9/1"
EVERYTHING_DOWN = {
    "SQLALCHEMY_DATABASE_URI": DB_URL,
    "REDIS_URL": REDIS_URL,
    "JOBS_QUEUE_URL": QUEUE_URL,
    "JOBS_EAGER": False,
}
PLANTED = ("db-s3cret", "redis-s3cret", "queue-s3cret", "dbuser", "127.0.0.1", ":9", "prizejury")


@pytest.fixture
def locale_selections(monkeypatch):
    """How many times the page's language was chosen (the selector is wrapped before the app is built)."""
    calls = []
    select = i18n.select_locale

    def counting():
        calls.append(1)
        return select()

    monkeypatch.setattr(i18n, "select_locale", counting)
    return calls


@pytest.fixture
def app_settings(locale_selections):  # noqa: ARG001 (the spy is in place before `app` is built)
    return {}


def test_healthz_answers_without_database_session_user_or_language(app, auth, make, locale_selections):
    user = make.applicant()
    auth.login(user.email)
    chosen = len(locale_selections)

    with counting_queries(db) as statements:
        response = auth.client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert statements == []  # not even the signed-in user's session row
    assert "Set-Cookie" not in response.headers
    assert len(locale_selections) == chosen
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_when_every_dependency_is_down(build_app):
    app = build_app(**EVERYTHING_DOWN)

    response = app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_answers_ok_when_everything_is_up(app, client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "queue": "ok"},
    }
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_redis_when_it_is_configured(build_app):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set: the Redis check is tested in CI")
    app = build_app(REDIS_URL=url, JOBS_QUEUE_URL=url, JOBS_EAGER=False)

    response = app.test_client().get("/readyz")

    assert response.get_json()["checks"]["redis"] == "ok"
    assert response.get_json()["checks"]["queue"] == "ok"


def _break(name, tmp_path):
    """Settings, and a step after the app is built, that take one dependency down."""
    if name == "database":
        return {"SQLALCHEMY_DATABASE_URI": DB_URL}, None
    if name == "redis":
        return {"REDIS_URL": REDIS_URL}, None
    if name == "queue":
        return {"JOBS_QUEUE_URL": QUEUE_URL, "JOBS_EAGER": False}, None
    return {}, lambda: _unwritable(tmp_path / "certificates")  # storage


def _unwritable(folder):
    """A storage folder replaced by a file: nothing can be written under it (as a full or unmounted disk)."""
    shutil.rmtree(folder)
    folder.write_bytes(b"")


@pytest.mark.parametrize("down", ["database", "redis", "queue", "storage"])
def test_readyz_names_the_dependency_that_is_down(build_app, tmp_path, down):
    settings, after = _break(down, tmp_path)
    app = build_app(**settings)
    if after:
        after()

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "down"
    assert {name for name, state in body["checks"].items() if state != "ok"} == {down}


def test_readyz_never_tells_addresses_passwords_or_errors(build_app, tmp_path):
    app = build_app(**EVERYTHING_DOWN)
    _unwritable(tmp_path / "exports")

    response = app.test_client().get("/readyz")

    assert response.status_code == 503
    assert response.get_json() == {
        "status": "down",
        "checks": {"database": "down", "redis": "down", "queue": "down", "storage": "down"},
    }
    text = response.get_data(as_text=True) + json.dumps(dict(response.headers))
    for planted in PLANTED:
        assert planted not in text
    for word in ("Error", "refused", "connect", "exports"):
        assert word not in text


def test_readyz_reports_a_check_that_hangs_and_does_not_start_it_twice(app, client, monkeypatch):
    release = threading.Event()
    calls = []

    def hanging(app_):
        calls.append(1)
        release.wait(30)
        return True

    monkeypatch.setattr(checks, "database_is_up", hanging)
    app.config["READINESS_TIMEOUT"] = 0.05

    first = client.get("/readyz")
    second = client.get("/readyz")

    assert first.status_code == second.status_code == 503
    assert first.get_json()["checks"] == {"database": "timeout", "storage": "ok", "queue": "ok"}
    assert second.get_json()["checks"]["database"] == "timeout"
    assert calls == [1]  # the second probe waited on the first's check
    release.set()
    app.extensions["readiness_checks"]["database"].result(timeout=30)
    assert client.get("/readyz").get_json()["checks"]["database"] == "ok"
    assert calls == [1, 1]


@pytest.fixture
def application_limit():
    """A limit on every route of the application (tests/test_security.py checks the real ones)."""
    yield {"RATELIMIT_ENABLED": True, "RATELIMIT_APPLICATION": "2/minute"}
    limiter.limit_manager.set_application_limits([])  # the limiter is one object for every app


def test_probes_are_not_rate_limited(build_app, application_limit):
    app = build_app(**application_limit)
    with app.app_context():
        db.create_all()
    client = app.test_client()

    limited = [client.get("/accessibility").status_code for _ in range(3)]
    probes = [client.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(3)]

    assert limited[-1] == 429  # the limit applies to pages
    assert probes == [200] * 6


def test_readyz_checks_the_s3_bucket(build_app, s3_server, monkeypatch):
    settings = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": s3_server, "S3_PREFIX": "readyz/"}
    # moto's server shares the machine with the tests: a slow answer is not what this test is about.
    ready = build_app(**settings, S3_BUCKET="prizejury-test", READINESS_TIMEOUT=15)
    missing = build_app(**settings, S3_BUCKET="no-such-bucket")
    puts = []
    real_put = S3Area.put
    monkeypatch.setattr(S3Area, "put", lambda area, key, data: puts.append(key) or real_put(area, key, data))

    assert ready.test_client().get("/readyz").get_json()["checks"]["storage"] == "ok"
    assert len(puts) == 1  # the three areas share the bucket: one probe covers them
    answer = missing.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["storage"] == "down"
    assert "no-such-bucket" not in answer.get_data(as_text=True)


def test_a_page_while_the_database_is_down_is_503_not_500(build_app):
    app = build_app(SQLALCHEMY_DATABASE_URI=DB_URL)

    response = app.test_client().get("/")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "unavailable" in response.get_data(as_text=True)
