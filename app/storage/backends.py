"""The two places files can live: folders on this machine, or an S3-compatible object store.

Both offer the same operations on keys (``"2013/ab12….pdf"``, relative, ``/``-separated): put (bytes or a
stream), open as a stream, exists, size, delete, list under a prefix, and, for S3 only, a presigned URL.
A put is atomic on both: a reader sees the whole file or nothing (a temporary file moved into place with
``os.replace``; an S3 object appears only once its upload, multipart for a large one, completes).
"""

from __future__ import annotations

import io
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
PARTIAL = ".partial"  # a local file being written: `.<name>.<random>.partial` beside its final name
# Large uploads go to S3 in parts of this size (boto3's TransferConfig): memory stays at a few parts.
MULTIPART_CHUNK = 8 * 1024 * 1024
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


class FileMissing(Exception):
    """No file is stored under this key."""


class InvalidKey(ValueError):
    """Not a key this storage would ever have made (absolute, `..`, hidden, odd characters)."""


def check_key(key: str) -> str:
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key.split("/") or len(key) > 512:
        raise InvalidKey(f"not a storage key: {key!r}")
    return key


@dataclass(frozen=True)
class Entry:
    key: str
    size: int
    modified: datetime  # aware, UTC


def _source(data: bytes | BinaryIO) -> BinaryIO:
    return io.BytesIO(data) if isinstance(data, bytes | bytearray | memoryview) else data


# --- Local folders -----------------------------------------------------------------------------------------


class LocalArea:
    """Files under one folder of this machine (UPLOAD_FOLDER, CERTIFICATE_FOLDER, EXPORT_FOLDER)."""

    presigns = False

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()

    @property
    def place(self) -> str:
        """Where the files are kept: areas with the same place are checked once (/readyz)."""
        return str(self.root)

    def __repr__(self) -> str:
        return f"LocalArea({str(self.root)!r})"

    def path(self, key: str) -> Path:
        """The file behind a key; refuses anything that would leave the folder."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise InvalidKey(f"not a storage key: {key!r}")
        return path

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        final = self.path(key)
        final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=PARTIAL, dir=final.parent)
        temp = Path(name)
        source = _source(data)
        try:
            with os.fdopen(descriptor, "wb") as out:
                while chunk := source.read(CHUNK):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, final)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def open_sized(self, key: str) -> tuple[BinaryIO, int]:
        """The open file and its size."""
        stream = self.open(key)
        return stream, os.fstat(stream.fileno()).st_size

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise FileMissing(key) from None

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        """Every stored file whose key starts with `prefix`, in key order; files being written left out."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for filename in sorted(filenames):
                if filename.startswith("."):
                    continue
                path = Path(dirpath) / filename
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue  # removed while we walked
                yield Entry(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def remove_unfinished(self, before: datetime) -> int:
        """Remove the temporary files of writes that died (last touched before `before`); returns how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for path in self.root.rglob(f".*{PARTIAL}"):
            try:
                if path.stat().st_mtime < before.timestamp():
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def presigned_url(self, key: str, **_options) -> str | None:
        return None


# --- S3-compatible object stores ---------------------------------------------------------------------------


class S3Area:
    """Objects under `<S3_PREFIX><area>/` in one bucket of an S3-compatible store (AWS, MinIO, Ceph, moto)."""

    presigns = True

    def __init__(self, client, bucket: str, prefix: str):
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @property
    def place(self) -> str:
        """Every area of one bucket shares its permissions: one check covers them all."""
        return f"s3://{self.bucket}"

    def __repr__(self) -> str:
        return f"S3Area(s3://{self.bucket}/{self.prefix})"

    def object_key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes | BinaryIO) -> None:
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(multipart_threshold=MULTIPART_CHUNK, multipart_chunksize=MULTIPART_CHUNK)
        self.client.upload_fileobj(_source(data), self.bucket, self.object_key(key), Config=config)

    def open(self, key: str) -> BinaryIO:
        return self.open_sized(key)[0]

    def open_sized(self, key: str) -> tuple[BinaryIO, int]:
        """The object's body, a stream read from the store as it is consumed, and its size."""
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key))
        except self.client.exceptions.NoSuchKey:
            raise FileMissing(key) from None
        return answer["Body"], int(answer["ContentLength"])

    def _head(self, key: str) -> dict | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=self.object_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def exists(self, key: str) -> bool:
        return self._head(key) is not None

    def size(self, key: str) -> int:
        head = self._head(key)
        if head is None:
            raise FileMissing(key)
        return int(head["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.object_key(key))

    def entries(self, prefix: str = "") -> Iterator[Entry]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield Entry(item["Key"][len(self.prefix) :], int(item["Size"]), item["LastModified"])

    def remove_unfinished(self, before: datetime) -> int:
        """Abort the multipart uploads started before `before` and never completed (their parts cost)."""
        paginator = self.client.get_paginator("list_multipart_uploads")
        removed = 0
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < before:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    removed += 1
        return removed

    def presigned_url(
        self, key: str, *, seconds: int, content_type: str, disposition: str, cache_control: str
    ) -> str:
        """A URL that fetches the object for `seconds`, with the headers the app would have sent."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_key(key),
                "ResponseContentType": content_type,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": cache_control,
            },
            ExpiresIn=seconds,
        )
