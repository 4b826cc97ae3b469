"""Small real files of every accepted kind, and impostors, built in memory."""

import io
import zipfile

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
