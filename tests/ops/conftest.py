"""An application of the test's own (dependencies down, Sentry on, jobs not eager), closed after the test."""

from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db


@pytest.fixture
def build_app(tmp_path):
    """`build_app(**settings)`: a testing application with its folders under tmp_path; its database
    connections are closed after the test (on PostgreSQL an open one left behind is a ResourceWarning)."""
    built = []

    def build(**overrides):
        settings = {
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "CERTIFICATE_FOLDER": str(tmp_path / "certificates"),
            "EXPORT_FOLDER": str(tmp_path / "exports"),
            "JOBS_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
            **overrides,
        }
        app = create_app("testing", **settings)
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
