"""Certificate files: where they are stored, how a stored one is checked, and how new ones follow the
database transaction.

A certificate's PDF is rendered once, stored under CERTIFICATE_FOLDER and served as is afterwards: its
SHA-256 on the record is what the public verification page shows.

Files follow the database transaction. ``stage_file`` writes each PDF to a hidden temporary file beside
its final path (``.<code>.<random>.pending``); the session's commit moves every one into place
(``os.replace``, atomic), and a rollback, a rolled-back savepoint or a session closed without a commit
deletes them, leaving any earlier file untouched. The caller only has to commit or roll back, once, as
for any other change. Should the process die between the database commit and the moves, the record
outlives its file: the download then refuses it cleanly and the organisers' list flags it for reissue.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.extensions import db

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024


class CertificateFileProblem(Exception):
    """The stored PDF cannot be served: it is ``missing`` or ``altered`` (no longer matches its record)."""

    def __init__(self, certificate: Certificate, reason: str):
        super().__init__(f"certificate {certificate.id} ({certificate.file_name}): file {reason}")
        self.reason = reason


# --- Where things are --------------------------------------------------------------------------------------


def certificate_folder() -> Path:
    return Path(current_app.config["CERTIFICATE_FOLDER"]).resolve()


def path_of(file_name: str) -> Path:
    """The absolute path of a stored certificate file; refuses anything outside CERTIFICATE_FOLDER."""
    root = certificate_folder()
    path = (root / file_name).resolve()
    if not file_name or not path.is_relative_to(root) or path == root:
        raise ValueError(f"not a certificate file: {file_name!r}")
    return path


# --- Reading a stored file ---------------------------------------------------------------------------------


def stored_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF exactly as stored, after checking it against the recorded SHA-256.

    Raises CertificateFileProblem (logged) when the file is gone or no longer matches.
    """
    try:
        data = path_of(certificate.file_name).read_bytes()
    except (OSError, ValueError):
        log.error("certificate %s: its file %s is missing", certificate.id, certificate.file_name)
        raise CertificateFileProblem(certificate, "missing") from None
    if sha256_hex(data) != certificate.sha256:
        log.error(
            "certificate %s: its file %s does not match the SHA-256 on record",
            certificate.id,
            certificate.file_name,
        )
        raise CertificateFileProblem(certificate, "altered")
    return data


def checked_path(certificate: Certificate) -> Path:
    """The path of the certificate's stored PDF, once its SHA-256 (read in chunks) matches the record.

    For copying large numbers of files without holding any in memory (the ZIP); raises
    CertificateFileProblem (logged) as ``stored_pdf`` does.
    """
    try:
        path = path_of(certificate.file_name)
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                sha.update(chunk)
    except (OSError, ValueError):
        log.error("certificate %s: its file %s is missing", certificate.id, certificate.file_name)
        raise CertificateFileProblem(certificate, "missing") from None
    if sha.hexdigest() != certificate.sha256:
        log.error(
            "certificate %s: its file %s does not match the SHA-256 on record",
            certificate.id,
            certificate.file_name,
        )
        raise CertificateFileProblem(certificate, "altered")
    return path


def file_problem(certificate: Certificate) -> str | None:
    """'missing', 'altered' or None: the state of the stored file, for the organiser's list."""
    try:
        stored_pdf(certificate)
    except CertificateFileProblem as problem:
        return problem.reason
    return None


# --- Files that follow the transaction ---------------------------------------------------------------------

_PENDING = "certificates.pending_files"  # session.info key: {final path: [_Staged, ...]}
_HOOKED = "certificates.file_hooks"


@dataclass(frozen=True)
class _Staged:
    temp: Path
    transaction: SessionTransaction | None  # the innermost transaction it was written in


def stage_file(final: Path, data: bytes) -> None:
    """Write data beside `final`; the session's commit moves it there, its rollback deletes it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=".pending", dir=final.parent)
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    session = db.session()
    _hook(session)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, {}).setdefault(final, []).append(_Staged(temp, transaction))


def remove_stale_files(final: Path) -> None:
    """Remove what an earlier attempt left beside `final` (a worker that died while writing it)."""
    _remove(final.parent.glob(f".{final.stem}.*.pending"))


def pending_files() -> dict[Path, Path]:
    """{final path: temporary file} of the current session, for tests and diagnostics."""
    pending = db.session().info.get(_PENDING, {})
    return {final: staged[-1].temp for final, staged in pending.items() if staged}


def _hook(session: Session) -> None:
    if session.info.get(_HOOKED):
        return
    event.listen(session, "after_commit", _move_into_place)
    event.listen(session, "after_soft_rollback", _discard_rolled_back)
    event.listen(session, "after_transaction_end", _discard_unfinished)
    session.info[_HOOKED] = True


def _move_into_place(session: Session) -> None:
    # A released savepoint also reports a commit; only the outermost one makes the files real.
    if session.in_nested_transaction():
        return
    for final, staged in session.info.pop(_PENDING, {}).items():
        *earlier, latest = staged
        _remove(item.temp for item in earlier)
        try:
            os.replace(latest.temp, final)
        except OSError:
            # The database already committed: log it loudly; the download refuses the missing file cleanly.
            log.exception("certificate file %s could not be moved into place", final)
            _remove([latest.temp])


def _discard_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    for final in list(pending):
        kept = [item for item in pending[final] if not _within(item.transaction, transaction)]
        _remove(item.temp for item in pending[final] if item not in kept)
        if kept:
            pending[final] = kept
        else:
            del pending[final]


def _discard_unfinished(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without its commit moving the files (a close, a failed commit).
    if transaction.parent is None:
        for staged in session.info.pop(_PENDING, {}).values():
            _remove(item.temp for item in staged)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not remove the temporary certificate file %s", path)
