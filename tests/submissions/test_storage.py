"""app/submissions/storage.py: names, content detection, atomic storage."""

import io
import tempfile
import unicodedata

import pytest

from app.submissions import storage
from tests import stored
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
def test_key_of_refuses_names_we_did_not_make(app, stored_name):
    with pytest.raises(ValueError):
        storage.key_of(stored_name)


@pytest.fixture
def temporary_folder(tmp_path, monkeypatch):
    """Where uploads are received and checked before they are stored."""
    folder = tmp_path / "received"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.both_backends
def test_save_upload_stores_under_a_random_name_and_leaves_no_temporary_file(
    app, db, request_context, temporary_folder
):
    saved = storage.save_upload(io.BytesIO(PDF), "report.pdf")
    db.session.commit()

    assert uploaded_files() == [saved.stored_name]
    assert stored.read(storage.AREA, saved.stored_name) == PDF
    assert (saved.original_name, saved.content_type, saved.size_bytes) == (
        "report.pdf",
        "application/pdf",
        len(PDF),
    )
    assert list(temporary_folder.iterdir()) == []


@pytest.mark.both_backends
def test_save_upload_rolled_back_leaves_no_file(app, db, request_context):
    storage.save_upload(io.BytesIO(PDF), "report.pdf")

    db.session.rollback()

    assert uploaded_files() == []


@pytest.mark.both_backends
def test_save_upload_refused_leaves_no_temporary_file(app, request_context, temporary_folder):
    with pytest.raises(storage.UploadRefused):
        storage.save_upload(io.BytesIO(PNG), "photo.pdf")

    assert uploaded_files() == []
    assert list(temporary_folder.iterdir()) == []


@pytest.mark.both_backends
def test_remove_missing_file_is_not_an_error(app, db):
    storage.remove_after_commit("0123456789abcdef")
    db.session.commit()

    assert uploaded_files() == []
