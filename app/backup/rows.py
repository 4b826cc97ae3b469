"""Table rows to JSON lines and back, through the models' metadata.

Values keep their type across backends: an instant is written in ISO 8601 with its offset, a decimal as its
text, bytes in base64; everything else is plain JSON. Each such value is a one-key object whose key cannot
be a column value's own ("$datetime", ...).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection

from app.extensions import db

# Not kept: everyone signs in again after a restore.
LEFT_OUT = frozenset({"login_sessions"})
BATCH = 500


def tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    return [table for table in db.metadata.sorted_tables if table.name not in LEFT_OUT]


def encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Enum):
        return value.value
    return value


DECODERS = {
    "$datetime": datetime.fromisoformat,
    "$date": date.fromisoformat,
    "$decimal": Decimal,
    "$bytes": base64.b64decode,
}


def decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key in DECODERS:
            return DECODERS[key](inner)
    return value


def dump_table(connection: Connection, table: Table, out: IO[str]) -> int:
    """Write every row of the table to `out`, one JSON object a line, in primary-key order; the row count."""
    count = 0
    statement = select(table).order_by(*table.primary_key.columns)
    for row in connection.execution_options(yield_per=BATCH).execute(statement).mappings():
        out.write(to_line(row))
        count += 1
    return count


def to_line(row: dict[str, Any]) -> str:
    return json.dumps({key: encode(value) for key, value in row.items()}, ensure_ascii=False) + "\n"


def read_rows(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for line in lines:
        if line.strip():
            yield {key: decode(value) for key, value in json.loads(line).items()}


def load_table(connection: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert the rows, ids included, in batches; the row count."""
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(insert(table), batch)
        count += len(batch)
    return count


def row_counts(connection: Connection, every_table: bool = False) -> dict[str, int]:
    chosen = db.metadata.sorted_tables if every_table else tables()
    return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in chosen}


def reset_sequences(connection: Connection) -> None:
    """After inserting ids by hand, PostgreSQL's sequences must start past them (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and column.type.python_type is int
            ):
                sequence = connection.scalar(
                    text("SELECT pg_get_serial_sequence(:table, :column)"),
                    {"table": table.name, "column": column.name},
                )
                if sequence:
                    connection.execute(
                        text(
                            f'SELECT setval(:sequence, COALESCE((SELECT MAX("{column.name}") '  # noqa: S608
                            f'FROM "{table.name}"), 0) + 1, false)'
                        ),
                        {"sequence": sequence},
                    )
