"""Uploading, removing and downloading attachments: content checks, limits, headers, nothing left behind."""

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.models import Attachment
from tests import stored
from tests.submissions.files import (
    DOCX,
    EXE,
    JPEG,
    ODS,
    ODT,
    PDF,
    PLAIN_ZIP,
    PNG,
    TEXT,
    bomb_docx,
    multipart,
    png_header,
    upload,
    zip_of,
)
from tests.submissions.helpers import snapshot, uploaded_files

pytestmark = pytest.mark.both_backends


@pytest.fixture
def own(make, db, auth):
    """A draft application of the signed-in applicant's organisation, in an open edition."""
    application = make.application(status="draft")
    user = make.applicant(organisation=application.organisation)
    db.session.commit()
    auth.login(user.email)
    return application


def _upload(client, auth, application, data: bytes, name: str, *, with_token: bool = True):
    view_url = f"/applications/{application.id}"
    form = {"file": upload(data, name)}
    if with_token:
        form["csrf_token"] = auth.csrf(view_url)
    return client.post(f"{view_url}/attachments", **multipart(form))


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "report.pdf", "application/pdf"),
        (PNG, "photo.PNG", "image/png"),
        (JPEG, "festival.jpeg", "image/jpeg"),
        (JPEG, "festival.jpg", "image/jpeg"),
        (DOCX, "letter.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (ODT, "letter.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_upload_accepted_kinds_are_stored_with_their_metadata(
    app, client, auth, db, own, data, name, content_type
):
    response = _upload(client, auth, own, data, name)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/applications/{own.id}#attachments"
    attachment = db.session.scalars(select(Attachment)).one()
    assert (attachment.original_name, attachment.content_type, attachment.size_bytes) == (
        name,
        content_type,
        len(data),
    )
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert len(attachment.stored_name) == 32
    assert uploaded_files(app) == [attachment.stored_name]
    assert stored.read("uploads", attachment.stored_name) == data


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (PNG, "report.pdf", "“report.pdf” is named .pdf but its content is PNG."),
        (
            TEXT,
            "report.pdf",
            "“report.pdf” is named .pdf but its content is not PDF, DOCX, ODT, JPEG or PNG.",
        ),
        (EXE, "report.pdf", "“report.pdf” is named .pdf but its content is EXE."),
        (PDF, "report.png", "“report.png” is named .png but its content is PDF."),
        (PLAIN_ZIP, "letter.docx", "“letter.docx” is named .docx but its content is ZIP."),
        (ODS, "letter.odt", "“letter.odt” is named .odt but its content is ODS."),
        (DOCX, "letter.odt", "“letter.odt” is named .odt but its content is DOCX."),
        (
            PDF,
            "report.exe",
            "“report.exe” cannot be attached: only PDF, DOCX, ODT, JPEG or PNG files are accepted.",
        ),
        (PDF, "report", "“report” cannot be attached: only PDF, DOCX, ODT, JPEG or PNG files are accepted."),
        (b"", "empty.pdf", "“empty.pdf” is empty."),
    ],
)
def test_upload_refused_by_content_or_name_leaves_nothing(app, client, auth, db, own, data, name, message):
    before = snapshot(db, app)

    response = _upload(client, auth, own, data, name)

    assert response.status_code == 302
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []


def test_upload_without_csrf_token_is_400_and_stores_nothing(app, client, auth, db, own):
    before = snapshot(db, app)

    response = _upload(client, auth, own, PDF, "report.pdf", with_token=False)

    assert response.status_code == 400
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []


def test_upload_over_the_request_limit_gets_the_friendly_413_page(app, client, auth, db, own):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    before = snapshot(db, app)

    response = _upload(client, auth, own, PDF + b"0" * 5000, "report.pdf")

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "File too large" in page
    assert "Nothing was saved" in page
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []


@pytest.mark.parametrize(
    ("referrer", "back_link"),
    [("http://localhost/applications/{id}", True), ("https://elsewhere.example/applications/{id}", False)],
)
def test_413_page_offers_the_way_back_only_to_a_page_of_this_site(
    app, client, auth, db, own, referrer, back_link
):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    view_url = f"/applications/{own.id}"
    form = {"file": upload(PDF + b"0" * 5000, "report.pdf"), "csrf_token": auth.csrf(view_url)}

    response = client.post(
        f"{view_url}/attachments", headers={"Referer": referrer.format(id=own.id)}, **multipart(form)
    )

    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert (f'href="http://localhost/applications/{own.id}">Back to the form</a>' in page) is back_link
    assert ("Back to the form" in page) is back_link
    assert "elsewhere.example" not in page
    assert "Go to the home page" in page


def test_upload_field_is_not_marked_required(client, own):
    page = client.get(f"/applications/{own.id}").get_data(as_text=True)

    label_and_input = page.split('for="file"')[1].split(">", 2)[2].split("</div>")[0]
    assert "Add a file" in page
    assert "text-danger" not in label_and_input
    assert " required" not in label_and_input


def test_upload_over_the_file_limit_under_the_request_limit_is_refused(app, client, auth, db, own):
    app.config["MAX_ATTACHMENT_MB"] = 1
    before = snapshot(db, app)

    response = _upload(client, auth, own, PDF + b"0" * (1024 * 1024), "big.pdf")

    assert response.status_code == 302
    assert "“big.pdf” is larger than 1 MB." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []


