"""app/ops/logs.py: JSON lines (production) or text, with the request's id; one line per request with its
route, method, status, duration and user id, and nothing else about the person."""

from __future__ import annotations

import io
import json
import logging

import pytest
from flask.logging import default_handler
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app import create_app, jobs
from app.extensions import db
from app.ops import logs
from config import CONFIGS

LOGGED: list[int] = []


@jobs.job()
def log_something(number: int) -> None:
    """A job for these tests (declared at import, so every app built afterwards has it)."""
    LOGGED.append(number)
    logging.getLogger("app.some_domain.jobs").info("made thing %s", number)


class Lines:
    """What the installed handler wrote."""

    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def json(self) -> list[dict]:
        return [json.loads(line) for line in self.text.splitlines()]

    def requests(self) -> list[dict]:
        return [line for line in self.json() if line["logger"] == "prizejury.requests"]


@pytest.fixture
def installed():
    """install(app, stream) for one test; the root logger as it was afterwards."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    had_default = default_handler in logging.getLogger("app").handlers

    def install(app, log_format: str = "json") -> Lines:
        app.config["LOG_FORMAT"] = log_format
        stream = io.StringIO()
        logs.install(app, stream=stream)
        return Lines(stream)

    yield install
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
    root.setLevel(level)
    if had_default:
        logging.getLogger("app").addHandler(default_handler)


def test_request_line_names_route_method_status_duration_and_user_id(app, auth, make, installed):
    user = make.applicant(email="jana@obrnice.example")
    auth.login(user.email)
    lines = installed(app)

    response = auth.client.get("/account?email=someone%40example.org", headers={"X-Request-ID": "proxy-42"})

    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "proxy-42"
    (line,) = lines.requests()
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and duration >= 0
    assert line.pop("time").startswith("20")  # an ISO time
    assert line == {
        "level": "INFO",
        "logger": "prizejury.requests",
        "message": f"GET /account 200 {duration}ms",
        "request_id": "proxy-42",
        "route": "/account",
        "endpoint": "auth.account",
        "method": "GET",
        "status": 200,
        "user_id": user.id,
    }
    for personal in ("jana@obrnice.example", "someone", "127.0.0.1", "email="):
        assert personal not in lines.text


def test_request_line_of_a_login_names_the_user_who_logged_in(app, auth, make, installed):
    user = make.applicant()
    lines = installed(app)

    auth.login(user.email)

    login_get, login_post = lines.requests()
    assert (login_get["method"], login_get["user_id"]) == ("GET", None)
    assert (login_post["method"], login_post["status"], login_post["user_id"]) == ("POST", 302, user.id)


def test_request_line_gives_the_rule_not_the_address(app, client, installed):
    lines = installed(app)

    client.get("/verify/not-a-real-code-XYZ")
    client.get("/no-such-page?token=abc")

    verify, missing = lines.requests()
    assert (verify["route"], verify["endpoint"], verify["user_id"]) == (
        "/verify/<code>",
        "certificates.verify",
        None,
    )
    assert (missing["route"], missing["endpoint"], missing["status"]) == (None, None, 404)
    assert "not-a-real-code-XYZ" not in lines.text
    assert "no-such-page" not in lines.text and "abc" not in lines.text


@pytest.mark.parametrize("incoming", ["has spaces", 'quote"d', "x" * 129, "", "é-accent"])
def test_an_unfit_request_id_is_replaced_by_a_new_one(app, client, installed, incoming):
    lines = installed(app)

    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    given = response.headers["X-Request-ID"]
    assert given != incoming
    assert logs.SANE_REQUEST_ID.fullmatch(given) and len(given) == 32
    assert lines.requests()[0]["request_id"] == given


def test_each_request_gets_its_own_id(app, client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]

    assert first != second


def test_records_inside_a_request_carry_its_id_and_others_none(app, client, installed):
    @app.get("/test-logs-inside")
    def inside():
        logging.getLogger("app.some_domain").warning("something happened")
        return "ok"

    lines = installed(app)

    response = client.get("/test-logs-inside")
    logging.getLogger("app.some_domain").warning("outside any request")

    inside_line, request_line, outside_line = lines.json()
    assert inside_line["message"] == "something happened"
    assert inside_line["request_id"] == request_line["request_id"] == response.headers["X-Request-ID"]
    assert (outside_line["message"], outside_line["request_id"]) == ("outside any request", None)
    assert outside_line["level"] == "WARNING" and outside_line["logger"] == "app.some_domain"


def test_a_workers_job_logs_json_lines(build_app, installed):
    app = build_app(JOBS_EAGER=False)
    lines = installed(app)
    with app.app_context():
        jobs.enqueue(log_something, 7)
    huey = jobs.queue_of(app).huey

    huey.execute(huey.dequeue())  # what a worker process does with the next job

    assert LOGGED[-1] == 7
    by_logger = {line["logger"]: line for line in lines.json()}
    assert by_logger["app.some_domain.jobs"]["message"] == "made thing 7"
    assert by_logger["app.some_domain.jobs"]["request_id"] is None
    assert by_logger["huey"]["level"] == "INFO"  # huey's own "Executing ..." line, as JSON too


def test_text_format_has_the_request_id(app, client, installed):
    lines = installed(app, "text")

    response = client.get("/healthz")

    assert f"INFO prizejury.requests [{response.headers['X-Request-ID']}] GET /healthz 200 " in lines.text


def test_production_logs_json_and_development_text():
    assert CONFIGS["production"].LOG_FORMAT == "json"
    assert CONFIGS["development"].LOG_FORMAT == "text"


def test_an_unknown_log_format_is_refused_at_start(build_app):
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        build_app(LOG_FORMAT="xml")


def test_installing_twice_leaves_one_handler(app, installed):
    installed(app)
    installed(app)

    assert len([h for h in logging.getLogger().handlers if isinstance(h, logs.OpsHandler)]) == 1


def test_production_errors_and_logs_show_no_sql_parameters(tmp_path):
    app = create_app(
        "production",
        SECRET_KEY="x" * 64,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}",
        UPLOAD_FOLDER=str(tmp_path / "u"),
        CERTIFICATE_FOLDER=str(tmp_path / "c"),
        EXPORT_FOLDER=str(tmp_path / "e"),
        JOBS_QUEUE_URL=f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # never reached: the test makes no request
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",
    )
    with app.app_context():
        with pytest.raises(OperationalError) as raised:
            db.session.execute(text("SELECT * FROM no_such_table WHERE email = :e"), {"e": "jana@x.example"})
        db.session.remove()
        db.engine.dispose()

    assert "no_such_table" in str(raised.value)
    assert "jana@x.example" not in str(raised.value)
