"""flask backup create/verify/restore: database and files together, checked, into an empty installation."""

import re
import tarfile
from pathlib import Path

import pytest
from flask_migrate import stamp
from sqlalchemy import func, select, text

from app import create_app, shared_cache, storage
from app.auth.models import Organisation
from app.backup import rows
from app.certificates.models import Certificate
from app.extensions import db as _db
from app.submissions.models import Application, Attachment
from tests import factories
from tests.conftest import fresh_requests, storage_settings
from tests.crawl import ROLES, crawl, log_in, start_urls
from tests.databases import Installations, empty_database_url

# What differs between two requests of the same page: the CSRF token, the seconds left in the session.
CSRF = re.compile(
    r'(name="csrf_token"[^>]*value=|name="csrf-token" content=|data-csrf=|data-expires-in=)"[^"]*"'
)


AT_BACKUP: dict = {}
# Pages about what a backup leaves out on purpose: the sign-in sessions.
NOT_BACKED_UP_PAGES = {"/account/sessions"}


@pytest.fixture(scope="module")
def backup(demo_app, tmp_path_factory):
    # The test database is built from the models, not the migrations: say it is at the head revision.
    with demo_app.app_context():
        stamp()
        application = _db.session.scalars(select(Application).order_by(Application.id)).first()
        factories.attachment(application, data=b"%PDF-1.4\nplan\n%%EOF\n", name="plan.pdf")
        _db.session.commit()
    path = tmp_path_factory.mktemp("backup") / "prizejury.tar.gz"
    # What is backed up (the tests' logins change the demo's rows afterwards; the backup's own audit entry
    # is written once it is made).
    AT_BACKUP.update(rows=_table_rows(demo_app), files=_stored(demo_app))
    result = _invoke(demo_app, "backup", "create", str(path))
    assert result.exit_code == 0, result.output
    yield path
    with demo_app.app_context(), _db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def _invoke(app, *args):
    # with_appcontext keeps whatever app is current (the demo's, in this module): make this one current.
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def _empty_installation(folder: Path, backend: str = "local", request=None):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url(folder),
        **storage_settings(backend, request, folder),
        JOBS_QUEUE_URL=f"sqlite:///{folder / 'jobs.sqlite3'}",
    )
    return OTHERS.add(fresh_requests(app))


OTHERS = Installations()


@pytest.fixture(autouse=True)
def _close_other_installations():
    yield
    OTHERS.close()


def _table_rows(app) -> dict[str, list[dict]]:
    with app.app_context(), _db.engine.connect() as connection:
        return {
            table.name: [
                {key: rows.encode(value) for key, value in row.items()}
                for row in connection.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            ]
            for table in rows.tables()
        }


def _page(client, url: str) -> str:
    return CSRF.sub("", client.get(url).get_data(as_text=True))


def test_backup_create_writes_the_archive_and_its_checksum(backup, demo_app):
    sidecar = Path(f"{backup}.sha256").read_text()
    assert sidecar.endswith(f"  {backup.name}\n")
    with tarfile.open(backup) as tar:
        names = tar.getnames()
    assert names[-1] == "manifest.json"
    assert "database/editions.jsonl" in names
    assert not any(name.startswith("database/login_sessions") for name in names)
    with demo_app.app_context():
        stored = _db.session.scalars(select(Attachment.stored_name)).all()
        issued = _db.session.scalars(
            select(Certificate.file_name).where(Certificate.sha256.is_not(None))
        ).all()
    assert stored and issued
    assert {f"files/uploads/{name}" for name in stored} <= set(names)
    assert {f"files/certificates/{name}" for name in issued} <= set(names)


def _stored(app) -> dict[str, dict[str, bytes]]:
    """Every stored file of the installation, by area and key, whatever its storage backend."""
    with app.app_context():
        contents = {}
        for name in storage.AREAS:
            area = storage.area(name)
            contents[name] = {}
            for entry in area.entries():
                with area.open(entry.key) as handle:
                    contents[name][entry.key] = handle.read()
        return contents


@pytest.mark.both_backends
def test_backup_restore_into_an_empty_installation_gives_the_same_data_files_and_pages(
    backup, demo_app, tmp_path, storage_backend, request
):
    restored = _empty_installation(tmp_path, storage_backend, request)
    result = _invoke(restored, "backup", "restore", str(backup))
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output

    after = _table_rows(restored)
    after["audit_events"] = [row for row in after["audit_events"] if row["action"] != "backup.restored"]
    assert after == AT_BACKUP["rows"]
    assert AT_BACKUP["files"]["uploads"] and AT_BACKUP["files"]["certificates"]
    assert _stored(restored) == AT_BACKUP["files"]

    for role in ROLES:
        with demo_app.app_context():
            original = demo_app.test_client()
            if ROLES[role]:
                log_in(original, role)
            urls = crawl(original, start_urls(role), per_endpoint=1, limit=60)
            pages = {url: _page(original, url) for url in urls}
        with restored.app_context():
            copy = restored.test_client()
            if ROLES[role]:
                log_in(copy, role)
            for url, html in pages.items():
                if url in NOT_BACKED_UP_PAGES:
                    continue
                assert _page(copy, url) == html, f"{role}: {url} differs after the restore"


