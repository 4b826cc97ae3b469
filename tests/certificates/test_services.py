"""Issuing certificates: who gets one, what it says, where its file is, and what a rollback leaves."""

from __future__ import annotations

import http.server
import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEvent
from app.certificates import services
from app.certificates.demo import load_certificates_demo
from app.certificates.models import Certificate
from app.certificates.pdf import sha256_hex
from app.db import utcnow
from tests.certificates.conftest import (
    build_published,
    certificate_files,
    plant_certificate,
    stored_bytes,
    text_of,
)

# --- Who gets a certificate ---------------------------------------------------------------------------------


def test_issue_certificates_one_per_laureate_joint_laureates_each_get_theirs(published):
    certificates = services.issue_certificates(published.edition)

    said = [
        (c.content["organisation_name"], c.kind, c.content["place"], c.content["joint"]) for c in certificates
    ]
    assert said == [
        ("Obrnice", "award", 1, False),
        ("Kocaeli", "award", 2, True),
        ("Ηράκλειο", "award", 2, True),
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
    certificates = services.issue_certificates(published.edition, participation=True)

    participation = [c for c in certificates if c.kind == "participation"]
    assert [c.content["organisation_name"] for c in participation] == ["Jyväskylä"]
    assert participation[0].application_id == published.applications["taking_part"].id
    assert participation[0].award_id is None
    assert participation[0].content["place"] is None
    assert "CERTIFICATE OF PARTICIPATION" in text_of(services_pdf(participation[0]))


def test_issue_certificates_without_participation_issues_awards_only(published):
    certificates = services.issue_certificates(published.edition, participation=False)

    assert {c.kind for c in certificates} == {"award"}
    assert len(certificates) == 3


def test_issue_certificates_special_mention(make, db):
    edition = make.edition(phase="published")
    organisation = make.organisation(name="Surčin")
    application = make.application(edition_=edition, organisation_=organisation, status="eligible")
    make.award(edition, organisation, None, application_id=application.id)

    (certificate,) = services.issue_certificates(edition)

    assert certificate.content["special_mention"] is True
    assert certificate.content["place"] is None
    assert services.download_name(certificate) == f"Dosta-{edition.year}-special-mention-Surčin.pdf"


def test_issue_certificates_archived_award_without_application(make, db):
    edition = make.edition(phase="published", archived=True)
    make.award(edition, make.organisation(name="Jyväskylä", country="FI"), 1)
    db.session.commit()

    (certificate,) = services.issue_certificates(edition)
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
        services.issue_certificates(published.edition, language="de")


# --- What it says -------------------------------------------------------------------------------------------


def test_issue_certificates_content_snapshot_from_the_records(published):
    services.issue_certificates(published.edition, language="both")
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
    assert certificate.language == "both"
    assert certificate.application_id == published.applications["obrnice"].id
    assert certificate.award_id is not None
    assert certificate.file_name == f"{published.edition.slug}/{certificate.verification_code}.pdf"


def test_issue_certificates_default_signatories_name_no_one(published):
    services.issue_certificates(published.edition, language="fr")

    assert published.certificate_of("obrnice").content["signatories"] == [
        ["", "Président du Congrès des pouvoirs locaux et régionaux"],
        ["", "Président du jury"],
    ]


def test_issue_certificates_signatories_from_config(app, published):
    app.config["CERTIFICATE_SIGNATORIES"] = [("Demo Signatory", "Secretary General")]

    services.issue_certificates(published.edition)

    certificate = published.certificate_of("obrnice")
    assert certificate.content["signatories"] == [["Demo Signatory", "Secretary General"]]
    assert "Demo Signatory" in text_of(services_pdf(certificate))


def test_issue_certificates_verification_url_ignores_the_requests_host(app, published):
    app.config["PUBLIC_BASE_URL"] = "https://prize.example.org"
    with app.test_request_context(base_url="http://forged-host.example"):
        services.issue_certificates(published.edition)

    code = published.certificate_of("obrnice").verification_code
    assert published.certificate_of("obrnice").content["verification_url"] == (
        f"https://prize.example.org/verify/{code}"
    )


def test_public_url_outside_a_request_uses_public_base_url(app):
    app.config["PUBLIC_BASE_URL"] = "https://dosta.example.org/prize"

    assert (
        services.public_url("certificates.verify", code="abc") == "https://dosta.example.org/prize/verify/abc"
    )


def test_issue_certificates_records_an_audit_event(published, db):
    certificates = services.issue_certificates(published.edition, language="fr", actor=published.organiser)

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

        (certificate,) = services.issue_certificates(edition)
        db.session.commit()
    finally:
        server.shutdown()
        server.server_close()

    assert hits == []
    assert name in text_of(stored_bytes(certificate))
    assert certificate.content["organisation_name"] == name


# --- The stored file ----------------------------------------------------------------------------------------


def test_issue_certificates_stored_file_matches_its_record(issued):
    for key in ("obrnice", "heraklion", "kocaeli"):
        certificate = issued.certificate_of(key)

        assert sha256_hex(stored_bytes(certificate)) == certificate.sha256
        assert services.stored_pdf(certificate) == stored_bytes(certificate)


def test_issue_certificates_files_appear_only_when_the_session_commits(app, published, db):
    certificates = services.issue_certificates(published.edition)
    finals = [services.path_of(c.file_name) for c in certificates]

    assert not any(path.exists() for path in finals)
    assert sorted(services.pending_files()) == sorted(finals)
    db.session.commit()

    assert all(path.is_file() for path in finals)
    assert certificate_files(app) == sorted(finals)
    assert services.pending_files() == {}


def test_issue_certificates_rollback_leaves_no_file(app, published, db):
    services.issue_certificates(published.edition)

    db.session.rollback()

    assert certificate_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_issue_certificates_failed_commit_leaves_no_file(app, published, db):
    services.issue_certificates(published.edition)
    db.session.add(
        Certificate(
            edition_id=published.edition.id,
            organisation_id=published.organisations["obrnice"].id,
            kind="award",  # a second award certificate: the unique constraint refuses it
            file_name="x.pdf",
            sha256="0" * 64,
        )
    )

    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    assert certificate_files(app) == []


def test_issue_certificates_session_closed_without_commit_leaves_no_file(app, published, db):
    services.issue_certificates(published.edition)

    db.session.close()

    assert certificate_files(app) == []


def test_issue_certificates_savepoint_rolled_back_leaves_no_file(app, published, db):
    with db.session.begin_nested() as savepoint:
        services.issue_certificates(published.edition)
        savepoint.rollback()
    db.session.commit()

    assert certificate_files(app) == []


def test_issue_certificates_savepoint_released_files_wait_for_the_outer_commit(app, published, db):
    with db.session.begin_nested():
        certificates = services.issue_certificates(published.edition)

    assert certificate_files(app) == sorted(services.pending_files().values())
    db.session.commit()

    assert certificate_files(app) == sorted(services.path_of(c.file_name) for c in certificates)


# --- Reissue ------------------------------------------------------------------------------------------------


def test_reissue_keeps_the_code_and_replaces_the_file(issued, db):
    before = issued.certificate_of("obrnice")
    code, issued_at, old_sha, old_bytes = (
        before.verification_code,
        before.issued_at,
        before.sha256,
        stored_bytes(before),
    )
    later = utcnow() + timedelta(days=1)

    services.issue_certificates(issued.edition, language="fr", now=later)
    db.session.commit()

    after = issued.certificate_of("obrnice")
    assert after.id == before.id
    assert after.verification_code == code
    assert after.issued_at == issued_at
    assert after.reissued_at == later
    assert after.language == "fr"
    assert after.sha256 != old_sha
    assert stored_bytes(after) != old_bytes
    assert sha256_hex(stored_bytes(after)) == after.sha256
    assert "PREMIER PRIX" in text_of(stored_bytes(after))
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 3


def test_reissue_rolled_back_keeps_the_previous_file(app, issued, db):
    certificate = issued.certificate_of("obrnice")
    old_sha, old_bytes = certificate.sha256, stored_bytes(certificate)
    files_before = certificate_files(app)

    services.issue_certificates(issued.edition, language="fr")
    db.session.rollback()

    certificate = issued.certificate_of("obrnice")
    assert certificate.sha256 == old_sha
    assert certificate.reissued_at is None
    assert stored_bytes(certificate) == old_bytes
    assert certificate_files(app) == files_before


def test_reissue_leaves_a_revoked_certificate_alone(issued, db):
    revoked = issued.certificate_of("kocaeli")
    services.revoke_certificate(revoked)
    db.session.commit()
    old_sha = revoked.sha256

    reissued = services.issue_certificates(issued.edition)
    db.session.commit()

    assert revoked not in reissued
    assert revoked.reissued_at is None
    assert revoked.sha256 == old_sha
    assert len(reissued) == 2


def test_reissue_keeps_earlier_participation_certificates(published, db):
    services.issue_certificates(published.edition, participation=True)
    db.session.commit()

    again = services.issue_certificates(published.edition, participation=False)
    db.session.commit()

    assert {c.kind for c in again} == {"award"}
    assert published.certificate_of("taking_part", "participation").reissued_at is None


# --- Reading, revoking, listing -----------------------------------------------------------------------------


def test_stored_pdf_refuses_an_altered_file(issued, caplog):
    certificate = issued.certificate_of("obrnice")
    path = services.path_of(certificate.file_name)
    path.write_bytes(path.read_bytes() + b"%tampered")

    with pytest.raises(services.CertificateFileProblem) as problem:
        services.stored_pdf(certificate)

    assert problem.value.reason == "altered"
    assert "does not match the SHA-256 on record" in caplog.text
    assert services.file_problem(certificate) == "altered"


def test_stored_pdf_refuses_a_missing_file(issued):
    certificate = issued.certificate_of("obrnice")
    services.path_of(certificate.file_name).unlink()

    assert services.file_problem(certificate) == "missing"


@pytest.mark.parametrize("name", ["../outside.pdf", "/etc/passwd", ""])
def test_path_of_refuses_names_outside_the_folder(app, name):
    with pytest.raises(ValueError):
        services.path_of(name)


def test_revoke_certificate_records_when_and_audits(issued, db):
    certificate = issued.certificate_of("obrnice")

    services.revoke_certificate(certificate, actor=issued.organiser)

    assert certificate.revoked_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoked"))
    assert event.object_id == certificate.id
    assert event.after["code"] == certificate.verification_code


def test_certificates_for_organisation_public_editions_and_valid_only(make, db, published):
    organisation = published.organisations["obrnice"]
    valid = plant_certificate(published.edition, organisation)
    year = published.edition.year
    archived = make.edition(phase="published", archived=True, results_published_at=None, year=year - 4)
    older = plant_certificate(archived, organisation)
    plant_certificate(make.edition(phase="deliberation"), organisation)  # not public
    plant_certificate(make.edition(phase="published", year=year - 2), organisation, revoked_at=utcnow())
    plant_certificate(published.edition, published.organisations["heraklion"])  # someone else's

    assert services.certificates_for_organisation(organisation.id) == [valid, older]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"place": 1}, "Dosta-2013-1st-place-Obrnice.pdf"),
        ({"place": 2, "joint": True}, "Dosta-2013-joint-2nd-place-Obrnice.pdf"),
        ({"place": None, "special_mention": True}, "Dosta-2013-special-mention-Obrnice.pdf"),
        ({"place": None, "kind": "participation"}, "Dosta-2013-participation-Obrnice.pdf"),
        ({"place": 3, "organisation_name": "Surčin (Belgrade)"}, "Dosta-2013-3rd-place-Surčin-Belgrade.pdf"),
        ({"place": 2, "organisation_name": "Ηράκλειο"}, "Dosta-2013-2nd-place-Ηράκλειο.pdf"),
        (
            {"place": 1, "organisation_name": "Reggio nell'Emilia"},
            "Dosta-2013-1st-place-Reggio-nell-Emilia.pdf",
        ),
        ({"place": 1, "organisation_name": "<img src=x>/../"}, "Dosta-2013-1st-place-img-src-x.pdf"),
        ({"place": 1, "organisation_name": "///"}, "Dosta-2013-1st-place-certificate.pdf"),
    ],
)
def test_download_name(content, expected):
    values = {
        "kind": "award",
        "place": 1,
        "joint": False,
        "special_mention": False,
        "organisation_name": "Obrnice",
        "edition_year": 2013,
    }
    values.update(content)

    assert services.download_name(Certificate(content=values)) == expected


