"""app/ops/reporting.py: with SENTRY_DSN set, an unhandled error in a request or in a job reaches Sentry,
without personal data. Events are caught by a transport of the test's own (sentry-sdk's public hook)."""

from __future__ import annotations

import json

import pytest
import sentry_sdk
from flask_login import login_required
from sentry_sdk.transport import Transport

from app import jobs
from app.extensions import db
from tests import factories

DSN = "https://public-key@sentry.invalid/42"
# Personal data planted in a request, searched for in what reaches Sentry (kept here, away from the
# lines around the error, which an event quotes as its source context).
EMAIL, NAME, PASSWORD_FIELD, NOTE = "jana@obrnice.example", "Jana Nováková", "hunter2-secret", "phone 0601"


class Captured(Transport):
    """Keeps every event instead of sending it."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)


@jobs.job()
def fail_loudly(number: int) -> None:
    """A job for these tests (declared at import, so every app built afterwards has it)."""
    raise RuntimeError(f"job {number} went wrong")


RAN: list[int] = []


@jobs.job()
def count_me(number: int) -> None:
    RAN.append(number)


@pytest.fixture
def sentry():
    """The transport the next application's Sentry client sends through; no client afterwards."""
    transport = Captured()
    yield transport
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)


@pytest.fixture
def sentry_app(build_app, sentry):
    def build(**overrides):
        return build_app(
            SENTRY_DSN=DSN,
            SENTRY_RELEASE="prizejury@1.2.3",
            SENTRY_OPTIONS={"transport": sentry},
            **overrides,
        )

    return build


def _exceptions(events):
    return [value["type"] for event in events for value in event.get("exception", {}).get("values", [])]


def test_no_dsn_no_sentry(app):
    assert not sentry_sdk.get_client().is_active()


def test_an_error_in_a_request_is_reported_without_personal_data(sentry_app, sentry):
    app = sentry_app(PROPAGATE_EXCEPTIONS=False)

    @app.post("/test-boom/<int:number>")
    @login_required
    def boom(number):
        raise RuntimeError("the page broke")

    with app.app_context():
        db.create_all()
        user = factories.applicant(email=EMAIL, name=NAME)
        user_id = user.id
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"email": EMAIL, "password": factories.PASSWORD, "csrf_token": token})
    cookie = client.get_cookie("session").value

    response = client.post(
        "/test-boom/5",
        query_string={"email": EMAIL},
        data={"csrf_token": token, "password": PASSWORD_FIELD, "note": NOTE},
        headers={
            "X-Request-ID": "req-77",
            "Referer": "http://localhost/reset/a-token",
            "X-Forwarded-For": "10.1.2.3",
        },
        environ_base={"REMOTE_ADDR": "192.0.2.55"},
    )

    assert response.status_code == 500
    (event,) = [e for e in sentry.events if _exceptions([e])]
    assert _exceptions([event]) == ["RuntimeError"]
    assert event["environment"] == "testing" and event["release"] == "prizejury@1.2.3"
    assert event["user"] == {"id": str(user_id)}
    assert event["tags"]["request_id"] == "req-77"
    assert event["request"]["url"] == "http://localhost/test-boom/<int:number>"
    assert set(event["request"]) <= {"url", "method", "headers"}
    assert {name.lower() for name in event["request"]["headers"]} <= {
        "host",
        "user-agent",
        "content-type",
        "content-length",
        "x-request-id",
    }
    sent = json.dumps(event)
    for personal in (
        EMAIL, "jana%40", NAME, "Nov", PASSWORD_FIELD, NOTE, cookie, "a-token",
        "10.1.2.3", "192.0.2.55", "csrf",
    ):  # fmt: skip
        assert personal not in sent


def test_an_error_in_a_job_is_reported_by_the_worker(sentry_app, sentry):
    app = sentry_app(JOBS_EAGER=False)
    with app.app_context():
        jobs.enqueue(fail_loudly, 7)
    huey = jobs.queue_of(app).huey

    huey.execute(huey.dequeue())  # what a worker process does with the next job

    (event,) = [e for e in sentry.events if _exceptions([e])]
    assert _exceptions([event]) == ["RuntimeError"]
    assert event["exception"]["values"][0]["value"] == "job 7 went wrong"
    assert event["extra"]["huey-job"]["task"] == "fail_loudly"
    assert "7" not in json.dumps(event["extra"]["huey-job"]["args"])  # the job's arguments stay home
    assert "user" not in event and "request" not in event


def test_a_job_queued_with_sentry_runs_on_a_worker_without_it(sentry_app, sentry):
    """sentry-sdk adds its trace headers to the task it queues; a worker without Sentry drops them."""
    app = sentry_app(JOBS_EAGER=False)
    with app.app_context():
        jobs.enqueue(count_me, 9)
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)
    huey = jobs.queue_of(app).huey

    huey.execute(huey.dequeue())

    assert RAN == [9]


def test_stack_frames_carry_no_local_variables(sentry_app, sentry):
    app = sentry_app(JOBS_EAGER=False)
    with app.app_context():
        jobs.enqueue(fail_loudly, 3)
    huey = jobs.queue_of(app).huey

    huey.execute(huey.dequeue())

    (event,) = [e for e in sentry.events if _exceptions([e])]
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert frames and all("vars" not in frame for frame in frames)
