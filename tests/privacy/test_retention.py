"""app/privacy/retention.py: the attachments of applications without an award go ATTACHMENT_RETENTION_DAYS
days after the edition's results were published; the laureates' stay; the job is periodic and audited."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import select

from app import jobs
from app.audit.models import AuditEvent
from app.db import utcnow
from app.privacy.retention import delete_expired_attachments, sweep_expired_attachments
from app.submissions.models import Attachment


@pytest.fixture
def app_settings():
    return {"ATTACHMENT_RETENTION_DAYS": 30}


@pytest.fixture
def files(app, db, make):
    long_ago = make.edition(phase="published", results_published_at=utcnow() - timedelta(days=31))
    recent = make.edition(phase="published", results_published_at=utcnow() - timedelta(days=29))
    unpublished = make.edition(phase="deliberation")
    laureate = make.application(edition_=long_ago, status="eligible")
    make.award(long_ago, laureate.organisation, place=1, application=laureate)
    found = {
        "expired": [
            make.attachment(make.application(edition_=long_ago, status="eligible")),
            make.attachment(make.application(edition_=long_ago, status="withdrawn")),
        ],
        "laureate": [make.attachment(laureate)],
        "recent": [make.attachment(make.application(edition_=recent, status="ineligible"))],
        "unpublished": [make.attachment(make.application(edition_=unpublished, status="eligible"))],
    }
    db.session.commit()
    return {group: [(a.id, a.stored_name) for a in items] for group, items in found.items()}


def _ids(db) -> set[int]:
    return set(db.session.scalars(select(Attachment.id)))


def test_retention_deletes_rows_and_files_past_the_period_only(app, db, files):
    folder = Path(app.config["UPLOAD_FOLDER"])

    deleted = delete_expired_attachments()

    kept = {i for group in ("laureate", "recent", "unpublished") for i, _ in files[group]}
    assert deleted == 2
    assert _ids(db) == kept
    assert not any((folder / name).exists() for _, name in files["expired"])
    assert all((folder / name).exists() for group in ("laureate", "recent") for _, name in files[group])
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "attachment.expired")).all()
    assert sorted(e.after["attachments"] for e in events) == [1, 1]
    assert {e.after["retention_days"] for e in events} == {30}


def test_retention_run_twice_deletes_nothing_more(app, db, files):
    delete_expired_attachments()

    assert delete_expired_attachments() == 0


def test_retention_counts_from_the_publication(app, db, files):
    later = utcnow() + timedelta(days=2)  # the recent edition's 30 days are over by then

    delete_expired_attachments(later)

    assert _ids(db) == {i for group in ("laureate", "unpublished") for i, _ in files[group]}


def test_retention_runs_as_a_periodic_job(app, db, files):
    assert sweep_expired_attachments in jobs.periodic_jobs()

    deleted = sweep_expired_attachments(True)

    assert deleted == 2
    assert not _ids(db) & {i for i, _ in files["expired"]}


def test_retention_is_stated_to_applicants(app, db, make, auth, client):
    applicant = make.applicant()
    db.session.commit()

    notice = unescape(client.get("/privacy").get_data(as_text=True))
    auth.login(applicant.email)
    own = unescape(client.get("/account/data").get_data(as_text=True))

    assert "deleted 30 days after the edition's results are published" in notice
    assert "deleted 30 days after the edition's results are published" in own
