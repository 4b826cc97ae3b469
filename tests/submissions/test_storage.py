"""app/submissions/storage.py: names, content detection, atomic storage."""

import io
import unicodedata

import pytest

from app.submissions import storage
from tests.submissions.files import DOCX, EXE, JPEG, ODS, ODT, PDF, PLAIN_ZIP, PNG, TEXT
from tests.submissions.helpers import uploaded_files


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("..\\..\\évaluation finale.pdf", "évaluation finale.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\maria\\Desktop\\Ηράκλειο 2013.docx", "Ηράκλειο 2013.docx"),
        ("Şişli – proje.odt", "Şişli – proje.odt"),
        ("", "attachment"),
        (None, "attachment"),
        ("..", "attachment"),
        ("a/b/", "attachment"),
        ("report\x00\x1f\x7f.pdf", "report.pdf"),
        ('say "yes".pdf', "say yes.pdf"),
        ("  .hidden.pdf ", "hidden.pdf"),
        (unicodedata.normalize("NFD", "Surčin.pdf"), "Surčin.pdf"),
    ],
)
def test_clean_original_name(given, kept):
    assert storage.clean_original_name(given) == kept


def test_clean_original_name_long_keeps_the_extension():
    cleaned = storage.clean_original_name("x" * 300 + ".pdf")

    assert cleaned == "x" * 251 + ".pdf"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (DOCX, "docx"),
        (ODT, "odt"),
        (ODS, None),
        (PLAIN_ZIP, None),
        (EXE, None),
        (TEXT, None),
        (b"PK\x03\x04 not really a zip", None),
    ],
)
def test_detect_kind_by_content(tmp_path, data, kind):
    path = tmp_path / "file"
    path.write_bytes(data)

    detected = storage.detect_kind(path)

    assert (detected.code if detected else None) == kind


@pytest.mark.parametrize("stored_name", ["../secret", "", "abc.pdf", "/etc/passwd"])
def test_path_of_refuses_names_we_did_not_make(app, stored_name):
    with pytest.raises(ValueError):
        storage.path_of(stored_name)


def test_save_upload_stores_under_a_random_name_and_leaves_no_temporary_file(app, request_context):
    stored = storage.save_upload(io.BytesIO(PDF), "report.pdf")

    assert uploaded_files(app) == [stored.stored_name]
    assert storage.path_of(stored.stored_name).read_bytes() == PDF
    assert (stored.original_name, stored.content_type, stored.size_bytes) == (
        "report.pdf",
        "application/pdf",
        len(PDF),
    )


def test_save_upload_refused_leaves_no_temporary_file(app, request_context):
    with pytest.raises(storage.UploadRefused):
        storage.save_upload(io.BytesIO(PNG), "photo.pdf")

    assert uploaded_files(app) == []


def test_remove_missing_file_is_not_an_error(app):
    storage.remove("0123456789abcdef")

    assert uploaded_files(app) == []
