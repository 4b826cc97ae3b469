"""app/storage/: the areas on both backends (the local folders, and a real S3 server: moto's), files that
follow the transaction, downloads after the permission check, and the sweep of orphans."""

from __future__ import annotations

import io
import os
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app import create_app
from app.db import utcnow
from app.extensions import db
from app.storage import FileMissing, InvalidKey, area, backends, sweep, transaction
from app.submissions.models import Attachment
from tests import stored

pytestmark = pytest.mark.both_backends


# --- The operations ----------------------------------------------------------------------------------------


def test_put_then_read_exists_size_and_delete(app):
    uploads = area("uploads")

    uploads.put("2013/report.pdf", b"%PDF-1.7 report")

    assert uploads.exists("2013/report.pdf")
    assert uploads.size("2013/report.pdf") == len(b"%PDF-1.7 report")
    with uploads.open("2013/report.pdf") as opened:
        assert opened.read() == b"%PDF-1.7 report"
    uploads.delete("2013/report.pdf")
    assert not uploads.exists("2013/report.pdf")


def test_put_from_a_stream_is_read_in_chunks(app):
    data = os.urandom(3 * backends.CHUNK + 17)

    area("exports").put("big.bin", io.BytesIO(data))

    assert stored.read("exports", "big.bin") == data
    assert area("exports").size("big.bin") == len(data)


def test_put_large_file_goes_in_parts(app, monkeypatch, storage_backend):
    monkeypatch.setattr(backends, "MULTIPART_CHUNK", 5 * 1024 * 1024)  # S3's smallest part
    data = os.urandom(6 * 1024 * 1024)

    area("exports").put("large.zip", io.BytesIO(data))

    assert stored.read("exports", "large.zip") == data
    if storage_backend == "s3":
        exports = area("exports")
        head = exports.client.head_object(Bucket=exports.bucket, Key=exports.object_key("large.zip"))
        assert head["ETag"].strip('"').endswith("-2")  # a multipart upload's ETag counts its parts


def test_missing_file_raises_file_missing(app):
    certificates = area("certificates")

    with pytest.raises(FileMissing):
        certificates.open("2013/none.pdf")
    with pytest.raises(FileMissing):
        certificates.size("2013/none.pdf")
    assert not certificates.exists("2013/none.pdf")
    certificates.delete("2013/none.pdf")  # nothing to delete is not an error


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../uploads/x", "a/../../x", ".hidden", "a//b", "a\\b"])
def test_keys_outside_an_area_are_refused(app, key):
    with pytest.raises(InvalidKey):
        area("uploads").put(key, b"x")
    with pytest.raises(InvalidKey):
        area("uploads").open(key)


def test_areas_are_separate(app):
    area("uploads").put("same", b"upload")
    area("exports").put("same", b"export")

    assert stored.read("uploads", "same") == b"upload"
    assert stored.read("exports", "same") == b"export"
    assert stored.keys("certificates") == []


def test_entries_lists_keys_under_a_prefix_with_their_size(app):
    certificates = area("certificates")
    for key in ("2013/b.pdf", "2013/a.pdf", "2015/c.pdf"):
        certificates.put(key, key.encode())

    entries = list(certificates.entries("2013/"))

    assert [(e.key, e.size) for e in entries] == [("2013/a.pdf", 10), ("2013/b.pdf", 10)]
    assert all(abs(e.modified - utcnow()) < timedelta(hours=1) for e in entries)
    assert stored.keys("certificates") == ["2013/a.pdf", "2013/b.pdf", "2015/c.pdf"]


@pytest.mark.parametrize("storage_backend", ["local"], indirect=True)
def test_local_keys_are_paths_under_the_configured_folders(app):
    area("uploads").put("0123abcd", b"kept")
    area("certificates").put("dosta-2013/0a1b.pdf", b"pdf")

    with open(os.path.join(app.config["UPLOAD_FOLDER"], "0123abcd"), "rb") as existing:
        assert existing.read() == b"kept"
    with open(os.path.join(app.config["CERTIFICATE_FOLDER"], "dosta-2013", "0a1b.pdf"), "rb") as existing:
        assert existing.read() == b"pdf"


@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_s3_keys_are_under_the_prefix_and_the_area(app):
    exports = area("exports")
    exports.put("1-ranking.csv", b"rank")

    listed = exports.client.list_objects_v2(Bucket=exports.bucket, Prefix=app.config["S3_PREFIX"])
    assert [item["Key"] for item in listed["Contents"]] == [f"{app.config['S3_PREFIX']}exports/1-ranking.csv"]


def test_remove_unfinished_removes_only_dead_writes(app, storage_backend):
    exports = area("exports")
    exports.put("ready.zip", b"whole")
    if storage_backend == "local":
        (exports.root / ".half.zip.x1.partial").write_bytes(b"half")
    else:
        exports.client.create_multipart_upload(Bucket=exports.bucket, Key=exports.object_key("half.zip"))

    if storage_backend == "local":  # moto dates every multipart upload 2010-11-10: only the local side can
        assert exports.remove_unfinished(before=utcnow() - timedelta(minutes=5)) == 0  # show a young one kept
    assert exports.remove_unfinished(before=utcnow() + timedelta(minutes=5)) == 1

    assert stored.keys("exports") == ["ready.zip"]
    if storage_backend == "s3":
        uploads = exports.client.list_multipart_uploads(Bucket=exports.bucket, Prefix=exports.prefix)
        assert uploads.get("Uploads", []) == []


