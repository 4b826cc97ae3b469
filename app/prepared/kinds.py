"""How each kind of prepared file is made: registered by its domain, looked up by the job.

A domain declares a kind with ``@kinds.maker(kind, ...)`` on a function ``make(edition_id, parameters, out)``
that writes the file to ``out`` (an open binary file in storage; write as you go, so memory stays flat),
and gives ``stamp(edition_id, parameters)``: a short digest of what the file is made from, cheap to
compute, that changes when the file would come out different. A ready file whose stamp is no longer the
current one is out of date: asked for again, it is made again. The module that declares makers is listed
in ``JOB_MODULES`` (app/__init__.py), so the web process and the workers know the same kinds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, BinaryIO

from app.prepared.enums import PreparedKind

# The edition id is None for a file about no edition (a person's data: its subject is in the parameters).
Make = Callable[[int | None, dict[str, Any], BinaryIO], None]
Stamp = Callable[[int | None, dict[str, Any]], str]


@dataclass(frozen=True)
class Maker:
    kind: PreparedKind
    make: Make
    stamp: Stamp
    mimetype: str
    extension: str  # of the stored file: "zip", "pdf", "csv", "xlsx"


_MAKERS: dict[PreparedKind, Maker] = {}


def maker(kind: PreparedKind, *, stamp: Stamp, mimetype: str, extension: str) -> Callable[[Make], Make]:
    """Declare how files of `kind` are made."""

    def declare(make: Make) -> Make:
        _MAKERS[kind] = Maker(kind, make, stamp, mimetype, extension)
        return make

    return declare


def maker_of(kind: PreparedKind | str) -> Maker:
    return _MAKERS[PreparedKind(kind)]


def stamp_of(*parts: object) -> str:
    """A digest of what a file is made from (anything with a stable repr: counts, instants, ids)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()
