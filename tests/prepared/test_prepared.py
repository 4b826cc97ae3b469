"""Prepared files (app/prepared/): asking, reusing, the job's claim, failures, the sweep, storage, serving."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db import utcnow
from app.extensions import db
from app.prepared import storage
from app.prepared.enums import PreparedKind, PreparedStatus
from app.prepared.jobs import MAX_ATTEMPTS, prepare_file, remove_expired, sweep_prepared_files
from app.prepared.models import PreparedFile
from app.prepared.requests import request_file
from app.storage import transaction
from tests import stored

pytestmark = pytest.mark.both_backends


@pytest.fixture
def edition(make, db):
    edition = make.edition(phase="published")
    db.session.commit()
    return edition


def _ask(edition, **options) -> tuple[PreparedFile, bool]:
    prepared, new = request_file(
        PreparedKind.CERTIFICATES_ZIP,
        edition.id,
        parameters={},
        download_name="all.zip",
        user_id=None,
        **options,
    )
    db.session.commit()  # the job runs at once (JOBS_EAGER)
    return db.session.get(PreparedFile, prepared.id), new


def _lost(edition, **fields) -> PreparedFile:
    """A pending file whose job never ran (the queue was down) or whose worker died."""
    prepared = PreparedFile(
        kind=PreparedKind.CERTIFICATES_ZIP, edition_id=edition.id, download_name="all.zip", **fields
    )
    db.session.add(prepared)
    db.session.commit()
    return prepared


def _count() -> int:
    return db.session.scalar(select(func.count(PreparedFile.id)))


def test_request_file_records_one_file_made_by_its_job(app, edition):
    prepared, new = _ask(edition)

    assert new
    assert prepared.status == PreparedStatus.READY
    data = stored.read(storage.AREA, prepared.file_name)
    assert storage.digest(io.BytesIO(data)) == (prepared.size, prepared.sha256)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["SHA256SUMS"]
    assert stored.keys(storage.AREA) == [prepared.file_name]
    assert prepared.source_stamp and prepared.ready_at and prepared.claimed_at is None


def test_request_file_twice_gives_back_the_same_file(app, edition):
    first, _ = _ask(edition)

    second, new = _ask(edition)

    assert (second.id, new, _count()) == (first.id, False, 1)


def test_request_file_again_makes_a_new_one(app, edition):
    first, _ = _ask(edition)

    second, new = _ask(edition, again=True)

    assert new and second.id != first.id and second.status == PreparedStatus.READY


def test_request_file_while_pending_never_makes_a_second(app, edition):
    pending = _lost(edition)

    again, new = _ask(edition, again=True)

    assert (again.id, new, _count()) == (pending.id, False, 1)


def test_prepare_file_does_nothing_for_a_ready_or_claimed_file(app, edition):
    ready, _ = _ask(edition)
    claimed = _lost(edition, claimed_at=utcnow())

    prepare_file(ready.id)
    prepare_file(claimed.id)
    prepare_file(2**31 - 1)

    db.session.expire_all()
    assert (ready.attempts, claimed.status, claimed.attempts) == (1, PreparedStatus.PENDING, 0)


def test_prepare_file_started_too_often_fails_with_the_reason(app, edition):
    tired = _lost(edition, attempts=MAX_ATTEMPTS, claimed_at=utcnow() - timedelta(days=1))

    prepare_file(tired.id)

    db.session.refresh(tired)
    assert tired.status == PreparedStatus.FAILED
    assert tired.failure == f"The file was started {MAX_ATTEMPTS} times without finishing."


def test_sweep_queues_again_lost_and_stale_files_not_fresh_claims(app, edition):
    never_queued = _lost(edition)
    dead_worker = _lost(edition, claimed_at=utcnow() - timedelta(hours=1), attempts=1)
    working = _lost(edition, claimed_at=utcnow(), attempts=1)

    queued = sweep_prepared_files()

    db.session.expire_all()
    assert queued == 2
    assert [f.status for f in (never_queued, dead_worker, working)] == ["ready", "ready", "pending"]


def test_remove_expired_removes_old_files_and_their_rows(app, edition):
    old, _ = _ask(edition)
    old.created_at = utcnow() - timedelta(days=app.config["PREPARED_FILE_DAYS"] + 1)
    db.session.commit()
    recent, _ = _ask(edition, again=True)

    assert remove_expired(utcnow() + timedelta(seconds=app.config["PREPARED_FILE_LEASE"] + 1)) == 1

    assert [f.id for f in db.session.scalars(select(PreparedFile))] == [recent.id]
    assert stored.keys(storage.AREA) == [recent.file_name]


def test_write_file_that_raises_leaves_nothing(app):
    def half(out):
        out.write(b"half a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        storage.write_file("1-jury_report.pdf", half)

    assert stored.keys(storage.AREA) == []
    assert transaction.pending() == {"written": [], "doomed": []}


def test_write_file_is_kept_by_the_commit_and_deleted_by_a_rollback(app, db):
    storage.write_file("1-jury_report-kept.pdf", lambda out: out.write(b"%PDF-1.7 kept"))
    db.session.commit()
    storage.write_file("2-jury_report-undone.pdf", lambda out: out.write(b"%PDF-1.7 undone"))
    db.session.rollback()

    assert stored.keys(storage.AREA) == ["1-jury_report-kept.pdf"]
    assert stored.read(storage.AREA, "1-jury_report-kept.pdf") == b"%PDF-1.7 kept"


@pytest.mark.parametrize("name", ["../certificates/x.pdf", "/etc/passwd", "", ".", ".hidden"])
def test_key_of_refuses_anything_outside_the_area(app, name):
    with pytest.raises(ValueError, match="not a storage key"):
        storage.key_of(name)


def test_download_of_a_file_no_longer_stored_explains(client, auth, make, edition):
    organiser = make.organiser()
    db.session.commit()
    prepared, _ = _ask(edition)
    stored.delete(storage.AREA, prepared.file_name)
    auth.login(organiser.email)

    response = client.get(f"/manage/editions/{edition.id}/files/{prepared.id}", follow_redirects=True)

    assert response.status_code == 200
    assert "This file is no longer stored: prepare it again." in response.get_data(as_text=True)


def test_download_of_a_pending_file_explains_and_its_status_says_pending(client, auth, make, edition):
    organiser = make.organiser()
    db.session.commit()
    pending = _lost(edition)
    auth.login(organiser.email)

    response = client.get(f"/manage/editions/{edition.id}/files/{pending.id}", follow_redirects=True)
    status = client.get(f"/manage/editions/{edition.id}/files/{pending.id}/status")

    assert "This file is not ready" in response.get_data(as_text=True)
    assert status.json == {"status": "pending", "size": None}
    assert status.headers["Cache-Control"] == "private, no-store"


def test_download_refused_to_applicants_and_jurors(client, auth, make, edition):
    users = [make.applicant(), make.juror()]
    db.session.commit()
    prepared, _ = _ask(edition)
    url = f"/manage/editions/{edition.id}/files/{prepared.id}"

    statuses = [client.get(url).status_code]
    for user in users:
        auth.login(user.email)
        statuses += [client.get(url).status_code, client.get(f"{url}/status").status_code]
        auth.logout()

    assert statuses == [302, 403, 403, 403, 403]


def test_download_is_conditional_and_private(client, auth, make, edition):
    organiser = make.organiser()
    db.session.commit()
    prepared, _ = _ask(edition)
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/files/{prepared.id}"

    first = client.get(url, buffered=True)
    again = client.get(url, headers={"If-None-Match": f'"{prepared.sha256}"'}, buffered=True)

    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "private, no-store"  # a signed-in user's (app/caching.py)
    assert first.headers["Content-Length"] == str(prepared.size)
    assert first.headers["Content-Disposition"] == "attachment; filename=all.zip"
    assert again.status_code == 304