def test_upload_beyond_the_number_of_files_is_refused(app, client, auth, db, make, own):
    app.config["MAX_ATTACHMENTS"] = 2
    make.attachment(own)
    make.attachment(own)
    db.session.commit()
    before = snapshot(db, app)

    response = _upload(client, auth, own, PDF, "third.pdf")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "An application may have up to 2 files: remove one before adding another." in page
    assert snapshot(db, app) == before


def test_upload_without_a_file_says_so(app, client, auth, db, own):
    before = snapshot(db, app)
    view_url = f"/applications/{own.id}"

    response = client.post(f"{view_url}/attachments", **multipart({"csrf_token": auth.csrf(view_url)}))

    assert "Choose a file to attach first." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert snapshot(db, app) == before


@pytest.mark.parametrize("name", ["..\\..\\évaluation finale.pdf", "../../évaluation finale.pdf"])
def test_upload_name_keeps_unicode_and_drops_the_path(client, auth, db, own, name):
    _upload(client, auth, own, PDF, name)

    assert db.session.scalars(select(Attachment)).one().original_name == "évaluation finale.pdf"


def test_upload_commit_failure_removes_the_file(app, client, auth, db, own, monkeypatch):
    token = auth.csrf(f"/applications/{own.id}")

    def failing_commit():
        raise OperationalError("COMMIT", {}, Exception("disk full"))

    monkeypatch.setattr(db.session, "commit", failing_commit)
    response = client.post(
        f"/applications/{own.id}/attachments",
        **multipart({"csrf_token": token, "file": upload(PDF, "report.pdf")}),
    )
    monkeypatch.undo()

    assert response.status_code == 503  # the database could not take it: try again, never a 500

    assert uploaded_files(app) == []
    db.session.rollback()
    assert db.session.scalars(select(Attachment)).all() == []


def test_delete_attachment_removes_row_and_file(app, client, auth, db, make, own):
    attachment = make.attachment(own, name="old.pdf")
    db.session.commit()
    stored_name = attachment.stored_name
    view_url = f"/applications/{own.id}"

    response = auth.post(f"/attachments/{attachment.id}/delete", form_url=view_url)

    assert response.headers["Location"] == f"{view_url}#attachments"
    assert "“old.pdf” is removed." in client.get(view_url).get_data(as_text=True)
    assert db.session.scalars(select(Attachment)).all() == []
    assert stored_name not in uploaded_files(app)


def test_download_is_an_attachment_with_the_unicode_name_and_nosniff(client, db, make, own):
    attachment = make.attachment(own, data=PDF, name="évaluation finale.pdf")
    db.session.commit()

    with client.get(f"/attachments/{attachment.id}") as response:
        assert response.status_code == 200
        assert response.data == PDF
        headers = response.headers

    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"] == (
        "attachment; filename=\"evaluation finale.pdf\"; filename*=UTF-8''%C3%A9valuation%20finale.pdf"
    )
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "private, no-store"  # a signed-in user's response (app/caching.py)


def test_download_inline_only_for_pdf_and_images(client, db, make, own):
    pdf = make.attachment(own, data=PDF, name="report.pdf")
    docx = make.attachment(
        own,
        data=DOCX,
        name="letter.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    db.session.commit()

    with client.get(f"/attachments/{pdf.id}?inline=1") as pdf_response:
        pdf_disposition = pdf_response.headers["Content-Disposition"]
    with client.get(f"/attachments/{docx.id}?inline=1") as docx_response:
        docx_disposition = docx_response.headers["Content-Disposition"]

    assert pdf_disposition == "inline; filename=report.pdf"
    assert docx_disposition == "attachment; filename=letter.docx"


def test_download_missing_file_is_404(app, client, db, make, own):
    attachment = make.attachment(own)
    db.session.commit()
    stored.delete("uploads", attachment.stored_name)

    assert client.get(f"/attachments/{attachment.id}").status_code == 404


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """A 200 KB DOCX whose document.xml inflates to 200 MiB (made once: it takes a second)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    bomb_docx(path, unpacked_mib=200)
    return path.read_bytes()


def test_upload_of_a_docx_bomb_is_refused_and_leaves_nothing(app, client, auth, db, own, bomb):
    before = snapshot(db, app)

    response = _upload(client, auth, own, bomb, "projet.docx")

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“projet.docx” cannot be accepted: it unpacks to more than 100 MB." in page
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            zip_of([("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b" " * 2**22)]),
            "dense.odt",
            "“dense.odt” cannot be accepted: it is compressed ",
        ),
        (
            png_header(10_000, 10_000),
            "poster.png",
            "“poster.png” cannot be accepted: at 10000 × 10000 pixels it has more than 90 million pixels",
        ),
    ],
)
def test_upload_of_a_dense_document_or_image_is_refused_and_leaves_nothing(
    app, client, auth, db, own, data, name, message
):
    before = snapshot(db, app)

    response = _upload(client, auth, own, data, name)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert snapshot(db, app) == before
    assert uploaded_files(app) == []
