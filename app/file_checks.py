"""Content checks of uploaded files that would cost too much to open: ZIP containers and images.

A DOCX or an ODT is a ZIP archive: a file of a few hundred kilobytes can unpack to gigabytes (a
"decompression bomb") in the word processor of the juror who opens it, or in anything that reads it. An
image can do the same to whoever decodes it. These checks refuse such files before anything is stored:

- an archive, from its central directory (nothing is extracted): at most ``MAX_ARCHIVE_ENTRIES`` entries,
  ``MAX_ARCHIVE_UNPACKED_MB`` unpacked in all, and ``MAX_ARCHIVE_RATIO`` times the size of the uploaded
  file; then every entry is read through in bounded chunks, never past the declared size, so that an
  archive whose declared sizes or checksums lie is refused as damaged (``zipfile`` checks each entry's CRC).
  Nested archives (an embedded spreadsheet) are not opened: they count with their packed size.
- an image, from its header (Pillow reads the size without decoding): at most ``MAX_IMAGE_MEGAPIXELS``
  million pixels, and never more than Pillow's own decompression-bomb limit.

Each check takes the file (a path or an open binary file) and raises ``ContentRefused`` with a message in
the user's words; where the file is kept is none of its business.

Infrastructure: it reads the application's settings and imports no domain.
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

READ_CHUNK = 64 * 1024
MB = 1024 * 1024


class ContentRefused(ValueError):
    """The file's content cannot be accepted; the message says why, for the user."""


@dataclass(frozen=True)
class ArchiveLimits:
    unpacked_bytes: int
    ratio: int
    entries: int

    @classmethod
    def configured(cls) -> ArchiveLimits:
        config = current_app.config
        return cls(
            unpacked_bytes=config["MAX_ARCHIVE_UNPACKED_MB"] * MB,
            ratio=config["MAX_ARCHIVE_RATIO"],
            entries=config["MAX_ARCHIVE_ENTRIES"],
        )


def _size_of(file: Path | BinaryIO) -> int:
    if isinstance(file, Path):
        return file.stat().st_size
    position = file.tell()
    size = file.seek(0, 2)
    file.seek(position)
    return size


def check_archive(file: Path | BinaryIO, name: str, limits: ArchiveLimits | None = None) -> None:
    """Refuse a ZIP archive (a DOCX, an ODT) that unpacks to too much, too many entries or too high a
    ratio, or whose entries do not match what its directory declares. A file that is no ZIP at all is
    refused as damaged."""
    limits = limits or ArchiveLimits.configured()
    packed = max(_size_of(file), 1)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > limits.entries:
                raise ContentRefused(
                    _(
                        "“%(name)s” cannot be accepted: it is made of %(count)d parts, more than the "
                        "%(limit)d a document may have.",
                        name=name,
                        count=len(entries),
                        limit=limits.entries,
                    )
                )
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > limits.unpacked_bytes:
                raise ContentRefused(
                    _(
                        "“%(name)s” cannot be accepted: it unpacks to more than %(mb)d MB. Please send a "
                        "smaller document.",
                        name=name,
                        mb=limits.unpacked_bytes // MB,
                    )
                )
            if unpacked > limits.ratio * packed:
                raise ContentRefused(
                    _(
                        "“%(name)s” cannot be accepted: it is compressed %(ratio)d times, more than a "
                        "document ever is (at most %(limit)d). Please save it again and send that.",
                        name=name,
                        ratio=-(-unpacked // packed),  # rounded up, never '100 times, at most 100'
                        limit=limits.ratio,
                    )
                )
            for entry in entries:
                _read_through(archive, entry)
    except ContentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        # RuntimeError: an encrypted entry; NotImplementedError: a compression zipfile does not know.
        raise ContentRefused(
            _(
                "“%(name)s” cannot be accepted: it is damaged or its contents do not match its index. "
                "Please save it again and send that.",
                name=name,
            )
        ) from None


def _read_through(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Inflate one entry in chunks and throw the bytes away: zipfile stops at the declared size and checks
    the CRC at the end, so a lie about either raises; a stream shorter than declared raises too."""
    read = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(READ_CHUNK):
            read += len(chunk)
    if read != entry.file_size:
        raise zipfile.BadZipFile(f"{entry.filename}: {read} bytes, {entry.file_size} declared")


def max_image_pixels() -> int:
    return current_app.config["MAX_IMAGE_MEGAPIXELS"] * 1_000_000


def check_image_pixels(file: Path | BinaryIO, name: str, formats: list[str] | None = None) -> None:
    """Refuse an image whose header announces more pixels than the limit, before anything decodes it.

    A file Pillow cannot read at all is left to the caller's other checks (it is no bomb: no reader can
    decode it either).
    """
    limit = max_image_pixels()
    position = None if isinstance(file, Path) else file.tell()
    try:
        with warnings.catch_warnings():
            # Past its own limit Pillow warns, and past twice that refuses: the setting below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(file, formats=formats) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        pillows = 2 * Image.MAX_IMAGE_PIXELS  # where Pillow refuses by itself
        raise ContentRefused(_too_many_pixels(name, None, None, min(limit, pillows))) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return
    finally:
        if position is not None:
            file.seek(position)
    if width * height > limit:
        raise ContentRefused(_too_many_pixels(name, width, height, limit))


def _too_many_pixels(name: str, width: int | None, height: int | None, limit: int) -> str:
    if width is None or height is None:
        return _(
            "“%(name)s” cannot be accepted: it has more than %(megapixels)d million pixels. Please send a "
            "smaller image.",
            name=name,
            megapixels=limit // 1_000_000,
        )
    return _(
        "“%(name)s” cannot be accepted: at %(width)d × %(height)d pixels it has more than %(megapixels)d "
        "million pixels. Please send a smaller image.",
        name=name,
        width=width,
        height=height,
        megapixels=limit // 1_000_000,
    )