def test_backup_restore_continues_the_ids_after_the_restored_rows(backup, tmp_path):
    restored = _empty_installation(tmp_path)
    assert _invoke(restored, "backup", "restore", str(backup)).exit_code == 0
    with restored.app_context():
        highest = _db.session.scalar(select(func.max(Organisation.id)))
        organisation = factories.organisation()
        _db.session.commit()
        assert organisation.id == highest + 1


def test_backup_restore_drops_the_values_kept_for_the_old_rows(backup, tmp_path):
    restored = _empty_installation(tmp_path)
    with restored.app_context():
        shared_cache.cache.set("ranking:1:1:mean", "computed before the restore")
    assert _invoke(restored, "backup", "restore", str(backup)).exit_code == 0
    with restored.app_context():
        assert shared_cache.cache.get("ranking:1:1:mean") is None


def test_backup_restore_refuses_a_damaged_archive_and_changes_nothing(backup, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    restored = _empty_installation(tmp_path)

    result = _invoke(restored, "backup", "restore", str(damaged))

    assert result.exit_code == 1
    assert "damaged" in result.output or "truncated" in result.output
    with restored.app_context():
        from sqlalchemy import inspect

        assert inspect(_db.engine).get_table_names() == []
    assert _stored(restored) == {name: {} for name in storage.AREAS}


def test_backup_restore_refuses_an_archive_that_does_not_match_its_checksum_file(backup, tmp_path):
    copy = tmp_path / "copy.tar.gz"
    copy.write_bytes(backup.read_bytes())
    Path(f"{copy}.sha256").write_text("0" * 64 + "  copy.tar.gz\n")

    result = _invoke(_empty_installation(tmp_path), "backup", "verify", str(copy))

    assert result.exit_code == 1
    assert "does not match the checksum" in result.output


def test_backup_restore_refuses_an_installation_that_holds_data(backup, demo_app):
    with demo_app.app_context():
        before = _table_rows(demo_app)
    result = _invoke(demo_app, "backup", "restore", str(backup))
    assert result.exit_code == 1
    assert "not empty" in result.output
    assert _table_rows(demo_app) == before


def test_backup_verify_reports_an_intact_archive(backup, demo_app):
    result = _invoke(demo_app, "backup", "verify", str(backup))
    assert result.exit_code == 0, result.output
    assert "is intact" in result.output


def test_backup_verify_refuses_a_file_that_is_not_a_backup(tmp_path, demo_app):
    other = tmp_path / "notes.tar.gz"
    other.write_bytes(b"not an archive")
    result = _invoke(demo_app, "backup", "verify", str(other))
    assert result.exit_code == 1
    assert "not a prizejury backup" in result.output


def test_rows_codec_keeps_every_type():
    from datetime import UTC, date, datetime
    from decimal import Decimal

    values = [
        datetime(2013, 5, 2, 9, 30, tzinfo=UTC),
        date(2013, 5, 2),
        Decimal("7.50"),
        b"\x00\xff",
        "text",
        3,
    ]
    assert [rows.decode(rows.encode(value)) for value in values] == values


def test_backup_restore_refuses_a_member_outside_the_storage_keys(backup, tmp_path):
    import hashlib
    import io
    import json

    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(backup) as source, tarfile.open(hostile, "w:gz") as target:
        manifest = json.loads(source.extractfile("manifest.json").read())
        for info in source.getmembers():
            if info.name != "manifest.json":
                target.addfile(info, source.extractfile(info))
        payload = b"planted"
        info = tarfile.TarInfo("files/uploads/../../escaped")
        info.size = len(payload)
        target.addfile(info, io.BytesIO(payload))
        manifest["members"]["files/uploads/../../escaped"] = {
            "sha256": hashlib.sha256(payload).hexdigest(),
            "size": len(payload),
        }
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        target.addfile(info, io.BytesIO(body))
    restored = _empty_installation(tmp_path)

    result = _invoke(restored, "backup", "restore", str(hostile))

    assert result.exit_code == 1
    assert "unexpected member" in result.output
    assert not (tmp_path.parent / "escaped").exists()


def test_backup_create_and_restore_are_audited(backup, demo_app, tmp_path):
    from app.audit.models import AuditEvent

    with demo_app.app_context():
        created = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.created")).all()
    assert [event.after["file"] for event in created] == [backup.name]
    restored = _empty_installation(tmp_path)
    assert _invoke(restored, "backup", "restore", str(backup)).exit_code == 0
    with restored.app_context():
        event = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.restored")).one()
        assert event.after["sha256"] == Path(f"{backup}.sha256").read_text().split()[0]
