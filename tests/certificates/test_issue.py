"""Issuing certificates (app/certificates/issue.py): who gets one, what it says, reissuing and revoking."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.certificates.content import download_name
from app.certificates.enums import CertificateKind, CertificateLanguage
from app.certificates.issue import issue_certificates, issue_problems, public_url, revoke_certificate
from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.db import utcnow
from tests.certificates.helpers import (
    build_published,
    certificate_files,
    staged_pdf,
    stored_bytes,
    text_of,
)

# --- Who gets a certificate ---------------------------------------------------------------------------------


def test_issue_certificates_one_per_laureate_joint_laureates_each_get_theirs(published):
    certificates = issue_certificates(published.edition)

    said = [
        (c.content["organisation_name"], c.kind, c.content["place"], c.content["joint"]) for c in certificates
    ]
    assert said == [
        ("Obrnice", CertificateKind.AWARD, 1, False),
        ("Kocaeli", CertificateKind.AWARD, 2, True),
        ("Ηράκλειο", CertificateKind.AWARD, 2, True),
    ]


def test_issue_certificates_joint_place_printed_on_both(issued):
    for key in ("heraklion", "kocaeli"):
        text = text_of(stored_bytes(issued.certificate_of(key)))

        assert "JOINT SECOND PRIZE" in text
        assert "joint 2nd place" in text
    assert "JOINT" not in text_of(stored_bytes(issued.certificate_of("obrnice")))


def test_issue_certificates_text_layer_holds_the_organisation_name(issued):
    assert "Ηράκλειο" in text_of(stored_bytes(issued.certificate_of("heraklion")))
    assert "Obrnice" in text_of(stored_bytes(issued.certificate_of("obrnice")))


def test_issue_certificates_participation_for_eligible_non_laureates_only(published):
    certificates = issue_certificates(published.edition, participation=True)

    participation = [c for c in certificates if c.kind == CertificateKind.PARTICIPATION]
    assert [c.content["organisation_name"] for c in participation] == ["Jyväskylä"]
    assert participation[0].application_id == published.applications["taking_part"].id
    assert participation[0].award_id is None
    assert participation[0].content["place"] is None
    assert "CERTIFICATE OF PARTICIPATION" in text_of(staged_pdf(participation[0]))


def test_issue_certificates_without_participation_issues_awards_only(published):
    certificates = issue_certificates(published.edition, participation=False)

    assert {c.kind for c in certificates} == {CertificateKind.AWARD}
    assert len(certificates) == 3


def test_issue_certificates_special_mention(make, db):
    edition = make.edition(phase="published")
    organisation = make.organisation(name="Surčin")
    application = make.application(edition_=edition, organisation_=organisation, status="eligible")
    make.award(edition, organisation, None, application_id=application.id)

    (certificate,) = issue_certificates(edition)

    assert certificate.content["special_mention"] is True
    assert certificate.content["place"] is None
    assert download_name(certificate) == f"Dosta-{edition.year}-special-mention-Surčin.pdf"


def test_issue_certificates_archived_award_without_application(make, db):
    edition = make.edition(phase="published", archived=True)
    make.award(edition, make.organisation(name="Jyväskylä", country="FI"), 1)
    db.session.commit()

    (certificate,) = issue_certificates(edition)
    db.session.commit()

    assert certificate.application_id is None
    assert certificate.content["project_title"] == ""
    assert certificate.content["reference"] == ""
    text = text_of(stored_bytes(certificate))
    assert "Jyväskylä" in text
    assert "for the project" not in text
    assert "Reference" not in text
    assert "\u201c\u201d" not in text


def test_issue_certificates_refuses_unknown_language(published):
    with pytest.raises(ValueError, match="language"):
        issue_certificates(published.edition, language="de")


def test_issue_problems_before_publication_and_without_awards(app, make, db):
    unpublished = make.edition(phase="deliberation")
    make.award(unpublished, make.organisation(), 1)
    no_awards = make.edition(phase="published")

    with app.test_request_context():  # the messages are translated: the request chooses the language
        assert issue_problems(unpublished) == [
            "The results are not published yet: the certificates are issued with the publication."
        ]
        assert issue_problems(no_awards) == ["No award is recorded for this edition."]
        assert issue_problems(make.edition(phase="published", archived=True)) == [
            "No award is recorded for this edition."
        ]


# --- What it says -------------------------------------------------------------------------------------------


def test_issue_certificates_content_snapshot_from_the_records(published):
    issue_certificates(published.edition, language=CertificateLanguage.BOTH)
    certificate = published.certificate_of("obrnice")

    content = certificate.content
    assert json.loads(json.dumps(content)) == content
    assert content["prize_name"] == "Dosta!-Congress Prize for Municipalities"
    assert content["edition_name"] == "4th Dosta!-Congress Prize for Municipalities"
    assert content["edition_year"] == published.edition.year
    assert content["organisation_kind"] == "municipality"
    assert content["country_name"] == "Czech Republic"
    assert content["country_name_fr"] == "Tchéquie"
    assert content["project_title"] == "Project of Obrnice"
    assert content["reference"] == published.applications["obrnice"].reference
    assert content["ceremony_date"] == "2013-10-30"
    assert content["ceremony_place"] == "Strasbourg, 25th session of the Congress"
    assert content["language"] == "both"
    assert content["verification_code"] == certificate.verification_code
    assert content["verification_url"] == f"http://localhost/verify/{certificate.verification_code}"
    assert certificate.language == CertificateLanguage.BOTH
    assert certificate.application_id == published.applications["obrnice"].id
    assert certificate.award_id is not None
    assert certificate.file_name == f"{published.edition.slug}/{certificate.verification_code}.pdf"


def test_issue_certificates_default_signatories_name_no_one(published):
    issue_certificates(published.edition, language=CertificateLanguage.FRENCH)

    assert published.certificate_of("obrnice").content["signatories"] == [
        ["", "Président du Congrès des pouvoirs locaux et régionaux"],
        ["", "Président du jury"],
    ]


def test_issue_certificates_signatories_from_config(app, published):
    app.config["CERTIFICATE_SIGNATORIES"] = [("Demo Signatory", "Secretary General")]

    issue_certificates(published.edition)

    certificate = published.certificate_of("obrnice")
    assert certificate.content["signatories"] == [["Demo Signatory", "Secretary General"]]
    assert "Demo Signatory" in text_of(staged_pdf(certificate))


def test_issue_certificates_verification_url_ignores_the_requests_host(app, published):
    app.config["PUBLIC_BASE_URL"] = "https://prize.example.org"
    with app.test_request_context(base_url="http://forged-host.example"):
        issue_certificates(published.edition)

    code = published.certificate_of("obrnice").verification_code
    assert published.certificate_of("obrnice").content["verification_url"] == (
        f"https://prize.example.org/verify/{code}"
    )


def test_public_url_outside_a_request_uses_public_base_url(app):
    app.config["PUBLIC_BASE_URL"] = "https://dosta.example.org/prize"

    assert public_url("certificates.verify", code="abc") == "https://dosta.example.org/prize/verify/abc"


def test_issue_certificates_records_an_audit_event(published, db):
    certificates = issue_certificates(
        published.edition, language=CertificateLanguage.FRENCH, actor=published.organiser
    )

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificates.issued"))
    assert event.actor_id == published.organiser.id
    assert event.edition_id == published.edition.id
    assert event.after == {
        "language": "fr",
        "participation": False,
        "issued": [c.id for c in certificates],
        "reissued": [],
    }


def test_hostile_organisation_name_is_printed_as_text_and_loads_nothing(make, db):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        name = f"<img src=http://127.0.0.1:{server.server_port}/x>"
        edition = make.edition(phase="published")
        organisation = make.organisation(name=name)
        make.award(edition, organisation, 1)

        (certificate,) = issue_certificates(edition)
        db.session.commit()
    finally:
        server.shutdown()
        server.server_close()

    assert hits == []
    assert name in text_of(stored_bytes(certificate))
    assert certificate.content["organisation_name"] == name


def test_ceremony_date_falls_back_to_the_publication_day(make, db):
    edition = make.edition(
        phase="published", ceremony_date=None, results_published_at=datetime(2013, 10, 30, 23, 30, tzinfo=UTC)
    )
    make.award(edition, make.organisation(), 1)

    (certificate,) = issue_certificates(edition)

    assert (
        certificate.content["ceremony_date"] == date(2013, 10, 31).isoformat()
    )  # Strasbourg is ahead of UTC


# --- Reissue and revoke -------------------------------------------------------------------------------------


def test_reissue_keeps_the_code_and_replaces_the_file(issued, db):
    before = issued.certificate_of("obrnice")
    code, issued_at, old_sha, old_bytes = (
        before.verification_code,
        before.issued_at,
        before.sha256,
        stored_bytes(before),
    )
    later = utcnow() + timedelta(days=1)

    issue_certificates(issued.edition, language=CertificateLanguage.FRENCH, now=later)
    db.session.commit()

    after = issued.certificate_of("obrnice")
    assert after.id == before.id
    assert after.verification_code == code
    assert after.issued_at == issued_at
    assert after.reissued_at == later
    assert after.language == CertificateLanguage.FRENCH
    assert after.sha256 != old_sha
    assert stored_bytes(after) != old_bytes
    assert sha256_hex(stored_bytes(after)) == after.sha256
    assert "PREMIER PRIX" in text_of(stored_bytes(after))
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3


def test_reissue_rolled_back_keeps_the_previous_file(app, issued, db):
    certificate = issued.certificate_of("obrnice")
    old_sha, old_bytes = certificate.sha256, stored_bytes(certificate)
    files_before = certificate_files(app)

    issue_certificates(issued.edition, language=CertificateLanguage.FRENCH)
    db.session.rollback()

    certificate = issued.certificate_of("obrnice")
    assert certificate.sha256 == old_sha
    assert certificate.reissued_at is None
    assert stored_bytes(certificate) == old_bytes
    assert certificate_files(app) == files_before


def test_reissue_leaves_a_revoked_certificate_alone(issued, db):
    revoked = issued.certificate_of("kocaeli")
    revoke_certificate(revoked)
    db.session.commit()
    old_sha = revoked.sha256

    reissued = issue_certificates(issued.edition)
    db.session.commit()

    assert revoked not in reissued
    assert revoked.reissued_at is None
    assert revoked.sha256 == old_sha
    assert len(reissued) == 2


def test_reissue_keeps_earlier_participation_certificates(published, db):
    issue_certificates(published.edition, participation=True)
    db.session.commit()

    again = issue_certificates(published.edition, participation=False)
    db.session.commit()

    assert {c.kind for c in again} == {CertificateKind.AWARD}
    assert published.certificate_of("taking_part", CertificateKind.PARTICIPATION).reissued_at is None


def test_revoke_certificate_records_when_and_audits(issued, db):
    certificate = issued.certificate_of("obrnice")

    revoke_certificate(certificate, actor=issued.organiser)

    assert certificate.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.object_id == certificate.id
    assert event.after["code"] == certificate.verification_code


# --- The edition's texts in the certificate's language ------------------------------------------------------

FRENCH_EDITION = dict(
    name_fr="4e Prix Dosta!-Congrès pour les municipalités",
    ceremony_place_fr="Strasbourg, 25e session du Congrès",
)


def test_issue_certificates_in_french_print_the_editions_french_texts(make, db):
    published = build_published(make, **FRENCH_EDITION)

    issue_certificates(published.edition, language=CertificateLanguage.FRENCH)

    certificate = published.certificate_of("obrnice")
    text = text_of(staged_pdf(certificate))
    assert f"4e Prix Dosta!-Congrès pour les municipalités · {published.edition.year}" in text
    assert "Strasbourg, 25e session du Congrès, le 30 octobre 2013" in text
    assert "4th Dosta" not in text and "25th session" not in text
    assert (certificate.content["edition_name"], certificate.content["edition_name_fr"]) == (
        "4th Dosta!-Congress Prize for Municipalities",
        "4e Prix Dosta!-Congrès pour les municipalités",
    )


def test_issue_certificates_in_french_print_the_english_where_no_french_is_given(published):
    issue_certificates(published.edition, language=CertificateLanguage.FRENCH)

    text = text_of(staged_pdf(published.certificate_of("obrnice")))
    assert f"4th Dosta!-Congress Prize for Municipalities · {published.edition.year}" in text
    assert "Strasbourg, 25th session of the Congress, le 30 octobre 2013" in text
    assert "only" not in text and "seulement" not in text


def test_issue_certificates_in_english_print_the_french_of_a_french_only_edition(make, db):
    published = build_published(make, name_en="", ceremony_place_en="", **FRENCH_EDITION)

    issue_certificates(published.edition, language=CertificateLanguage.ENGLISH)

    text = text_of(staged_pdf(published.certificate_of("obrnice")))
    assert f"4e Prix Dosta!-Congrès pour les municipalités · {published.edition.year}" in text
    assert "Strasbourg, 25e session du Congrès, 30 October 2013" in text


def test_issue_certificates_in_both_languages_print_both_edition_names(make, db):
    published = build_published(make, **FRENCH_EDITION)

    issue_certificates(published.edition, language=CertificateLanguage.BOTH)

    text = text_of(staged_pdf(published.certificate_of("obrnice")))
    assert "4th Dosta!-Congress Prize for Municipalities" in text
    assert "4e Prix Dosta!-Congrès pour les municipalités" in text
    assert "Strasbourg, 25e session du Congrès, le 30 octobre 2013" in text
