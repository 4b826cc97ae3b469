"""Create a backup of the whole installation, and restore one into an empty installation."""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from flask_migrate import upgrade
from sqlalchemy import inspect

from app.audit.services import record
from app.backup import archive, files, rows
from app.db import utcnow
from app.extensions import db, migrate
from app.shared_cache import forget_everything


@dataclass(frozen=True)
class Summary:
    path: Path
    sha256: str
    rows: dict[str, int]
    files: int


def head_revision() -> str:
    config = migrate.get_config(current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def create(path: Path) -> Summary:
    """Write the archive at `path` (and its `.sha256`); the schema must be up to date."""
    revision, head = current_revision(), head_revision()
    if revision != head:
        raise archive.BackupProblem(
            _(
                "The database's schema is at revision %(revision)s, this version's is %(head)s: "
                "run `flask --app wsgi db upgrade` first.",
                revision=revision,
                head=head,
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    writer = archive.Writer(partial)
    counts: dict[str, int] = {}
    file_count = 0
    try:
        # One read-only transaction for every table: the rows are consistent with one another.
        with db.engine.connect() as connection, connection.begin():
            for table in rows.tables():
                with tempfile.TemporaryFile("w+b") as scratch:
                    text = io.TextIOWrapper(scratch, encoding="utf-8", newline="\n")
                    counts[table.name] = rows.dump_table(connection, table, text)
                    text.flush()
                    size = scratch.tell()
                    scratch.seek(0)
                    writer.add(f"database/{table.name}.jsonl", scratch, size)
                    text.detach()
        for area in files.AREAS:
            for name, size in files.stored_files(area):
                with files.open_file(area, name) as source:
                    writer.add(f"files/{area}/{name}", source, size)
                file_count += 1
        writer.close(
            {
                "format": archive.FORMAT,
                "format_version": archive.FORMAT_VERSION,
                "created_at": utcnow().isoformat(),
                "revision": revision,
                "database": db.engine.dialect.name,
                "tables": [table.name for table in rows.tables()],
                "rows": counts,
                "files": file_count,
            }
        )
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    digest = archive.write_sidecar(path)
    audit_command(
        "backup.created",
        {"file": path.name, "sha256": digest, "rows": sum(counts.values()), "files": file_count},
    )
    return Summary(path, digest, counts, file_count)


def audit_command(action: str, after: dict, edition_id: int | None = None) -> None:
    """The audit log's entry for a backup command (run from the command line: no actor, no address)."""
    record(action, after=after, edition_id=edition_id)
    db.session.commit()


def restore(path: Path) -> Summary:
    """Check the whole archive, then restore it into this empty installation; raises BackupProblem."""
    manifest = archive.verify(path)
    head = head_revision()
    if manifest["revision"] != head:
        raise archive.BackupProblem(
            _(
                "The backup's schema is revision %(revision)s, this version's is %(head)s: restore it with "
                "the version of prizejury that made it, then upgrade.",
                revision=manifest["revision"],
                head=head,
            )
        )
    if not inspect(db.engine).get_table_names():
        upgrade()
    elif current_revision() != head:
        raise archive.BackupProblem(
            _(
                "The database's schema is at revision %(revision)s: run `flask --app wsgi db upgrade` first.",
                revision=current_revision(),
            )
        )
    with db.engine.connect() as connection:
        occupied = {
            name: count for name, count in rows.row_counts(connection, every_table=True).items() if count
        }
    if occupied:
        listed = ", ".join(f"{name} ({count})" for name, count in sorted(occupied.items()))
        raise archive.BackupProblem(
            _(
                "This installation is not empty (%(tables)s): a backup restores only into an empty database.",
                tables=listed,
            )
        )
    known = {table.name: table for table in rows.tables()}
    counts: dict[str, int] = {}
    file_count = 0
    with db.engine.connect() as connection, connection.begin():
        for member in archive.members(path):
            kind, _slash, rest = member.name.partition("/")
            if kind == "database":
                table = known[rest.removesuffix(".jsonl")]
                lines = io.TextIOWrapper(member.stream, encoding="utf-8")
                counts[table.name] = rows.load_table(connection, table, rows.read_rows(lines))
            elif kind == "files":
                area, _slash, name = rest.partition("/")
                if area not in files.AREAS:
                    raise archive.BackupProblem(
                        _("%(path)s: unknown file area %(area)s.", path=path, area=area)
                    )
                files.write_file(area, name, member.stream)
                file_count += 1
        rows.reset_sequences(connection)
        if counts != manifest["rows"]:
            raise archive.BackupProblem(
                _("%(path)s: the rows read differ from the manifest's counts.", path=path)
            )
    # Ids and ranking versions start again from the backup's: values kept for this installation's old rows
    # (app/shared_cache.py) could match the restored ones' keys.
    forget_everything()
    digest = archive.file_sha256(path)
    audit_command(
        "backup.restored",
        {"file": path.name, "sha256": digest, "made": manifest["created_at"], "rows": sum(counts.values())},
    )
    return Summary(path, digest, counts, file_count)
