"""Stored files behind one interface: attachments, certificates and prepared files, on disk or in S3.

Three areas, each a flat space of keys: ``uploads`` (attachments), ``certificates`` (issued PDFs) and
``exports`` (the files jobs prepare for organisers). ``area(name)`` gives the current application's:

- ``STORAGE_BACKEND=local`` (the default): the folders UPLOAD_FOLDER, CERTIFICATE_FOLDER and EXPORT_FOLDER,
  a key being the path under its folder, so an existing installation keeps its files as they are.
- ``STORAGE_BACKEND=s3``: the bucket S3_BUCKET of any S3-compatible store (S3_ENDPOINT_URL for one that is
  not AWS), an area's keys under ``<S3_PREFIX><area>/``. Credentials and region are boto3's own
  (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION, a profile, an instance role...).

Writes that belong to a database change go through ``transaction.py`` (the file follows the transaction),
downloads through ``web.py`` (streamed by the app after its permission check, or a presigned URL), and the
sweep of files no row points at through ``sweep.py``.

The certificate design's pictures are not here: they are rows of the database (``certificate_pictures``).
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from app.storage.backends import CHUNK, Entry, FileMissing, InvalidKey, LocalArea, S3Area, check_key

__all__ = [
    "AREAS",
    "CHUNK",
    "Entry",
    "FileMissing",
    "InvalidKey",
    "LocalArea",
    "S3Area",
    "area",
    "check_key",
    "init_app",
]

# Each area and the folder that holds it with the local backend.
AREAS = {"uploads": "UPLOAD_FOLDER", "certificates": "CERTIFICATE_FOLDER", "exports": "EXPORT_FOLDER"}
BACKENDS = ("local", "s3")


class Storage:
    """One application's storage: its areas, and for S3 one boto3 client per process."""

    def __init__(self, app: Flask):
        config = app.config
        self.backend = config["STORAGE_BACKEND"]
        if self.backend not in BACKENDS:
            raise RuntimeError(f"STORAGE_BACKEND must be 'local' or 's3', not {self.backend!r}")
        if config["STORAGE_DOWNLOADS"] not in ("app", "presigned"):
            raise RuntimeError(
                f"STORAGE_DOWNLOADS must be 'app' or 'presigned', not {config['STORAGE_DOWNLOADS']!r}"
            )
        if self.backend == "s3" and not config.get("S3_BUCKET"):
            raise RuntimeError(
                "STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a store not on AWS)"
            )
        self.config = {key: config.get(key) for key in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_PREFIX")}
        self.folders = {name: config[key] for name, key in AREAS.items()}
        if self.backend == "local":
            _check_apart({AREAS[name]: Path(folder).resolve() for name, folder in self.folders.items()})

    def client(self):
        return _client(self.config["S3_ENDPOINT_URL"] or None)

    def area(self, name: str) -> LocalArea | S3Area:
        if name not in AREAS:
            raise KeyError(f"no storage area {name!r}")
        if self.backend == "local":
            return LocalArea(self.folders[name])
        prefix = self.config["S3_PREFIX"] or ""
        return S3Area(self.client(), self.config["S3_BUCKET"], f"{prefix}{name}/")


def _check_apart(folders: dict[str, Path]) -> None:
    """Each area owns its whole folder (the sweep removes what no record names): no two may overlap."""
    items = sorted(folders.items())
    for index, (name, folder) in enumerate(items):
        for other, other_folder in items[index + 1 :]:
            if folder.is_relative_to(other_folder) or other_folder.is_relative_to(folder):
                raise RuntimeError(f"{name} and {other} must be separate folders, neither inside the other")


_CLIENTS: dict[tuple[str | None, int], object] = {}


def _client(endpoint_url: str | None):
    """One boto3 client per endpoint and process: making one costs a good part of a second, and they are
    thread-safe but must not cross a fork (the workers are forked processes)."""
    key = (endpoint_url, os.getpid())
    if key not in _CLIENTS:
        import boto3
        from botocore.config import Config

        # Signature version 4: the one every AWS region and S3-compatible store accepts, presigned URLs too.
        _CLIENTS[key] = boto3.session.Session().client(
            "s3", endpoint_url=endpoint_url, config=Config(signature_version="s3v4")
        )
    return _CLIENTS[key]


def init_app(app: Flask) -> None:
    storage = Storage(app)
    if storage.backend == "local":
        for folder in storage.folders.values():
            Path(folder).mkdir(parents=True, exist_ok=True)
    app.extensions["storage"] = storage


def area(name: str) -> LocalArea | S3Area:
    """The current application's area `name`: 'uploads', 'certificates' or 'exports'."""
    return current_app.extensions["storage"].area(name)
