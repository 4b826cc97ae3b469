"""The verification page, downloads, the organisers' list, ZIP, issue and revoke."""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.certificates import jobs, pdf
from app.certificates.enums import CertificateKind, CertificateLanguage
from app.certificates.files import AREA, file_problem
from app.certificates.issue import issue_certificates, revoke_certificate
from app.certificates.models import Certificate
from app.certificates.queries import edition_certificates
from app.db import utcnow
from app.extensions import db
from app.prepared.models import PreparedFile
from tests import stored
from tests.certificates.helpers import (
    build_published,
    certificate_files,
    plant_certificate,
    stored_bytes,
)
from tests.conftest import counting_queries

# --- Public verification -----------------------------------------------------------------------------------


def test_verify_shows_what_the_certificate_says_to_anyone(client, issued):
    certificate = issued.certificate_of("heraklion")

    response = client.get(f"/verify/{certificate.verification_code}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "This certificate is genuine",
        "Dosta!-Congress Prize for Municipalities",
        "4th Dosta!-Congress Prize for Municipalities",
        "Joint Second Prize",
        "joint 2nd place",
        "Ηράκλειο",
        "Municipality · Greece",
        "“Project of Ηράκλειο”",
        issued.applications["heraklion"].reference,
        "30 October 2013, Strasbourg, 25th session of the Congress",
        certificate.verification_code,
    ):
        assert text in html


def test_verify_shows_the_sha256_of_the_stored_file_and_how_to_check_it(client, issued):
    certificate = issued.certificate_of("obrnice")
    file_sha = hashlib.sha256(stored_bytes(certificate)).hexdigest()

    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)

    assert f'<p class="sha256-value" id="sha256">{file_sha}</p>' in html
    assert f'data-sha256-check="{file_sha}"' in html
    assert "sha256sum file.pdf" in html
    assert "certutil -hashfile file.pdf SHA256" in html
    assert "js/certificates.js" in html


def test_verify_says_when_issued_and_reissued(client, issued, db):
    issue_certificates(issued.edition)
    db.session.commit()
    certificate = issued.certificate_of("obrnice")

    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)

    assert "Issued" in html
    assert "Reissued" in html
    assert "Copies made before this date have a different fingerprint" in html


def test_verify_in_french_for_a_french_browser(client, issued):
    certificate = issued.certificate_of("obrnice")

    html = client.get(f"/verify/{certificate.verification_code}", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )

    assert "Premier prix" in html
    assert "Tchéquie" in html


def test_verify_unknown_code_is_not_found_and_says_nothing_more(client, issued):
    known = issued.certificate_of("obrnice").verification_code

    for code in (
        "no-such-code",
        known[:-1],
        known.upper() if known.upper() != known else known + "x",
        "x" * 300,
    ):
        response = client.get(f"/verify/{code}")

        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "No certificate with this code" in html
        assert "Obrnice" not in html


def test_verify_certificate_of_an_unpublished_edition_is_not_found(client, make, db):
    edition = make.edition(phase="deliberation")
    certificate = plant_certificate(edition, make.organisation(name="Secret Laureate"))
    db.session.commit()

    response = client.get(f"/verify/{certificate.verification_code}")

    assert response.status_code == 404
    assert "Secret Laureate" not in response.get_data(as_text=True)


def test_verify_revoked_certificate_says_so(client, issued, db):
    certificate = issued.certificate_of("obrnice")
    revoke_certificate(certificate)
    db.session.commit()

    response = client.get(f"/verify/{certificate.verification_code}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This certificate was revoked" in html
    assert "no longer valid" in html
    assert "This certificate is genuine" not in html


def test_verify_escapes_a_hostile_organisation_name(client, make, db):
    edition = make.edition(phase="published")
    certificate = plant_certificate(edition, make.organisation(name="<script>alert(1)</script>"))
    db.session.commit()

    html = client.get(f"/verify/{certificate.verification_code}").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_verify_form_without_a_code_explains(client):
    response = client.get("/verify")

    assert response.status_code == 200
    assert "Enter a verification code" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "typed",
    ["{code}", "  {code}  ", "http://localhost/verify/{code}", "https://prize.example.org/verify/{code}/"],
)
def test_verify_form_goes_to_the_code_typed_or_pasted(client, issued, typed):
    code = issued.certificate_of("obrnice").verification_code

    response = client.get("/verify", query_string={"code": typed.format(code=code)})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{code}"


