"""The stored files a backup carries: each area of the file storage (app/storage/: attachments,
certificates, prepared files), whichever backend holds them (local folders or an S3 bucket)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from app import storage
from app.storage.backends import FileMissing

AREAS = tuple(storage.AREAS)


def stored_files(area: str) -> Iterator[tuple[str, int]]:
    """(key, size) of every finished file of the area, by key (files being written are left out)."""
    for entry in storage.area(area).entries():
        yield entry.key, entry.size


def file_size(area: str, key: str) -> int | None:
    """The stored file's size, or None when there is no such file."""
    try:
        return storage.area(area).size(key)
    except FileMissing:
        return None


def open_file(area: str, key: str) -> BinaryIO:
    return storage.area(area).open(key)


def write_file(area: str, key: str, source: BinaryIO) -> None:
    """Store the file under its key (refused when the key is not one the storage accepts)."""
    storage.area(area).put(storage.backends.check_key(key), source)


def delete_file(area: str, key: str) -> None:
    storage.area(area).delete(key)
