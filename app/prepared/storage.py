"""Where prepared files are stored (the ``exports`` area of app/storage/: EXPORT_FOLDER, outside static/,
or an S3 bucket) and how one is written.

A file is made into a temporary file of this machine, its size and SHA-256 read back in chunks, then
stored under a key of its own (``<id>-<kind>-<random>.<ext>``, so two attempts at one file never share a
key) for the job's transaction: the commit that records it ready keeps it, a rollback deletes it. Nothing
is held in memory whatever its size, and a reader never sees half a file.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import tempfile
from collections.abc import Callable
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select

from app.extensions import db
from app.prepared.models import PreparedFile
from app.storage import CHUNK, area, check_key, sweep, transaction

log = logging.getLogger(__name__)

AREA = "exports"


def new_name(file_id: int, kind: str, extension: str) -> str:
    return f"{file_id}-{kind}-{secrets.token_hex(8)}.{extension}"


def key_of(file_name: str) -> str:
    """The storage key of a stored file's name; refuses anything that is not a plain key."""
    return check_key(file_name)


def digest(stream: BinaryIO) -> tuple[int, str]:
    """(size in bytes, SHA-256 in hex) of an open file, read in chunks from its start."""
    sha, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
    return size, sha.hexdigest()


def write_file(file_name: str, write: Callable[[BinaryIO], None]) -> tuple[int, str]:
    """Store what `write(out)` writes as `file_name` for the current transaction: all of it, or (when it
    raises) nothing. Returns its size and SHA-256."""
    key = key_of(file_name)
    with tempfile.TemporaryFile(prefix="prizejury-prepared-") as out:
        write(out)
        out.flush()
        size, sha256 = digest(out)
        out.seek(0)
        transaction.put(AREA, key, out)
    return size, sha256


def remove(file_name: str | None) -> None:
    if not file_name:
        return
    try:
        area(AREA).delete(key_of(file_name))
    except Exception:
        log.exception("could not remove the prepared file %s", file_name)


def remove_partial_files(before: datetime) -> int:
    """Remove what writes that died left behind, started before `before`; returns how many."""
    return area(AREA).remove_unfinished(before)


@sweep.owns(AREA)
def _recorded_files() -> list[str]:
    return list(db.session.scalars(select(PreparedFile.file_name).where(PreparedFile.file_name.is_not(None))))
