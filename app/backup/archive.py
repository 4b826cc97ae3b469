"""The backup archive: a gzip'd tar whose last member, manifest.json, gives the SHA-256 of every other member.

Members: `database/<table>.jsonl` (in restore order), `files/<area>/<name>`, then `manifest.json`.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from flask_babel import gettext as _

from app.storage import AREAS
from app.storage.backends import check_key

FORMAT = "prizejury-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupProblem(Exception):
    """The archive cannot be used; the message says why, for the operator."""


class _Hashing(io.RawIOBase):
    """Reads through to `source`, hashing what passes."""

    def __init__(self, source: BinaryIO):
        self.source = source
        self.sha = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        self.sha.update(data)
        buffer[: len(data)] = data
        return len(data)


class Writer:
    """Adds members while hashing them; `close(manifest)` writes the manifest last."""

    def __init__(self, path: Path):
        self.tar = tarfile.open(path, "w:gz", compresslevel=6)  # noqa: SIM115 (closed in close())
        self.members: dict[str, dict] = {}

    def add(self, name: str, source: BinaryIO, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o600
        hashing = _Hashing(source)
        self.tar.addfile(info, hashing)
        self.members[name] = {"sha256": hashing.sha.hexdigest(), "size": size}

    def abandon(self) -> None:
        self.tar.close()

    def close(self, manifest: dict) -> None:
        body = json.dumps({**manifest, "members": self.members}, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(body)
        info.mode = 0o600
        self.tar.addfile(info, io.BytesIO(body))
        self.tar.close()


@dataclass(frozen=True)
class Member:
    name: str
    stream: IO[bytes]


def file_sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def write_sidecar(path: Path) -> str:
    digest = file_sha256(path)
    Path(f"{path}.sha256").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return digest


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupProblem(
            _("%(path)s is not a prizejury backup (%(error)s).", path=path, error=error)
        ) from None


def verify(path: Path, expected_format: str = FORMAT) -> dict:
    """Check the archive (against its sidecar when there is one) and every member against the manifest.

    Returns the manifest; raises BackupProblem on the first difference, having changed nothing.
    """
    if not path.is_file():
        raise BackupProblem(_("%(path)s: no such file.", path=path))
    sidecar = Path(f"{path}.sha256")
    if sidecar.is_file():
        expected = (sidecar.read_text(encoding="utf-8").split() or [""])[0]
        if file_sha256(path) != expected:
            raise BackupProblem(
                _(
                    "%(path)s does not match the checksum in %(sidecar)s: the file is damaged.",
                    path=path,
                    sidecar=sidecar.name,
                )
            )
    seen: dict[str, str] = {}
    manifest_body = None
    try:
        with _open(path) as tar:
            for info in tar:
                if not info.isfile():
                    raise BackupProblem(_("%(path)s: unexpected member %(name)s.", path=path, name=info.name))
                handle = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_body = handle.read()
                    continue
                sha = hashlib.sha256()
                while chunk := handle.read(CHUNK):
                    sha.update(chunk)
                seen[info.name] = sha.hexdigest()
    except (OSError, EOFError, tarfile.TarError, ValueError) as error:
        raise BackupProblem(
            _("%(path)s is damaged or truncated (%(error)s).", path=path, error=error)
        ) from None
    if manifest_body is None:
        raise BackupProblem(_("%(path)s has no manifest: it is not a complete prizejury backup.", path=path))
    try:
        manifest = json.loads(manifest_body)
    except ValueError:
        raise BackupProblem(_("%(path)s: its manifest is not readable.", path=path)) from None
    if manifest.get("format") != expected_format or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupProblem(
            _("%(path)s is not a prizejury backup of a format this version reads.", path=path)
        )
    for name in seen:
        if not _well_named(name):
            raise BackupProblem(_("%(path)s: unexpected member %(name)s.", path=path, name=name))
    listed = {name: entry["sha256"] for name, entry in manifest.get("members", {}).items()}
    if set(listed) != set(seen):
        missing = sorted(set(listed) - set(seen))
        extra = sorted(set(seen) - set(listed))
        raise BackupProblem(
            _(
                "%(path)s: members missing (%(missing)s) or not in the manifest (%(extra)s).",
                path=path,
                missing=", ".join(missing[:5]),
                extra=", ".join(extra[:5]),
            )
        )
    for name, digest in seen.items():
        if listed[name] != digest:
            raise BackupProblem(
                _(
                    "%(path)s: %(name)s does not match its checksum: the backup is damaged.",
                    path=path,
                    name=name,
                )
            )
    return manifest


def _well_named(name: str) -> bool:
    """A table's rows (`database/<table>.jsonl`, `edition/<table>.jsonl`) or a file of a storage area under a
    key the storage accepts (`files/<area>/<key>`): nothing else is ever read from an archive."""
    kind, _slash, rest = name.partition("/")
    if kind in ("database", "edition"):
        return rest.endswith(".jsonl") and "/" not in rest
    if kind == "files":
        area, _slash, key = rest.partition("/")
        try:
            check_key(key)
        except ValueError:
            return False
        return area in AREAS
    return False


def members(path: Path) -> Iterator[Member]:
    """Every member but the manifest, in archive order (the caller has verified the archive)."""
    with _open(path) as tar:
        for info in tar:
            if info.name != MANIFEST:
                yield Member(info.name, tar.extractfile(info))
