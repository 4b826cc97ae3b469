"""One edition, exported whole to a file and imported into another installation.

`flask --app wsgi backup export-edition SLUG FILE` writes the edition's settings and criteria, its
applications with their answers and attachments, the jury, assignments, conflicts, score sheets, awards,
certificates with their files, the certificate design, the publication plan and the edition's audit trail,
with the people, organisations and pictures they refer to. The archive is the backup's (app/backup/archive.py:
members checked against a manifest, a `.sha256` beside it). Accounts travel without their password hash.

`flask --app wsgi backup import-edition FILE` checks the archive, then inserts everything in one transaction
under new ids: people are matched by email and organisations by name and country, pictures by their SHA-256;
who is new is created (an account without a password: its owner sets one with "Forgot your password?"). It
refuses, changing nothing, an edition whose address, references, certificate codes or files the installation
already holds. Left out: the email delivery log (a worker would send its queued messages again) and prepared
files (made again on request).
"""

from __future__ import annotations

import io
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import Select, Table, func, insert, select, update
from sqlalchemy.engine import Connection

from app.backup import archive, files, rows
from app.backup.installation import audit_command, head_revision
from app.db import utcnow
from app.extensions import db

FORMAT = "prizejury-edition"
EDITIONS = "editions"
# Each table of an edition: the column that says which row it belongs to, and that row's table.
OWNED = {
    "criteria": ("edition_id", EDITIONS),
    "applications": ("edition_id", EDITIONS),
    "criterion_answers": ("application_id", "applications"),
    "attachments": ("application_id", "applications"),
    "jury_members": ("edition_id", EDITIONS),
    "assignments": ("application_id", "applications"),
    "conflicts_of_interest": ("application_id", "applications"),
    "score_sheets": ("assignment_id", "assignments"),
    "criterion_scores": ("sheet_id", "score_sheets"),
    "awards": ("edition_id", EDITIONS),
    "certificates": ("edition_id", EDITIONS),
    "certificate_designs": ("edition_id", EDITIONS),
    "certificate_signatories": ("design_id", "certificate_designs"),
    "publication_plans": ("edition_id", EDITIONS),
    "audit_events": ("edition_id", EDITIONS),
}
# Rows an edition refers to and other editions share: matched on import by what identifies them.
SHARED = {
    "certificate_pictures": ("sha256",),
    "organisations": ("name", "country"),
    "users": ("email",),
}
# Not part of an edition: sessions, the site's settings, the delivery log, prepared files.
NOT_EXPORTED = frozenset({"login_sessions", "site_settings", "emails", "prepared_files"})
# Where a row's file lives: table -> (file area, column naming the file).
FILES = {"attachments": ("uploads", "stored_name"), "certificates": ("certificates", "file_name")}
# Ids kept inside a JSON list: (table, column) -> the table they point to.
ID_LISTS = {(EDITIONS, "tie_break_criteria"): "criteria"}
# Values the installation holds once, that an imported edition must not repeat: (table, column).
UNIQUE_VALUES = (
    (EDITIONS, "slug"),
    ("applications", "reference"),
    ("attachments", "stored_name"),
    ("certificates", "verification_code"),
)
SECRET_COLUMNS = {"users": ("password_hash",)}


@dataclass(frozen=True)
class Summary:
    path: Path
    slug: str
    rows: dict[str, int]
    files: int


def _tables() -> dict[str, Table]:
    return db.metadata.tables


def owned_order() -> list[str]:
    """The edition's tables, parents first; the audit trail last (its rows name objects of every table)."""
    names = [table.name for table in db.metadata.sorted_tables if table.name in OWNED]
    names.remove("audit_events")
    return [EDITIONS, *names, "audit_events"]


def unclassified_tables() -> set[str]:
    """Tables this module does not know what to do with (a test keeps this empty)."""
    known = {EDITIONS, *OWNED, *SHARED, *NOT_EXPORTED}
    return set(_tables()) - known


# --- Export ------------------------------------------------------------------------------------------------


def _selections(edition_id: int) -> dict[str, Select]:
    """For each of the edition's tables, the SELECT of its rows, built on its parent's."""
    tables = _tables()
    editions = tables[EDITIONS]
    chosen: dict[str, Select] = {EDITIONS: select(editions).where(editions.c.id == edition_id)}
    ids: dict[str, Select] = {EDITIONS: select(editions.c.id).where(editions.c.id == edition_id)}
    for name in owned_order()[1:]:
        table = tables[name]
        column, parent = OWNED[name]
        condition = table.c[column].in_(ids[parent])
        chosen[name] = select(table).where(condition).order_by(*table.primary_key.columns)
        if "id" in table.c:
            ids[name] = select(table.c.id).where(condition)
    return chosen


