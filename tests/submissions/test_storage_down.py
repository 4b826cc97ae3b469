"""The file store cannot be reached: an upload answers 503 (try again), records nothing, never a 500."""

import socket

import pytest
from sqlalchemy import func, select

from app.submissions.models import Attachment
from tests.submissions.files import PDF, multipart, upload


@pytest.fixture
def app_settings(monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]  # nothing listens there once the probe is closed
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "prizejury-test",
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{closed}",
    }


def test_upload_while_the_store_is_down_is_503_and_records_nothing(client, auth, db, make):
    application = make.application(status="draft")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    view_url = f"/applications/{application.id}"
    form = {"file": upload(PDF, "plan.pdf"), "csrf_token": auth.csrf(view_url)}

    response = client.post(f"{view_url}/attachments", **multipart(form))

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Briefly unavailable" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