def test_verify_form_empty_code_shows_the_error(client):
    response = client.get("/verify", query_string={"code": "  "})

    assert response.status_code == 200
    assert "Enter the code printed under the QR code." in response.get_data(as_text=True)


# --- Downloads ----------------------------------------------------------------------------------------------


@pytest.mark.both_backends
def test_download_laureates_user_gets_the_stored_file(client, auth, issued):
    certificate = issued.certificate_of("obrnice")
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 200
    assert response.data == stored_bytes(certificate)
    assert hashlib.sha256(response.data).hexdigest() == certificate.sha256
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "private" in response.headers["Cache-Control"]
    year = issued.edition.year
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename=Dosta-{year}-1st-place-Obrnice.pdf"
    )


@pytest.mark.both_backends
def test_download_unicode_file_name(client, auth, issued):
    certificate = issued.certificate_of("heraklion")
    auth.login(issued.users["heraklion"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    name = f"Dosta-{issued.edition.year}-joint-2nd-place-Ηράκλειο.pdf"
    assert response.status_code == 200
    assert f"filename*=UTF-8''{quote(name)}" in response.headers["Content-Disposition"]


def test_download_organiser_gets_any_certificate(client, auth, issued):
    certificate = issued.certificate_of("kocaeli")
    auth.login(issued.organiser.email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 200
    assert response.data == stored_bytes(certificate)


@pytest.mark.both_backends
@pytest.mark.parametrize("who", ["other_laureate", "juror"])
def test_download_participation_certificate_refused_to_other_users(client, auth, make, issued, who):
    issue_certificates(issued.edition, participation=True)
    db.session.commit()
    email = issued.users["obrnice"].email if who == "other_laureate" else make.juror().email
    certificate = issued.certificate_of("taking_part", CertificateKind.PARTICIPATION)
    auth.login(email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 403
    assert response.mimetype == "text/html"


def test_download_participation_certificate_anonymous_is_sent_to_login(client, issued):
    issue_certificates(issued.edition, participation=True)
    db.session.commit()
    code = issued.certificate_of("taking_part", CertificateKind.PARTICIPATION).verification_code

    response = client.get(f"/certificates/{code}.pdf")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_download_award_certificate_of_published_results_is_public(client, issued):
    certificate = issued.certificate_of("obrnice")

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == certificate.sha256


def test_download_unknown_code_is_not_found(client, auth, issued):
    auth.login(issued.organiser.email)

    assert client.get("/certificates/no-such-code.pdf").status_code == 404


def test_download_serves_the_stored_file_never_a_new_rendering(client, auth, issued, monkeypatch):
    certificate = issued.certificate_of("obrnice")
    original = stored_bytes(certificate)

    def refuse(*args, **kwargs):
        raise AssertionError("a download must not render the certificate again")

    # The template changes after issuing (a new design, a fixed typo): the issued file stays as it was.
    monkeypatch.setattr(pdf, "certificate_html", lambda content: "<p>a new design</p>")
    monkeypatch.setattr(pdf, "render_certificate", refuse)
    monkeypatch.setattr(jobs, "render_pdf", refuse)
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 200
    assert response.data == original


@pytest.mark.both_backends
def test_download_altered_file_is_refused_cleanly(client, auth, issued, caplog):
    certificate = issued.certificate_of("obrnice")
    data = bytearray(stored.read(AREA, certificate.file_name))
    data[len(data) // 2] ^= 0xFF  # one byte changed somewhere in the middle
    stored.write(AREA, certificate.file_name, bytes(data))
    auth.login(issued.users["obrnice"].email)

    with caplog.at_level(logging.ERROR):
        response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert response.mimetype == "text/html"
    assert "no longer matches the fingerprint" in html
    assert "Please write to the organisers" in html
    assert "does not match the SHA-256 on record" in caplog.text


@pytest.mark.both_backends
def test_download_missing_file_is_refused_cleanly(client, auth, issued):
    certificate = issued.certificate_of("obrnice")
    stored.delete(AREA, certificate.file_name)
    auth.login(issued.organiser.email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "stored file is missing" in html
    assert f"/manage/editions/{issued.edition.id}/certificates" in html


def test_download_revoked_certificate_is_gone(client, auth, issued, db):
    certificate = issued.certificate_of("obrnice")
    revoke_certificate(certificate)
    db.session.commit()
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/certificates/{certificate.verification_code}.pdf")

    assert response.status_code == 410
    assert "no longer valid" in response.get_data(as_text=True)


def test_download_certificate_of_an_unpublished_edition_is_not_found(client, auth, make, db):
    organisation = make.organisation()
    user = make.applicant(organisation=organisation)
    certificate = plant_certificate(make.edition(phase="deliberation"), organisation)
    db.session.commit()
    auth.login(user.email)

    assert client.get(f"/certificates/{certificate.verification_code}.pdf").status_code == 404


# --- The organisers' list -----------------------------------------------------------------------------------


def test_edition_list_shows_every_certificate(client, auth, issued):
    auth.login(issued.organiser.email)

    response = client.get(f"/manage/editions/{issued.edition.id}/certificates")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for key in ("obrnice", "heraklion", "kocaeli"):
        certificate = issued.certificate_of(key)
        assert f"/verify/{certificate.verification_code}" in html
        assert f"/certificates/{certificate.verification_code}.pdf" in html
    assert "1st place" in html
    assert "joint 2nd place" in html
    assert f'action="/manage/editions/{issued.edition.id}/certificates/zip"' in html
    assert "Reissue the certificates" in html
    assert "3 certificates." in html
    assert "Certificates issued: 3 of 3." in html


@pytest.mark.both_backends
def test_edition_list_flags_a_file_that_no_longer_matches(client, auth, issued):
    certificate = issued.certificate_of("kocaeli")
    stored.write(AREA, certificate.file_name, b"%PDF-1.7 something else")
    auth.login(issued.organiser.email)

    html = client.get(f"/manage/editions/{issued.edition.id}/certificates").get_data(as_text=True)

    assert "Altered" in html
    assert "1 stored file is missing or no longer matches its fingerprint" in html
    assert f"/certificates/{certificate.verification_code}.pdf" not in html


def test_edition_list_before_publication_explains(client, auth, make, db):
    organiser = make.organiser()
    edition = make.edition(phase="deliberation")
    db.session.commit()
    auth.login(organiser.email)

    response = client.get(f"/manage/editions/{edition.id}/certificates")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The results are not published yet" in html
    assert 'name="language"' not in html


def test_edition_pages_refused_to_applicants_and_jurors(client, auth, make, issued):
    for email in (issued.users["obrnice"].email, make.juror().email):
        auth.login(email)
        token = auth.csrf("/account")

        assert client.get(f"/manage/editions/{issued.edition.id}/certificates").status_code == 403
        zip_url = f"/manage/editions/{issued.edition.id}/certificates/zip"
        assert client.post(zip_url, data={"csrf_token": token, "kind": "certificates_zip"}).status_code == 403
        auth.logout()
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 0


def test_edition_pages_anonymous_sent_to_login(client, issued):
    response = client.get(f"/manage/editions/{issued.edition.id}/certificates")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_edition_list_queries_do_not_grow_with_the_certificates(client, auth, make, db):
    organiser = make.organiser()
    db.session.commit()
    auth.login(organiser.email)
    counts = {}
    for rows in (5, 50):
        edition = make.edition(phase="published")
        for _ in range(rows):
            plant_certificate(edition, make.organisation())
        db.session.commit()
        with counting_queries(db) as statements:
            response = client.get(f"/manage/editions/{edition.id}/certificates")
        assert response.status_code == 200
        counts[rows] = len(statements)

    assert counts[5] == counts[50]


# --- ZIP ----------------------------------------------------------------------------------------------------


def prepare_zip(auth, edition, *, follow_redirects: bool = False, **data):
    url = f"/manage/editions/{edition.id}/certificates/zip"
    form_url = f"/manage/editions/{edition.id}/certificates"
    data = {"kind": "certificates_zip", **data}
    return auth.post(url, data, form_url=form_url, follow_redirects=follow_redirects)


def latest_zip() -> PreparedFile:
    return db.session.scalars(select(PreparedFile).order_by(PreparedFile.id.desc())).first()


def download_zip(client, edition):
    prepared = latest_zip()
    return client.get(f"/manage/editions/{edition.id}/files/{prepared.id}", buffered=True)


@pytest.mark.both_backends
def test_zip_asked_once_is_prepared_and_holds_every_certificate_byte_for_byte(client, auth, issued):
    auth.login(issued.organiser.email)

    asked = prepare_zip(auth, issued.edition)
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    response = download_zip(client, issued.edition)

    assert asked.status_code == 302
    assert "Download: Certificates (ZIP)" in page
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert f"{issued.edition.slug}-certificates.zip" in response.headers["Content-Disposition"]
    assert "private" in response.headers["Cache-Control"]
    data = response.data
    prepared = latest_zip()
    assert (prepared.status, prepared.size, prepared.sha256) == (
        "ready",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    year = issued.edition.year
    expected = {
        f"Dosta-{year}-1st-place-Obrnice.pdf": issued.certificate_of("obrnice"),
        f"Dosta-{year}-joint-2nd-place-Ηράκλειο.pdf": issued.certificate_of("heraklion"),
        f"Dosta-{year}-joint-2nd-place-Kocaeli.pdf": issued.certificate_of("kocaeli"),
    }
    assert sorted(archive.namelist()) == sorted([*expected, "SHA256SUMS"])
    for name, certificate in expected.items():
        assert archive.read(name) == stored_bytes(certificate)
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert sorted(sums) == sorted(f"{c.sha256}  {name}" for name, c in expected.items())


def test_zip_asked_twice_is_made_once(client, auth, issued, db):
    auth.login(issued.organiser.email)

    prepare_zip(auth, issued.edition)
    second = prepare_zip(auth, issued.edition, follow_redirects=True)

    assert db.session.scalar(select(func.count(PreparedFile.id))) == 1
    assert "nothing has changed since it was prepared" in second.get_data(as_text=True)


def test_zip_prepared_again_on_request_or_once_a_certificate_changed(client, auth, issued, db):
    auth.login(issued.organiser.email)
    prepare_zip(auth, issued.edition)
    prepare_zip(auth, issued.edition, again="y")
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 2

    revoke_certificate(issued.certificate_of("kocaeli"))
    db.session.commit()
    page = client.get(f"/manage/editions/{issued.edition.id}/certificates").get_data(as_text=True)
    prepare_zip(auth, issued.edition)

    assert "the data has changed since it was prepared" in page
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 3
    names = zipfile.ZipFile(io.BytesIO(download_zip(client, issued.edition).data)).namelist()
    assert f"Dosta-{issued.edition.year}-joint-2nd-place-Kocaeli.pdf" not in names


@pytest.mark.both_backends
def test_zip_leaves_out_revoked_and_altered_files_and_says_so(client, auth, issued, db):
    revoke_certificate(issued.certificate_of("kocaeli"))
    db.session.commit()
    altered = issued.certificate_of("heraklion")
    stored.write(AREA, altered.file_name, b"%PDF-1.7 forged")
    auth.login(issued.organiser.email)

    prepare_zip(auth, issued.edition)
    archive = zipfile.ZipFile(io.BytesIO(download_zip(client, issued.edition).data))

    assert sorted(archive.namelist()) == sorted(
        [f"Dosta-{issued.edition.year}-1st-place-Obrnice.pdf", "SHA256SUMS", "PROBLEMS.txt"]
    )
    assert f"Ηράκλειο ({altered.verification_code}): file altered" in archive.read("PROBLEMS.txt").decode()


@pytest.mark.both_backends
def test_zip_that_fails_says_why_and_can_be_tried_again(client, auth, issued, db, app, monkeypatch):
    auth.login(issued.organiser.email)

    def broken(certificates, out, prefix="Dosta"):
        raise OSError("No space left on device")

    monkeypatch.setattr("app.certificates.prepared.write_archive", broken)
    prepare_zip(auth, issued.edition)
    page = client.get(f"/manage/editions/{issued.edition.id}/certificates").get_data(as_text=True)
    failed = latest_zip()
    refused = download_zip(client, issued.edition)
    monkeypatch.undo()
    prepare_zip(auth, issued.edition)

    assert (failed.status, failed.failure) == ("failed", "OSError: No space left on device")
    assert "could not be prepared: OSError: No space left on device" in page
    assert "Try again: Certificates (ZIP)" in page
    assert refused.status_code == 302
    assert latest_zip().status == "ready"
    assert stored.keys("exports") == [latest_zip().file_name]


def test_zip_of_another_edition_or_unknown_is_not_found(client, auth, issued, make, db):
    other = make.edition(phase="published")
    db.session.commit()
    auth.login(issued.organiser.email)
    prepare_zip(auth, issued.edition)
    prepared = latest_zip()

    assert client.get(f"/manage/editions/{other.id}/files/{prepared.id}").status_code == 404
    assert client.get(f"/manage/editions/{issued.edition.id}/files/{prepared.id + 1}").status_code == 404
    assert client.get(f"/manage/editions/{issued.edition.id}/files/99999999999").status_code == 404
    assert client.get(f"/manage/editions/{issued.edition.id}/files/{prepared.id}/status").json == {
        "status": "ready",
        "size": prepared.size,
    }


def test_zip_with_a_forged_kind_changes_nothing(client, auth, issued, db):
    auth.login(issued.organiser.email)

    response = prepare_zip(auth, issued.edition, kind="jury_report")

    assert response.status_code == 302
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 0


# --- Issue and reissue --------------------------------------------------------------------------------------


def test_issue_by_organiser_with_participation_in_french(client, auth, published, db):
    auth.login(published.organiser.email)
    url = f"/manage/editions/{published.edition.id}/certificates"

    response = auth.post(url, {"language": "fr", "participation": "y"})

    assert response.status_code == 302
    assert response.headers["Location"] == url
    certificates = edition_certificates(published.edition)
    assert sorted((c.content["organisation_name"], c.kind, c.language) for c in certificates) == [
        ("Jyväskylä", "participation", "fr"),
        ("Kocaeli", "award", "fr"),
        ("Obrnice", "award", "fr"),
        ("Ηράκλειο", "award", "fr"),
    ]
    assert all(file_problem(c) is None for c in certificates)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.issued"))
    assert event.actor_id == published.organiser.id
    assert "4 certificates recorded: their files are being made." in client.get(url).get_data(as_text=True)


def test_reissue_by_organiser_keeps_the_codes(client, auth, issued):
    codes = {key: issued.certificate_of(key).verification_code for key in ("obrnice", "heraklion")}
    auth.login(issued.organiser.email)
    url = f"/manage/editions/{issued.edition.id}/certificates"

    auth.post(url, {"language": "both"})

    for key, code in codes.items():
        certificate = issued.certificate_of(key)
        assert certificate.verification_code == code
        assert certificate.reissued_at is not None
        assert certificate.language == CertificateLanguage.BOTH
    assert "(3 of them reissued under their code)." in client.get(url).get_data(as_text=True)


def test_issue_unknown_language_changes_nothing(client, auth, published, db):
    auth.login(published.organiser.email)

    response = auth.post(f"/manage/editions/{published.edition.id}/certificates", {"language": "de"})

    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_issue_without_awards_explains_and_changes_nothing(client, auth, make, db, app):
    organiser = make.organiser()
    edition = make.edition(phase="published")
    db.session.commit()
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/certificates"

    response = auth.post(url, {"language": "en"})

    assert response.status_code == 409
    assert "No award is recorded for this edition." in response.get_data(as_text=True)
    assert certificate_files(app) == []


def test_issue_before_publication_is_refused(client, auth, make, db, app):
    organiser = make.organiser()
    edition = make.edition(phase="deliberation")
    make.award(edition, make.organisation(), 1)
    db.session.commit()
    auth.login(organiser.email)
    url = f"/manage/editions/{edition.id}/certificates"

    response = auth.post(url, {"language": "en"})

    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert certificate_files(app) == []


def test_issue_refused_to_a_laureates_user(client, auth, published, db):
    auth.login(published.users["obrnice"].email)
    url = f"/manage/editions/{published.edition.id}/certificates"

    response = client.post(url, data={"language": "en", "csrf_token": auth.csrf("/account")})

    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_issue_without_csrf_token_is_refused(client, auth, published, db):
    auth.login(published.organiser.email)

    response = client.post(f"/manage/editions/{published.edition.id}/certificates", data={"language": "en"})

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_issue_get_changes_nothing(client, auth, published, db):
    auth.login(published.organiser.email)

    client.get(f"/manage/editions/{published.edition.id}/certificates")

    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


# --- Revoke -------------------------------------------------------------------------------------------------


def test_revoke_asks_for_confirmation_first(client, auth, issued, db):
    certificate = issued.certificate_of("obrnice")
    auth.login(issued.organiser.email)
    url = f"/manage/certificates/{certificate.id}/revoke"

    page = client.get(url)
    unconfirmed = auth.post(url, {})

    assert page.status_code == 200
    assert "Revoke the certificate of Obrnice" in page.get_data(as_text=True)
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    db.session.expire_all()
    assert certificate.revoked_at is None


def test_revoke_confirmed_shows_on_the_verification_page(client, auth, issued, db):
    certificate = issued.certificate_of("obrnice")
    auth.login(issued.organiser.email)

    response = auth.post(f"/manage/certificates/{certificate.id}/revoke", {"confirm": "y"})

    assert response.status_code == 302
    db.session.expire_all()
    assert certificate.revoked_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert "This certificate was revoked" in client.get(f"/verify/{certificate.verification_code}").get_data(
        as_text=True
    )


def test_revoke_twice_changes_nothing(client, auth, issued, db):
    certificate = issued.certificate_of("obrnice")
    revoked_at = utcnow()
    certificate.revoked_at = revoked_at
    db.session.commit()
    auth.login(issued.organiser.email)

    response = client.get(f"/manage/certificates/{certificate.id}/revoke")

    assert response.status_code == 302
    db.session.expire_all()
    assert certificate.revoked_at == revoked_at


def test_revoke_refused_to_a_laureates_user(client, auth, issued, db):
    certificate = issued.certificate_of("obrnice")
    auth.login(issued.users["obrnice"].email)

    response = client.get(f"/manage/certificates/{certificate.id}/revoke")

    assert response.status_code == 403


# --- Every route of the blueprint has its access rule tested above ------------------------------------------


def test_every_certificates_route_is_known(app):
    rules = sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("certificates.")
    )

    assert rules == [
        ("certificates.design", "/manage/editions/<int:edition_id>/certificate-design"),
        ("certificates.design_preview", "/manage/editions/<int:edition_id>/certificate-design/preview.pdf"),
        ("certificates.download", "/certificates/<code>.pdf"),
        ("certificates.edition_list", "/manage/editions/<int:edition_id>/certificates"),
        ("certificates.issue", "/manage/editions/<int:edition_id>/certificates"),
        ("certificates.prepare_zip", "/manage/editions/<int:edition_id>/certificates/zip"),
        ("certificates.progress", "/manage/editions/<int:edition_id>/certificates/progress"),
        ("certificates.retry", "/manage/editions/<int:edition_id>/certificates/retry"),
        ("certificates.revoke", "/manage/certificates/<int:certificate_id>/revoke"),
        ("certificates.verify", "/verify/<code>"),
        ("certificates.verify_form", "/verify"),
    ]


def test_verify_form_accepts_a_code_typed_in_capitals(client, issued):
    code = issued.certificate_of("obrnice").verification_code

    response = client.get("/verify", query_string={"code": f" {code.upper()} "})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{code}"


def test_verify_in_french_shows_the_editions_french_name_and_place(client, make, db):
    published = build_published(
        make,
        name_fr="4e Prix Dosta!-Congrès pour les municipalités",
        ceremony_place_fr="Strasbourg, 25e session du Congrès",
    )
    issue_certificates(published.edition, language="both")
    db.session.commit()
    code = published.certificate_of("obrnice").verification_code

    french = client.get(f"/verify/{code}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    english = client.get(f"/verify/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert "4e Prix Dosta!-Congrès pour les municipalités · " in french
    assert "Strasbourg, 25e session du Congrès</dd>" in french
    assert "4th Dosta!-Congress Prize for Municipalities · " in english
    assert "Strasbourg, 25th session of the Congress</dd>" in english