def _referenced(connection: Connection, selections: dict[str, Select]) -> dict[str, set[int]]:
    """The ids of the shared rows the edition's rows point to (organisations of those people included)."""
    tables = _tables()
    found: dict[str, set[int]] = defaultdict(set)
    for name, statement in selections.items():
        for key in tables[name].foreign_keys:
            target = key.column.table.name
            if target in SHARED:
                subquery = statement.subquery()
                found[target].update(
                    value
                    for value in connection.scalars(select(subquery.c[key.parent.name]).distinct())
                    if value is not None
                )
    users = tables["users"]
    if found["users"]:
        found["organisations"].update(
            value
            for value in connection.scalars(
                select(users.c.organisation_id).where(users.c.id.in_(sorted(found["users"])))
            )
            if value is not None
        )
    return found


def _add_rows(writer: archive.Writer, name: str, statement: Select, connection: Connection) -> int:
    secret = SECRET_COLUMNS.get(name, ())
    count = 0
    with tempfile.TemporaryFile("w+b") as scratch:
        text = io.TextIOWrapper(scratch, encoding="utf-8", newline="\n")
        for row in connection.execution_options(yield_per=rows.BATCH).execute(statement).mappings():
            values = {key: (None if key in secret else value) for key, value in row.items()}
            text.write(rows.to_line(values))
            count += 1
        text.flush()
        size = scratch.tell()
        scratch.seek(0)
        writer.add(f"edition/{name}.jsonl", scratch, size)
        text.detach()
    return count


def export_edition(slug: str, path: Path) -> Summary:
    tables = _tables()
    editions = tables[EDITIONS]
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    counts: dict[str, int] = {}
    file_count = 0
    with db.engine.connect() as connection, connection.begin():
        edition_id = connection.scalar(select(editions.c.id).where(editions.c.slug == slug))
        if edition_id is None:
            raise archive.BackupProblem(_("No edition has the address %(slug)s.", slug=slug))
        writer = archive.Writer(partial)
        try:
            selections = _selections(edition_id)
            referenced = _referenced(connection, selections)
            for name in SHARED:
                table = tables[name]
                statement = select(table).where(table.c.id.in_(sorted(referenced[name]))).order_by(table.c.id)
                counts[name] = _add_rows(writer, name, statement, connection)
            for name in owned_order():
                counts[name] = _add_rows(writer, name, selections[name], connection)
            for name, (area, column) in FILES.items():
                subquery = selections[name].subquery()
                for file_name in connection.scalars(
                    select(subquery.c[column]).where(subquery.c[column] != "")
                ):
                    size = files.file_size(area, file_name)
                    if size is None:
                        continue  # a certificate not rendered yet: the importing workers render it
                    with files.open_file(area, file_name) as source:
                        writer.add(f"files/{area}/{file_name}", source, size)
                    file_count += 1
            writer.close(
                {
                    "format": FORMAT,
                    "format_version": archive.FORMAT_VERSION,
                    "created_at": utcnow().isoformat(),
                    "edition": slug,
                    "revision": _revision(),
                    "rows": counts,
                    "files": file_count,
                }
            )
            partial.replace(path)
        except BaseException:
            writer.abandon()
            partial.unlink(missing_ok=True)
            raise
    digest = archive.write_sidecar(path)
    audit_command(
        "edition.exported", {"file": path.name, "sha256": digest, "rows": sum(counts.values())}, edition_id
    )
    return Summary(path, slug, counts, file_count)


def _revision() -> str:
    return head_revision()


# --- Import ------------------------------------------------------------------------------------------------


def _without_id(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "id"}


def _read(path: Path) -> dict[str, list[dict]]:
    """The archive's rows by table (held in memory: it is one edition)."""
    by_table: dict[str, list[dict]] = {}
    for member in archive.members(path):
        kind, _slash, rest = member.name.partition("/")
        if kind == "edition":
            lines = io.TextIOWrapper(member.stream, encoding="utf-8")
            by_table[rest.removesuffix(".jsonl")] = list(rows.read_rows(lines))
    return by_table


def _clashes(connection: Connection, by_table: dict[str, list[dict]]) -> list[str]:
    tables = _tables()
    problems = []
    for name, column in UNIQUE_VALUES:
        values = [row[column] for row in by_table.get(name, []) if row.get(column)]
        if not values:
            continue
        table = tables[name]
        taken = connection.scalars(select(table.c[column]).where(table.c[column].in_(values)).limit(5)).all()
        if taken:
            problems.append(
                _(
                    "%(what)s already in this installation: %(values)s",
                    what=f"{name}.{column}",
                    values=", ".join(str(value) for value in taken),
                )
            )
    for name, (area, column) in FILES.items():
        for row in by_table.get(name, []):
            if row.get(column) and files.file_size(area, row[column]) is not None:
                problems.append(
                    _("A file named %(name)s is already stored in this installation.", name=row[column])
                )
                break
    return problems


