"""The demo's certificates (app/certificates/demo.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from app.certificates.demo import load_certificates_demo
from app.certificates.enums import CertificateLanguage
from tests.certificates.helpers import (
    build_published,
    stored_bytes,
    text_of,
)


def test_load_certificates_demo_issues_the_2013_laureates_in_both_languages(app, make, db):
    published_at = datetime(2013, 10, 30, 11, tzinfo=UTC)
    published = build_published(make, slug="dosta-2013", results_published_at=published_at)

    summary = load_certificates_demo()
    db.session.commit()

    assert summary == "3 certificates"
    certificate = published.certificate_of("obrnice")
    assert certificate.language == CertificateLanguage.BOTH
    assert certificate.issued_at == published_at
    assert certificate.content["verification_url"].startswith(app.config["PUBLIC_BASE_URL"] + "/verify/")
    text = " ".join(text_of(stored_bytes(certificate)).split())
    assert "Issued 30 October 2013" in text
    assert "Délivré le 30 octobre 2013" in text


def test_load_certificates_demo_without_the_2013_edition(db):
    assert load_certificates_demo() == ""
