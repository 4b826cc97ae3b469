"""Certificate files: where they are stored, how a stored one is checked, and how a new one is stored.

A certificate's PDF is rendered once, stored in the ``certificates`` area of the storage (app/storage/:
CERTIFICATE_FOLDER, or an S3 bucket) and served as is afterwards: its SHA-256 on the record is what the
public verification page shows.

Files follow the database transaction (``app.storage.transaction``): each rendering is stored under a
new key (``<edition>/<code>-<random>.pdf``) that the record points at once the job commits; a rollback
deletes it, and the file it replaces is deleted only after the commit. A crash leaves at worst a file no
record points at, which the storage sweep removes; never a record pointing at a missing or wrong file.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

from sqlalchemy import select

from app.certificates.models import Certificate
from app.extensions import db
from app.storage import CHUNK, FileMissing, InvalidKey, area, sweep, transaction

log = logging.getLogger(__name__)

AREA = "certificates"
SPOOL_BYTES = 1024 * 1024  # a checked copy bigger than this goes to a temporary file, not memory


class CertificateFileProblem(Exception):
    """The stored PDF cannot be served: it is ``missing`` or ``altered`` (no longer matches its record)."""

    def __init__(self, certificate: Certificate, reason: str):
        super().__init__(f"certificate {certificate.id} ({certificate.file_name}): file {reason}")
        self.reason = reason


# --- Storing a new file ------------------------------------------------------------------------------------


def new_key(certificate: Certificate) -> str:
    """A key no rendering used before: the edition's folder, the verification code and a random part."""
    folder = PurePosixPath(certificate.file_name).parent.as_posix()
    name = f"{certificate.verification_code}-{secrets.token_hex(8)}.pdf"
    return name if folder in ("", ".") else f"{folder}/{name}"


def store_pdf(certificate: Certificate, pdf: bytes) -> None:
    """Store `pdf` as the certificate's file, for the current transaction: its commit makes it the
    certificate's (and deletes the file it replaces), its rollback deletes it."""
    key = new_key(certificate)
    transaction.put(AREA, key, pdf)
    transaction.delete_after_commit(AREA, certificate.file_name)
    certificate.file_name = key


@sweep.owns(AREA)
def _recorded_files() -> Iterator[str]:
    return db.session.scalars(select(Certificate.file_name)).all()


# --- Reading a stored file ---------------------------------------------------------------------------------


def _checked(certificate: Certificate, out: BinaryIO | None = None) -> None:
    """Read the stored file in chunks (copying it to `out`), and raise CertificateFileProblem (logged)
    when it is missing or does not match the SHA-256 on record."""
    sha = hashlib.sha256()
    try:
        with area(AREA).open(certificate.file_name) as stored:
            while chunk := stored.read(CHUNK):
                sha.update(chunk)
                if out is not None:
                    out.write(chunk)
    except (FileMissing, InvalidKey, OSError):
        log.error("certificate %s: its file %s is missing", certificate.id, certificate.file_name)
        raise CertificateFileProblem(certificate, "missing") from None
    if sha.hexdigest() != certificate.sha256:
        log.error(
            "certificate %s: its file %s does not match the SHA-256 on record",
            certificate.id,
            certificate.file_name,
        )
        raise CertificateFileProblem(certificate, "altered")


def verify(certificate: Certificate) -> None:
    """Check the stored file against its record, reading it once in chunks; raises CertificateFileProblem."""
    _checked(certificate)


class _Spool(io.RawIOBase):
    """Memory up to SPOOL_BYTES, then a temporary file: where a checked copy is written."""

    def __init__(self):
        self.target: BinaryIO = io.BytesIO()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if isinstance(self.target, io.BytesIO) and self.target.tell() + len(data) > SPOOL_BYTES:
            spilled = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
            spilled.write(self.target.getbuffer())
            self.target = spilled
        return self.target.write(data)


def checked_copy(certificate: Certificate) -> BinaryIO:
    """A copy of the stored PDF, read once and checked against the recorded SHA-256, positioned at its
    start: the bytes checked are the bytes then sent or archived. In memory up to SPOOL_BYTES, in a
    temporary file beyond; the caller closes it. Raises CertificateFileProblem."""
    spool = _Spool()
    try:
        _checked(certificate, spool)
    except BaseException:
        spool.target.close()
        raise
    spool.target.seek(0)
    return spool.target


def stored_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF exactly as stored, after checking it (for tests and small uses)."""
    with checked_copy(certificate) as copy:
        return copy.read()


def file_problem(certificate: Certificate) -> str | None:
    """'missing', 'altered' or None: the state of the stored file, for the organiser's list."""
    try:
        verify(certificate)
    except CertificateFileProblem as problem:
        return problem.reason
    return None
