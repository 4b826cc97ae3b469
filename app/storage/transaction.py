"""Files follow the database transaction, on either backend.

A file that belongs to a row is written under a key nobody uses yet (a random part in its name), and the
row that points at it is committed afterwards:

- ``put(area, key, data)`` stores the file at once; a rollback, a rolled-back savepoint, or a session
  closed or failing without its commit deletes it. Nothing points at it before the commit, so no reader
  can see it before, and after the commit it is whole.
- ``delete_after_commit(area, key)`` deletes a file the transaction stops pointing at (a replaced
  certificate, a removed attachment) once the commit succeeded; a rollback keeps it.

What a crash can leave: a file written whose row never committed, or a file replaced whose deletion never
ran. Both are orphans no row points at, which ``sweep.py`` removes; a row never points at a missing file
or at another attempt's file. The caller commits or rolls back once, as for any other change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.extensions import db
from app.storage import area as storage_area
from app.storage import check_key

log = logging.getLogger(__name__)

_WRITTEN = "storage.written"  # session.info: [_Change, ...] deleted on rollback
_DOOMED = "storage.doomed"  # session.info: [_Change, ...] deleted on commit
_HOOKED = "storage.hooked"


@dataclass(frozen=True)
class _Change:
    area: str
    key: str
    transaction: SessionTransaction  # the innermost transaction it happened in


def put(area: str, key: str, data: bytes | BinaryIO) -> None:
    """Store `data` under `key` (a new key) for the current transaction: kept by its commit, deleted by its
    rollback."""
    check_key(key)
    session = _session()
    change = _Change(area, key, _current(session))
    # Recorded first: a put that fails half-way is cleaned up by the rollback that follows.
    session.info.setdefault(_WRITTEN, []).append(change)
    storage_area(area).put(key, data)


def delete_after_commit(area: str, key: str | None) -> None:
    """Delete `key` once the current transaction commits; keep it if it rolls back."""
    if not key:
        return
    session = _session()
    session.info.setdefault(_DOOMED, []).append(_Change(area, key, _current(session)))


def pending() -> dict[str, list[tuple[str, str]]]:
    """What the current session will do to files: {"written": [(area, key)], "doomed": [...]}, for tests."""
    info = db.session().info
    return {
        "written": [(c.area, c.key) for c in info.get(_WRITTEN, [])],
        "doomed": [(c.area, c.key) for c in info.get(_DOOMED, [])],
    }


def _session() -> Session:
    session = db.session()
    if not session.info.get(_HOOKED):
        event.listen(session, "after_commit", _after_commit)
        event.listen(session, "after_soft_rollback", _after_rollback)
        event.listen(session, "after_transaction_end", _after_end)
        session.info[_HOOKED] = True
    return session


def _current(session: Session) -> SessionTransaction:
    if session.get_transaction() is None:
        # What the session's next statement would do anyway: the change belongs to that transaction, so
        # neither an earlier commit nor a savepoint opened later claims it.
        session.begin()
    return session.get_nested_transaction() or session.get_transaction()


def _after_commit(session: Session) -> None:
    # A released savepoint also reports a commit; only the outermost one makes the changes real.
    if session.in_nested_transaction():
        return
    session.info.pop(_WRITTEN, None)
    _delete(session.info.pop(_DOOMED, []))


def _after_rollback(session: Session, transaction: SessionTransaction) -> None:
    written = session.info.get(_WRITTEN, [])
    undone = [c for c in written if _within(c.transaction, transaction)]
    if undone:
        session.info[_WRITTEN] = [c for c in written if c not in undone]
        _delete(undone)
    doomed = session.info.get(_DOOMED, [])
    if doomed:
        session.info[_DOOMED] = [c for c in doomed if not _within(c.transaction, transaction)]


def _after_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without a commit that kept the files (a close, a failed commit).
    if transaction.parent is None:
        session.info.pop(_DOOMED, None)
        _delete(session.info.pop(_WRITTEN, []))


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _delete(changes: Iterable[_Change]) -> None:
    for change in changes:
        try:
            storage_area(change.area).delete(change.key)
        except Exception:
            # Left as an orphan for the sweep: what the database says stays true.
            log.exception("could not delete the stored file %s/%s", change.area, change.key)
