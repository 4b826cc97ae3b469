"""The stored files a backup carries: each area (attachments, certificates, prepared files), its files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from flask import current_app

# area in the archive -> the setting naming where its files are kept
AREAS = {"uploads": "UPLOAD_FOLDER", "certificates": "CERTIFICATE_FOLDER", "exports": "EXPORT_FOLDER"}


def _root(area: str) -> Path:
    return Path(current_app.config[AREAS[area]]).resolve()


def stored_files(area: str) -> Iterator[tuple[str, int]]:
    """(name, size) of every finished file of the area, by name (files being written are skipped)."""
    root = _root(area)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
            yield path.relative_to(root).as_posix(), path.stat().st_size


def file_size(area: str, name: str) -> int | None:
    """The stored file's size, or None when there is no such file."""
    path = _root(area) / name
    return path.stat().st_size if path.is_file() else None


def delete_file(area: str, name: str) -> None:
    (_root(area) / name).unlink(missing_ok=True)


def open_file(area: str, name: str) -> BinaryIO:
    return (_root(area) / name).open("rb")


def write_file(area: str, name: str, source: BinaryIO) -> None:
    root = _root(area)
    target = (root / name).resolve()
    if not target.is_relative_to(root) or target == root:
        raise ValueError(f"not a file of {area}: {name!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    with partial.open("wb") as handle:
        shutil.copyfileobj(source, handle)
    partial.replace(target)
