"""Behind a reverse proxy (TRUSTED_PROXIES): the client's own address, scheme and host, never the proxy's,
and never what a client writes in X-Forwarded-* itself."""

import pytest
from flask import request
from sqlalchemy import select

from app import create_app
from app.audit.models import AuditEvent
from app.auth.models import LoginSession
from tests.auth.helpers import post_form
from tests.auth.test_register import register
from tests.conftest import _forget_the_previous_request
from tests.factories import PASSWORD

PROXY = "10.0.0.5"
ALICE, BOB = "198.51.100.1", "203.0.113.2"


@pytest.fixture
def app_settings():
    return {"TRUSTED_PROXIES": 1}


def behind_proxy(app, forwarded_for: str):
    """A client whose requests reach the app through the proxy, which adds its address to X-Forwarded-For."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for})
    return client


def log_in(client, email: str, password: str):
    return post_form(client, "/login", {"email": email, "password": password})


def test_failed_logins_throttle_one_client_behind_the_proxy_not_the_next(app, make, rate_limits):
    user = make.applicant()
    alice, bob = behind_proxy(app, ALICE), behind_proxy(app, BOB)

    statuses = [log_in(alice, f"nobody{n}@example.test", "wrong password").status_code for n in range(11)]
    bobs = log_in(bob, user.email, PASSWORD)

    assert statuses == [200] * 10 + [429]
    assert bobs.status_code == 302


def test_registrations_behind_the_proxy_count_per_client(app, db, rate_limits):
    alice, bob = behind_proxy(app, ALICE), behind_proxy(app, BOB)

    alices = [
        register(alice, organisation_name=f"Town {n}", email=f"contact{n}@town.example").status_code
        for n in range(31)
    ]
    bobs = register(bob, organisation_name="Obrnice", email="mayor@obrnice.example").status_code

    assert alices == [302] * 30 + [429]
    assert bobs == 302


def test_login_session_and_audit_log_record_the_client_address(app, db, make):
    user = make.applicant()

    assert log_in(behind_proxy(app, ALICE), user.email, PASSWORD).status_code == 302
    assert register(behind_proxy(app, BOB)).status_code == 302

    assert db.session.scalar(select(LoginSession.ip)) == ALICE
    assert set(db.session.scalars(select(AuditEvent.ip))) == {BOB}


def test_client_cannot_choose_its_address_by_writing_the_header(app, db, make):
    user = make.applicant()
    # The client sent "X-Forwarded-For: 192.0.2.66"; the proxy appended the address it saw.
    client = behind_proxy(app, f"192.0.2.66, {ALICE}")

    log_in(client, user.email, PASSWORD)

    assert db.session.scalar(select(LoginSession.ip)) == ALICE


def test_scheme_and_host_are_the_ones_the_proxy_forwards(app):
    seen = {}

    def look():
        seen.update(address=request.remote_addr, scheme=request.scheme, host=request.host)

    app.before_request_funcs[None].append(look)
    client = behind_proxy(app, ALICE)

    client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "prize.example.org"})

    assert seen == {"address": ALICE, "scheme": "https", "host": "prize.example.org"}


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path, make):
    app = create_app(
        "testing",
        UPLOAD_FOLDER=str(tmp_path / "u"),
        CERTIFICATE_FOLDER=str(tmp_path / "c"),
        EXPORT_FOLDER=str(tmp_path / "e"),
        JOBS_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        RATELIMIT_ENABLED=True,
    )
    from app.extensions import db, limiter

    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    try:
        with app.app_context():
            db.create_all()
            user = make.applicant()
            db.session.commit()
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = PROXY
            forged = {"X-Forwarded-For": ALICE}
            signed_in = post_form(
                client, "/login", {"email": user.email, "password": PASSWORD}, headers=forged
            )
            ip = db.session.scalar(select(LoginSession.ip))
            # Each failure pretends to come from another address: the limit still sees one client.
            statuses = [
                post_form(
                    app.test_client(),
                    "/login",
                    {"email": user.email, "password": "wrong password"},
                    headers={"X-Forwarded-For": f"192.0.2.{n}"},
                    environ_base={"REMOTE_ADDR": PROXY},
                ).status_code
                for n in range(6)
            ]
            db.session.remove()
            db.engine.dispose()
    finally:
        limiter.enabled = False

    assert app.config["TRUSTED_PROXIES"] == 0
    assert signed_in.status_code == 302
    assert ip == PROXY
    assert statuses == [200] * 5 + [429]