def _match(connection: Connection, name: str, row: dict) -> int | None:
    table = _tables()[name]
    conditions = []
    for column in SHARED[name]:
        value = row[column]
        if name == "users" and column == "email":
            conditions.append(func.lower(table.c.email) == value.lower())
        else:
            conditions.append(table.c[column] == value)
    return connection.scalar(select(table.c.id).where(*conditions).limit(1))


def _remapped(table: Table, row: dict, ids: dict[str, dict[int, int]]) -> dict:
    values = dict(row)
    for key in table.foreign_keys:
        column = key.parent.name
        target = key.column.table.name
        if values.get(column) is not None:
            values[column] = ids[target][values[column]]
    return values


def _insert(connection: Connection, table: Table, batch: list[dict]) -> list[int]:
    if "id" not in table.c:
        connection.execute(insert(table), batch)
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(connection.scalars(statement, batch))


def _object_tables() -> dict[str, str]:
    """Model class name -> table name, for the audit trail's (object_type, object_id)."""
    return {mapper.class_.__name__: mapper.local_table.name for mapper in db.Model.registry.mappers}


def import_edition(path: Path) -> Summary:
    manifest = archive.verify(path, FORMAT)
    if manifest["revision"] != _revision():
        raise archive.BackupProblem(
            _(
                "The edition was exported at schema revision %(revision)s, this version's is %(head)s: "
                "import it with the version of prizejury that made it.",
                revision=manifest["revision"],
                head=_revision(),
            )
        )
    by_table = _read(path)
    tables = _tables()
    ids: dict[str, dict[int, int]] = defaultdict(dict)
    counts: dict[str, int] = {}
    written: list[tuple[str, str]] = []
    with db.engine.connect() as connection:
        try:
            with connection.begin():
                problems = _clashes(connection, by_table)
                if problems:
                    raise archive.BackupProblem(
                        _("The edition cannot be imported: %(problems)s", problems="; ".join(problems))
                    )
                for name in SHARED:
                    table = tables[name]
                    created = 0
                    for row in by_table.get(name, []):
                        existing = _match(connection, name, row)
                        if existing is None:
                            values = _remapped(table, _without_id(row), ids)
                            (existing,) = _insert(connection, table, [values])
                            created += 1
                        ids[name][row["id"]] = existing
                    counts[name] = created
                for name in owned_order():
                    table = tables[name]
                    source = by_table.get(name, [])
                    if name == "audit_events":
                        source = _audit_rows(source, ids)
                    for start in range(0, len(source), rows.BATCH):
                        chunk = source[start : start + rows.BATCH]
                        values = [_remapped(table, _without_id(row), ids) for row in chunk]
                        for row, new_id in zip(chunk, _insert(connection, table, values), strict=False):
                            ids[name][row["id"]] = new_id
                    counts[name] = len(source)
                _remap_id_lists(connection, by_table, ids)
                for member in archive.members(path):
                    kind, _slash, rest = member.name.partition("/")
                    if kind == "files":
                        area, _slash, file_name = rest.partition("/")
                        if area not in files.AREAS:
                            raise archive.BackupProblem(
                                _("%(path)s: unknown file area %(area)s.", path=path, area=area)
                            )
                        files.write_file(area, file_name, member.stream)
                        written.append((area, file_name))
        except BaseException:
            for area, file_name in written:
                files.delete_file(area, file_name)
            raise
    audit_command(
        "edition.imported",
        {"file": path.name, "sha256": archive.file_sha256(path), "rows": sum(counts.values())},
        ids[EDITIONS][by_table[EDITIONS][0]["id"]],
    )
    return Summary(path, manifest["edition"], counts, len(written))


def _audit_rows(source: Iterable[dict], ids: dict[str, dict[int, int]]) -> list[dict]:
    """The audit trail's objects are named by model and id: point them at the new ids (or at nothing)."""
    object_tables = _object_tables()
    result = []
    for row in source:
        table = object_tables.get(row.get("object_type") or "")
        object_id = row.get("object_id")
        result.append(
            {**row, "object_id": ids.get(table, {}).get(object_id) if object_id is not None else None}
        )
    return result


def _remap_id_lists(connection: Connection, by_table: dict[str, list[dict]], ids) -> None:
    tables = _tables()
    for (name, column), target in ID_LISTS.items():
        table = tables[name]
        for row in by_table.get(name, []):
            old = row.get(column) or []
            new = [ids[target][value] for value in old if value in ids[target]]
            connection.execute(update(table).where(table.c.id == ids[name][row["id"]]).values({column: new}))