def test_issue_problems_before_publication_and_without_awards(app, make, db):
    unpublished = make.edition(phase="deliberation")
    make.award(unpublished, make.organisation(), 1)
    no_awards = make.edition(phase="published")

    with app.test_request_context():  # the messages are translated: the request chooses the language
        assert services.issue_problems(unpublished) == [
            "The results are not published yet: the certificates are issued with the publication."
        ]
        assert services.issue_problems(no_awards) == ["No award is recorded for this edition."]
        assert services.issue_problems(make.edition(phase="published", archived=True)) == [
            "No award is recorded for this edition."
        ]


def test_issue_counts(published):
    assert services.issue_counts(published.edition) == services.IssueCounts(laureates=3, participants=1)


# --- The demo -----------------------------------------------------------------------------------------------


def test_load_certificates_demo_issues_the_2013_laureates_in_both_languages(app, make, db):
    published_at = datetime(2013, 10, 30, 11, tzinfo=UTC)
    published = build_published(make, slug="dosta-2013", results_published_at=published_at)

    summary = load_certificates_demo()
    db.session.commit()

    assert summary == "3 certificates"
    certificate = published.certificate_of("obrnice")
    assert certificate.language == "both"
    assert certificate.issued_at == published_at
    assert certificate.content["verification_url"].startswith(app.config["PUBLIC_BASE_URL"] + "/verify/")
    text = " ".join(text_of(stored_bytes(certificate)).split())
    assert "Issued 30 October 2013" in text
    assert "Délivré le 30 octobre 2013" in text


