"""Downloads keep their permission checks on both backends: streamed through the app after the check
(STORAGE_DOWNLOADS=app, the default), or a short-lived presigned URL of the store issued after it
(STORAGE_DOWNLOADS=presigned, S3; the local backend always streams)."""

from __future__ import annotations

import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from app.certificates.files import AREA as CERTIFICATES
from app.certificates.issue import issue_certificates
from app.prepared.enums import PreparedKind
from app.prepared.requests import request_file
from tests import stored
from tests.certificates.helpers import build_published, stored_bytes
from tests.submissions.files import PDF

pytestmark = pytest.mark.both_backends


@pytest.fixture(params=["app", "presigned"])
def app_settings(request) -> dict:
    return {"STORAGE_DOWNLOADS": request.param}


def _presigned(app, storage_backend) -> bool:
    return app.config["STORAGE_DOWNLOADS"] == "presigned" and storage_backend == "s3"


def _fetch(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url) as answer:  # noqa: S310 (the test's own S3 server)
        return answer.read(), dict(answer.headers)


def _check_redirect(response, app, name: str, data: bytes) -> None:
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "private, no-store"
    url = response.headers["Location"]
    assert url.startswith(app.config["S3_ENDPOINT_URL"])
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == [str(app.config["STORAGE_PRESIGNED_SECONDS"])]
    body, headers = _fetch(url)
    assert body == data
    assert headers["Content-Disposition"] == f"attachment; filename={name}"


@pytest.fixture
def attachment(make, db):
    application = make.application(status="submitted")
    attachment = make.attachment(application, data=PDF, name="report.pdf")
    owner = make.applicant(organisation=application.organisation, email="owner@example.test")
    make.applicant(email="other@example.test")  # another organisation's applicant
    make.organiser(email="organiser@example.test")
    db.session.commit()
    return attachment, owner


def test_attachment_is_served_after_the_check(app, client, auth, attachment, storage_backend):
    item, owner = attachment
    auth.login(owner.email)

    with client.get(f"/attachments/{item.id}") as response:
        if _presigned(app, storage_backend):
            _check_redirect(response, app, "report.pdf", PDF)
        else:
            assert response.status_code == 200
            assert response.is_streamed  # sent in chunks as read, never whole in memory
            assert response.data == PDF
            assert response.headers["Content-Disposition"] == "attachment; filename=report.pdf"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Cache-Control"] == "private, no-store"  # signed in (app/caching.py)
            assert response.headers["Content-Length"] == str(len(PDF))


def test_attachment_is_conditional_on_its_sha256(app, client, auth, attachment, storage_backend):
    item, owner = attachment
    auth.login(owner.email)

    with client.get(f"/attachments/{item.id}", headers={"If-None-Match": f'"{item.sha256}"'}) as response:
        # A presigned download is sent to the store, which answers conditional requests itself.
        assert response.status_code == (303 if _presigned(app, storage_backend) else 304)


def test_attachment_refused_to_another_applicant_gives_no_file_and_no_url(app, client, auth, attachment):
    item, _owner = attachment
    auth.login("other@example.test")

    with client.get(f"/attachments/{item.id}") as response:
        assert response.status_code == 403
        assert "Location" not in response.headers
        assert PDF not in response.data


def test_attachment_to_an_anonymous_visitor_is_a_login_redirect_not_the_file(client, attachment):
    item, _owner = attachment

    response = client.get(f"/attachments/{item.id}")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_missing_attachment_file_is_404_either_way(client, auth, attachment):
    item, owner = attachment
    stored.delete("uploads", item.stored_name)
    auth.login(owner.email)

    assert client.get(f"/attachments/{item.id}").status_code == 404


# --- Certificates: the SHA-256 check comes first ------------------------------------------------------------


@pytest.fixture
def issued(make, db):
    published = build_published(make)
    db.session.commit()
    issue_certificates(published.edition)
    db.session.commit()
    return published


def test_certificate_is_checked_then_served(app, client, auth, issued, storage_backend):
    certificate = issued.certificate_of("obrnice")
    auth.login(issued.users["obrnice"].email)

    name = f"Dosta-{issued.edition.year}-1st-place-Obrnice.pdf"
    with client.get(f"/certificates/{certificate.verification_code}.pdf") as response:
        if _presigned(app, storage_backend):
            _check_redirect(response, app, name, stored_bytes(certificate))
        else:
            assert response.status_code == 200
            assert response.data == stored_bytes(certificate)
            assert response.headers["ETag"] == f'"{certificate.sha256}"'


def test_altered_certificate_is_refused_before_any_url_is_given(app, client, auth, issued):
    certificate = issued.certificate_of("obrnice")
    stored.write(CERTIFICATES, certificate.file_name, b"%PDF-1.7 forged")
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 409
    assert "Location" not in response.headers


def test_participation_certificate_refused_to_another_laureate(app, client, auth, issued, db):
    from app.certificates.enums import CertificateKind

    issue_certificates(issued.edition, participation=True)
    db.session.commit()
    certificate = issued.certificate_of("taking_part", CertificateKind.PARTICIPATION)
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 403
    assert "Location" not in response.headers


# --- Prepared files -----------------------------------------------------------------------------------------


def test_prepared_file_served_to_organisers_refused_to_others(app, client, auth, issued, db, storage_backend):
    prepared, _ = request_file(
        PreparedKind.CERTIFICATES_ZIP, issued.edition.id, parameters={}, download_name="all.zip", user_id=None
    )
    db.session.commit()  # the job runs at once in the tests
    url = f"/manage/editions/{issued.edition.id}/files/{prepared.id}"
    auth.login(issued.users["obrnice"].email)
    refused = client.get(url)
    auth.logout()
    auth.login(issued.organiser.email)

    data = stored.read("exports", db.session.get(type(prepared), prepared.id).file_name)
    with client.get(url) as response:
        if _presigned(app, storage_backend):
            _check_redirect(response, app, "all.zip", data)
        else:
            assert response.status_code == 200
            assert response.data == data

    assert refused.status_code == 403
    assert "Location" not in refused.headers
