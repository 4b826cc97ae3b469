"""Small real files of every accepted kind, and impostors, built in memory."""

import io
import zipfile
import zlib

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
TEXT = b"Just some text, not a document.\n"


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            compress = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compress)
    return buffer.getvalue()


DOCX = _zip(
    [
        ("[Content_Types].xml", b"<?xml version='1.0'?><Types/>"),
        ("word/document.xml", b"<?xml version='1.0'?><w:document/>"),
    ]
)
ODT = _zip(
    [
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"<?xml version='1.0'?><office:document-content/>"),
    ]
)
ODS = _zip(
    [
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", b"<?xml version='1.0'?><office:document-content/>"),
    ]
)
PLAIN_ZIP = _zip([("notes.txt", b"hello")])


def upload(data: bytes, name: str) -> FileStorage:
    """An uploaded file; the type the browser claims is always application/pdf, and must not matter."""
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def multipart(fields: dict) -> dict:
    """post() arguments for a multipart body encoded in memory (the test client would spool a large one
    to a temporary file it never closes)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def bomb_docx(path, unpacked_mib: int = 200) -> None:
    """A real DOCX whose word/document.xml inflates to ``unpacked_mib`` MiB of one repeated byte, written as a
    deflated stream one MiB at a time (never held in memory): about 200 KB on disk for 200 MiB."""
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<?xml version='1.0'?><Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as entry:
            entry.write(b"<?xml version='1.0'?><w:document>")
            for _ in range(unpacked_mib):
                entry.write(chunk)
            entry.write(b"</w:document>")


def zip_of(entries: list[tuple[str, bytes]]) -> bytes:
    """A ZIP archive of these entries, deflated (``mimetype`` stored, as ODF requires)."""
    return _zip(entries)


def with_declared_size(data: bytes, entry_name: str, declared: int) -> bytes:
    """The archive ``data`` with the uncompressed size of one entry rewritten to ``declared`` in both its
    local header and the central directory: an archive that lies about how much it unpacks to."""
    name = entry_name.encode()
    patched = bytearray(data)
    # (signature, offset of the uncompressed size, of the name's length, of the name) in each header
    for signature, size_at, length_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            name_length = int.from_bytes(patched[start + length_at : start + length_at + 2], "little")
            if patched[start + name_at : start + name_at + name_length] == name:
                patched[start + size_at : start + size_at + 4] = declared.to_bytes(4, "little")
            start += 4
    return bytes(patched)


def png_header(width: int, height: int) -> bytes:
    """The start of a PNG of width × height pixels: enough for any reader to learn its size (and to start
    allocating for it), the way a decompression bomb of a few kilobytes announces gigapixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])  # 1-bit grey
    pixels = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