def test_load_certificates_demo_without_the_2013_edition(db):
    assert load_certificates_demo() == ""


def services_pdf(certificate: Certificate) -> bytes:
    """The PDF of a certificate issued in this (uncommitted) transaction: still waiting beside its path."""
    pending = services.pending_files()
    path = services.path_of(certificate.file_name)
    return (pending.get(path) or path).read_bytes()


def test_ceremony_date_falls_back_to_the_publication_day(make, db):
    edition = make.edition(
        phase="published", ceremony_date=None, results_published_at=datetime(2013, 10, 30, 23, 30, tzinfo=UTC)
    )
    make.award(edition, make.organisation(), 1)

    (certificate,) = services.issue_certificates(edition)

    assert (
        certificate.content["ceremony_date"] == date(2013, 10, 31).isoformat()
    )  # Strasbourg is ahead of UTC


# --- With the publication, the caller the contract is written for -------------------------------------------


def test_publish_results_issues_real_certificates_whose_files_exist_after_its_commit(app, make, db):
    from app.results.publication import publish_results

    published = build_published(make, results_published_at=None)
    published.edition.judging_close_at = utcnow() - timedelta(days=1)
    db.session.commit()

    with app.test_request_context():
        result = publish_results(published.edition, language="en", participation=True)

    assert result.certificates == 4
    certificates = services.edition_certificates(published.edition)
    assert len(certificates) == 4
    assert all(services.file_problem(c) is None for c in certificates)
    assert certificate_files(app) == sorted(services.path_of(c.file_name) for c in certificates)


def test_publish_results_whose_commit_fails_leaves_no_certificate_file(app, make, db):
    from app.results.publication import publish_results

    published = build_published(make, results_published_at=None)
    published.edition.judging_close_at = utcnow() - timedelta(days=1)
    db.session.commit()

    def refuse(session):
        raise RuntimeError("the database went away")

    session = db.session()
    event.listen(session, "before_commit", refuse)
    try:
        with app.test_request_context(), pytest.raises(RuntimeError, match="went away"):
            publish_results(published.edition, language="en", participation=True)
    finally:
        event.remove(session, "before_commit", refuse)

    assert certificate_files(app) == []
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
