"""Attachment files: content checks, random names, stored with the transaction.

A file is accepted only when its name ends in one of the allowed extensions AND its bytes are of that
kind; the Content-Type the browser sends is never trusted. A DOCX or ODT must also unpack within limits and
an image hold a bounded number of pixels (``check_content``, app/file_checks.py). The upload is received into
a temporary file of this machine and checked there; an accepted one is stored in the ``uploads`` area of the
storage (app/storage/: UPLOAD_FOLDER, outside static/, or an S3 bucket) under a random name with no extension,
so nothing the user chose ever reaches the file system. It follows the database transaction: the commit that
records its Attachment keeps it, a rollback deletes it (``app.storage.transaction``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from app import file_checks, storage
from app.extensions import db
from app.storage import sweep, transaction
from app.submissions.models import Attachment

CHUNK = 64 * 1024
MAX_NAME_LENGTH = 255
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # what the user calls it
    content_type: str
    extensions: tuple[str, ...]
    inline: bool  # safe for a browser to show by itself


KINDS = {
    kind.code: kind
    for kind in (
        Kind("pdf", "PDF", "application/pdf", (".pdf",), True),
        Kind(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
            False,
        ),
        Kind("odt", "ODT", "application/vnd.oasis.opendocument.text", (".odt",), False),
        Kind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"), True),
        Kind("png", "PNG", "image/png", (".png",), True),
    )
}
KIND_BY_EXTENSION = {extension: kind for kind in KINDS.values() for extension in kind.extensions}
INLINE_CONTENT_TYPES = frozenset(kind.content_type for kind in KINDS.values() if kind.inline)
ACCEPT_ATTRIBUTE = ",".join(KIND_BY_EXTENSION)  # for <input type=file accept=...>
ARCHIVE_KINDS = frozenset({"docx", "odt"})  # ZIP containers
IMAGE_FORMATS = {"jpeg": "JPEG", "png": "PNG"}  # Pillow's names


class UploadRefused(Exception):
    """The file cannot be accepted; the message says why, for the user."""


@dataclass(frozen=True)
class StoredFile:
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    sha256: str


def kinds_label() -> str:
    return _("PDF, DOCX, ODT, JPEG or PNG")


def max_file_bytes() -> int:
    return current_app.config["MAX_ATTACHMENT_MB"] * 1024 * 1024


AREA = "uploads"


def key_of(stored_name: str) -> str:
    """The storage key of a stored name; refuses anything that is not one of our random names."""
    if not stored_name or not all(c in "0123456789abcdef" for c in stored_name):
        raise ValueError(f"not a stored attachment name: {stored_name!r}")
    return stored_name


def clean_original_name(name: str | None) -> str:
    """The user's file name as metadata: Unicode kept, folders, control characters and quotes dropped."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c != '"')
    # Leading dots would hide the file on the user's disk; werkzeug may leave some of "..\\" behind.
    name = name.strip().lstrip(". ").strip()
    if not name:
        return "attachment"
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH]
    return name


def extension_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return suffix if suffix != name.lower() else ""


def detect_kind(path: Path) -> Kind | None:
    """The allowed kind the bytes of this file really are, or None."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"%PDF-"):
        return KINDS["pdf"]
    if head.startswith(b"\xff\xd8\xff"):
        return KINDS["jpeg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return KINDS["png"]
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(path)
    return None


def _office_kind(path: Path) -> Kind | None:
    """DOCX and ODT are ZIP files: tell them apart by the entries their formats require."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return KINDS["docx"]
            if "mimetype" in names and "content.xml" in names:
                entry = archive.getinfo("mimetype")
                # Read only a tiny declared entry: a crafted archive must not make us inflate much.
                if entry.file_size <= 100 and archive.read(entry).strip() == ODT_MIMETYPE:
                    return KINDS["odt"]
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def describe_content(path: Path) -> str | None:
    """What the bytes are ('PNG', 'ZIP', 'EXE'), for an error message; None when unrecognised."""
    kind = detect_kind(path)
    if kind is not None:
        return kind.label
    guess = filetype.guess(str(path))
    return guess.extension.upper() if guess is not None else None


def check_content(path: Path, kind: Kind, name: str) -> None:
    """Refuse a file of a genuine kind that would cost its reader too much to open (app/file_checks.py): an
    office document that unpacks to too much, an image of too many pixels."""
    try:
        if kind.code in ARCHIVE_KINDS:
            file_checks.check_archive(path, name)
        elif kind.code in IMAGE_FORMATS:
            file_checks.check_image_pixels(path, name, formats=[IMAGE_FORMATS[kind.code]])
    except file_checks.ContentRefused as refusal:
        raise UploadRefused(str(refusal)) from None


def save_upload(stream: BinaryIO, original_name: str | None) -> StoredFile:
    """Check and store one uploaded file for the current transaction (its commit keeps the file, its
    rollback deletes it); raise UploadRefused with the reason, leaving nothing behind."""
    name = clean_original_name(original_name)
    extension = extension_of(name)
    claimed = KIND_BY_EXTENSION.get(extension)
    if claimed is None:
        raise UploadRefused(
            _(
                "“%(name)s” cannot be attached: only %(kinds)s files are accepted.",
                name=name,
                kinds=kinds_label(),
            )
        )
    limit = max_file_bytes()
    digest = hashlib.sha256()
    size = 0
    descriptor, temp_name = tempfile.mkstemp(prefix="prizejury-upload-")
    temp_path = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as temp:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(
                        _(
                            "“%(name)s” is larger than %(mb)d MB. Please send a smaller file.",
                            name=name,
                            mb=current_app.config["MAX_ATTACHMENT_MB"],
                        )
                    )
                digest.update(chunk)
                temp.write(chunk)
        if size == 0:
            raise UploadRefused(_("“%(name)s” is empty.", name=name))
        if detect_kind(temp_path) is not claimed:
            actual = describe_content(temp_path)
            if actual is None:
                message = _(
                    "“%(name)s” is named %(extension)s but its content is not %(kinds)s.",
                    name=name,
                    extension=extension,
                    kinds=kinds_label(),
                )
            else:
                message = _(
                    "“%(name)s” is named %(extension)s but its content is %(actual)s. "
                    "Only genuine %(kinds)s files are accepted.",
                    name=name,
                    extension=extension,
                    actual=actual,
                    kinds=kinds_label(),
                )
            raise UploadRefused(message)
        check_content(temp_path, claimed, name)
        stored_name = secrets.token_hex(16)
        with temp_path.open("rb") as checked:
            transaction.put(AREA, key_of(stored_name), checked)
    finally:
        temp_path.unlink(missing_ok=True)
    return StoredFile(
        stored_name=stored_name,
        original_name=name,
        content_type=claimed.content_type,
        size_bytes=size,
        sha256=digest.hexdigest(),
    )


def open_stored(stored_name: str) -> BinaryIO:
    """A stored attachment's bytes, opened for reading (the caller closes it); FileMissing when it is gone."""
    return storage.area(AREA).open(key_of(stored_name))


def remove(stored_name: str) -> None:
    """Delete a stored file now (after the commit that forgot it); a file already gone is not an error."""
    storage.area(AREA).delete(key_of(stored_name))


def remove_after_commit(stored_name: str) -> None:
    """Delete a stored file once the transaction that stops pointing at it commits."""
    transaction.delete_after_commit(AREA, key_of(stored_name))


@sweep.owns(AREA)
def _recorded_files() -> list[str]:
    return list(db.session.scalars(select(Attachment.stored_name)))