# --- Configuration ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND must be 'local' or 's3'"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": ""}, "needs S3_BUCKET"),
        ({"STORAGE_DOWNLOADS": "email"}, "STORAGE_DOWNLOADS must be 'app' or 'presigned'"),
        ({"CERTIFICATE_FOLDER": "{tmp}/u"}, "CERTIFICATE_FOLDER and UPLOAD_FOLDER must be separate folders"),
        ({"EXPORT_FOLDER": "{tmp}/u/exports"}, "EXPORT_FOLDER and UPLOAD_FOLDER must be separate folders"),
    ],
)
@pytest.mark.parametrize("storage_backend", ["local"], indirect=True)
def test_a_wrong_setting_stops_the_start_with_its_name(tmp_path, settings, message, storage_backend):
    settings = {key: value.replace("{tmp}", str(tmp_path)) for key, value in settings.items()}
    folders = {key: str(tmp_path / key) for key in ("CERTIFICATE_FOLDER", "EXPORT_FOLDER")}

    with pytest.raises(RuntimeError, match=message):
        create_app("testing", UPLOAD_FOLDER=str(tmp_path / "u"), **{**folders, **settings})


# --- Files that follow the transaction ----------------------------------------------------------------------


def test_put_in_a_transaction_kept_by_its_commit(app):
    transaction.put("uploads", "aaaa", b"kept")
    assert transaction.pending()["written"] == [("uploads", "aaaa")]

    db.session.commit()

    assert stored.read("uploads", "aaaa") == b"kept"
    assert transaction.pending() == {"written": [], "doomed": []}


def test_put_in_a_transaction_deleted_by_its_rollback(app):
    db.session.execute(select(1))  # a transaction has begun
    transaction.put("uploads", "aaaa", b"undone")

    db.session.rollback()

    assert stored.keys("uploads") == []


def test_put_in_a_savepoint_deleted_by_its_rollback_only(app):
    transaction.put("uploads", "aaaa", b"outer")
    with db.session.begin_nested() as savepoint:
        transaction.put("uploads", "bbbb", b"inner")
        savepoint.rollback()
    db.session.commit()

    assert stored.keys("uploads") == ["aaaa"]


def test_put_whose_commit_fails_is_deleted(app):
    def refuse(session):
        raise RuntimeError("the database went away")

    transaction.put("uploads", "aaaa", b"lost")
    from sqlalchemy import event

    session = db.session()
    event.listen(session, "before_commit", refuse)
    try:
        with pytest.raises(RuntimeError):
            db.session.commit()
    finally:
        event.remove(session, "before_commit", refuse)
    db.session.rollback()

    assert stored.keys("uploads") == []


def test_delete_after_commit_waits_for_the_commit_and_forgets_a_rollback(app):
    area("uploads").put("aaaa", b"a")
    area("uploads").put("bbbb", b"b")

    transaction.delete_after_commit("uploads", "aaaa")
    assert stored.keys("uploads") == ["aaaa", "bbbb"]
    db.session.commit()
    transaction.delete_after_commit("uploads", "bbbb")
    db.session.rollback()
    db.session.commit()

    assert stored.keys("uploads") == ["bbbb"]


# --- The sweep ----------------------------------------------------------------------------------------------


def test_sweep_removes_old_orphans_only(app, make):
    application = make.application()
    attachment = make.attachment(application)
    db.session.commit()
    area("uploads").put("0000", b"orphan: a crash between the upload and the commit")
    later = utcnow() + timedelta(hours=app.config["STORAGE_ORPHAN_HOURS"], minutes=1)

    assert sweep.orphans("uploads") == []  # too young: its transaction may still be running
    assert sweep.orphans("uploads", now=later) == ["0000"]
    removed = sweep.sweep_stored_files(now=later)

    assert removed == 1
    assert stored.keys("uploads") == [attachment.stored_name]
    assert [a.stored_name for a in db.session.scalars(select(Attachment))] == [attachment.stored_name]


def test_sweep_never_touches_an_area_nobody_owns(app, monkeypatch):
    monkeypatch.setattr(sweep, "_OWNERS", {})
    area("uploads").put("0000", b"unknown")

    assert sweep.sweep_stored_files(now=utcnow() + timedelta(days=365)) == 0
    assert stored.keys("uploads") == ["0000"]


# --- Presigned downloads ------------------------------------------------------------------------------------


def test_presigned_url_carries_the_headers_and_a_short_life(app, storage_backend):
    exports = area("exports")
    exports.put("1-ranking.csv", b"rank")

    url = exports.presigned_url(
        "1-ranking.csv",
        seconds=60,
        content_type="text/csv",
        disposition="attachment; filename=ranking.csv",
        cache_control="private, no-cache",
    )

    if storage_backend == "local":
        assert url is None
        return
    query = parse_qs(urlsplit(url).query)
    assert query["response-content-type"] == ["text/csv"]
    assert query["response-content-disposition"] == ["attachment; filename=ranking.csv"]
    assert query.get("X-Amz-Expires", query.get("Expires")) is not None
    import urllib.request

    with urllib.request.urlopen(url) as answer:  # noqa: S310 (the test's own server)
        assert answer.read() == b"rank"
        assert answer.headers["Content-Disposition"] == "attachment; filename=ranking.csv"
