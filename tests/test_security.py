"""Application-wide guarantees: headers, configuration, ids, rate limits."""

import os

import pytest

from app import create_app
from app.extensions import db
from config import ProductionConfig

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page", "/account"])
def test_security_headers_present_on_every_response(client, path):
    response = client.get(path)

    for name, value in HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "script-src 'self'" in policy


def test_security_headers_present_on_method_not_allowed(client):
    response = client.delete("/login")

    assert response.status_code == 405
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_httponly_and_lax(client, auth, make):
    user = make.applicant()

    response = auth.login(user.email)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("secret", [None, "", "dev", "change-me", "short"])
def test_production_refuses_to_start_without_real_secret_key(monkeypatch, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_starts_with_real_secret_key(tmp_path):
    app = create_app(
        "production",
        SECRET_KEY="x" * 64,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        UPLOAD_FOLDER=str(tmp_path / "u"),
        CERTIFICATE_FOLDER=str(tmp_path / "c"),
        EXPORT_FOLDER=str(tmp_path / "e"),
        JOBS_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0",  # not reached: connecting waits for a request
    )

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["DEMO_DATA_ALLOWED"] is False


@pytest.mark.parametrize("storage", [None, "", "memory://"])
def test_production_refuses_rate_limits_kept_per_process(tmp_path, storage):
    with pytest.raises(RuntimeError, match="REDIS_URL"):
        create_app(
            "production",
            SECRET_KEY="x" * 64,
            SQLALCHEMY_DATABASE_URI="sqlite://",
            UPLOAD_FOLDER=str(tmp_path / "u"),
            CERTIFICATE_FOLDER=str(tmp_path / "c"),
            RATELIMIT_STORAGE_URI=storage,
        )


def test_production_config_class_demands_long_key():
    with pytest.raises(RuntimeError):
        ProductionConfig.check({"SECRET_KEY": "development-only-secret-key"})


@pytest.mark.parametrize(
    "path",
    [
        "/applications/99999999999999999999",
        "/applications/2147483648/edit",
        "/attachments/99999999999999999999",
        "/manage/editions/99999999999999999999/ranking",
        "/jury/entries/99999999999999999999",
    ],
)
def test_absurd_numeric_id_is_not_found(client, auth, make, path):
    auth.login(make.organiser().email)

    response = client.get(path)

    assert response.status_code == 404
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def _redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL not set: the Redis rate-limit store is tested in CI")
    return url


def test_login_rate_limited_through_redis(tmp_path):
    url = _redis_url()
    import redis

    store = redis.Redis.from_url(url)
    store.flushdb()
    store.close()
    app = create_app(
        "testing",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=url,
        UPLOAD_FOLDER=str(tmp_path / "u"),
        CERTIFICATE_FOLDER=str(tmp_path / "c"),
        WTF_CSRF_ENABLED=False,
    )
    client = app.test_client()
    with app.app_context():
        db.create_all()
        # Eleven accounts, so that the limit per address is the one reached (app/auth/limits.py).
        statuses = [
            client.post("/login", data={"email": f"a{n}@b.test", "password": "wrong"}).status_code
            for n in range(11)
        ]
        db.session.remove()
        db.engine.dispose()

    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_emailed_links_ignore_a_forged_host_header(app, client, make, outbox):
    user = make.applicant(email="mayor@example.test")
    app.config["WTF_CSRF_ENABLED"] = False  # the browser's cookie would not follow the forged host

    response = client.post("/password/forgot", data={"email": user.email}, headers={"Host": "evil.example"})

    assert response.status_code in (200, 302)
    assert len(outbox) == 1
    assert "evil.example" not in outbox[0].body
    assert "http://localhost/password/reset/" in outbox[0].body
