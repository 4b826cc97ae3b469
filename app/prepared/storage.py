"""Where prepared files are stored (EXPORT_FOLDER, outside static/) and how one is written.

A file is written under a hidden temporary name beside its final one and moved into place with
``os.replace`` only once it is complete, so a reader never sees half a file; its size and SHA-256 are
read back from the disk in chunks, so nothing is held in memory whatever its size.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PARTIAL = ".partial"


def folder() -> Path:
    return Path(current_app.config["EXPORT_FOLDER"]).resolve()


def path_of(file_name: str) -> Path:
    """The absolute path of a stored file; refuses anything outside EXPORT_FOLDER."""
    root = folder()
    path = (root / file_name).resolve()
    if not file_name or not path.is_relative_to(root) or path == root:
        raise ValueError(f"not a prepared file: {file_name!r}")
    return path


def digest(path: Path) -> tuple[int, str]:
    """(size in bytes, SHA-256 in hex) of a file, read in chunks."""
    sha, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return size, sha.hexdigest()


def write_file(file_name: str, write: Callable[[BinaryIO], None]) -> tuple[int, str]:
    """Store what `write(out)` writes as `file_name`: all of it, or (when it raises) nothing.

    Returns its size and SHA-256.
    """
    final = path_of(file_name)
    final.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=PARTIAL, dir=final.parent)
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        size, sha256 = digest(temp)
        os.replace(temp, final)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return size, sha256


def remove(file_name: str | None) -> None:
    if not file_name:
        return
    try:
        path_of(file_name).unlink(missing_ok=True)
    except (OSError, ValueError):
        log.exception("could not remove the prepared file %s", file_name)


def remove_partial_files(before: datetime) -> int:
    """Remove what workers that died while writing left behind, last written before `before`; returns how
    many."""
    root = folder()
    if not root.is_dir():
        return 0
    limit, removed = before.timestamp(), 0
    for path in root.glob(f".*{PARTIAL}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except OSError:
            log.exception("could not remove the partial file %s", path)
    return removed
