"""Reading prepared files: the one an organiser's page shows for each kind, and whether it is current."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.prepared.enums import PreparedKind, PreparedStatus
from app.prepared.kinds import maker_of
from app.prepared.models import PreparedFile


@dataclass(frozen=True)
class FileState:
    """The latest file of one kind and parameters (None: never asked for), and whether it is current."""

    kind: PreparedKind
    parameters: dict[str, Any]
    file: PreparedFile | None
    current: bool

    @property
    def status(self) -> str:
        """'none', 'pending', 'ready', 'outdated' or 'failed'."""
        if self.file is None:
            return "none"
        if self.file.status == PreparedStatus.READY and not self.current:
            return "outdated"
        return str(self.file.status)


def _latest(edition_id: int | None, kinds: Iterable[PreparedKind]) -> list[PreparedFile]:
    return list(
        db.session.scalars(
            select(PreparedFile)
            .where(
                PreparedFile.edition_id.is_(None)
                if edition_id is None
                else PreparedFile.edition_id == edition_id,
                PreparedFile.kind.in_(list(kinds)),
            )
            .order_by(PreparedFile.id.desc())
        )
    )


def reusable_file(
    kind: PreparedKind, edition_id: int | None, parameters: dict[str, Any], stamp: str
) -> PreparedFile | None:
    """A file of the same request being prepared, or ready and made from the same data."""
    for prepared in _latest(edition_id, [kind]):
        if prepared.parameters != parameters:
            continue
        if prepared.status == PreparedStatus.PENDING:
            return prepared
        if prepared.status == PreparedStatus.READY and prepared.source_stamp == stamp:
            return prepared
    return None


def file_states(
    edition_id: int | None, wanted: Iterable[tuple[PreparedKind, dict[str, Any]]]
) -> list[FileState]:
    """For each (kind, parameters), the latest file asked for and whether it is current (one query, and
    one stamp per kind's maker)."""
    wanted = list(wanted)
    rows = _latest(edition_id, {kind for kind, _ in wanted})
    stamps: dict[tuple, str] = {}
    states = []
    for kind, parameters in wanted:
        latest = next((r for r in rows if r.kind == kind and r.parameters == parameters), None)
        current = False
        if latest is not None and latest.status == PreparedStatus.READY:
            maker = maker_of(kind)
            key = (maker.stamp, repr(sorted(parameters.items())))
            if key not in stamps:
                stamps[key] = maker.stamp(edition_id, parameters)
            current = latest.source_stamp == stamps[key]
        states.append(FileState(kind, parameters, latest, current))
    return states


def file_state(prepared: PreparedFile) -> FileState:
    """The state of one file (for the status the page polls)."""
    current = False
    if prepared.status == PreparedStatus.READY:
        stamp = maker_of(prepared.kind).stamp(prepared.edition_id, prepared.parameters)
        current = prepared.source_stamp == stamp
    return FileState(prepared.kind, prepared.parameters, prepared, current)
