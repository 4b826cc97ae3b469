"""Shared set-ups for the personal data tests."""

from __future__ import annotations

import io
import json
import zipfile

from flask import url_for

from app.extensions import db
from app.mail import send_email


def email_to(app, user, subject: str = "Your password was changed"):
    with app.test_request_context():
        email = send_email(user.email, subject, "auth_password_changed", user=user, forgot_link="/")
    return email


def download_zip(client, file_id: int) -> zipfile.ZipFile:
    with client.application.test_request_context():
        url = url_for("privacy.download", file_id=file_id)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    response.close()
    return zipfile.ZipFile(io.BytesIO(body))


def data_of(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("data.json"))


def latest_file_id() -> int:
    from sqlalchemy import func, select

    from app.prepared.models import PreparedFile

    return db.session.scalar(select(func.max(PreparedFile.id)))
