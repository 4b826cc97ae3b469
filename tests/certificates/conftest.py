"""A published edition with a joint place, its people, and helpers to read what was issued."""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import g
from pypdf import PdfReader

import app as app_package
from app.auth.models import Organisation, User
from app.certificates import services
from app.certificates.models import Certificate
from app.certificates.pdf import CertificateContent, sha256_hex
from app.contests.models import Edition
from app.extensions import mail as mail_extension
from app.submissions.models import Application


@pytest.fixture(autouse=True, scope="session")
def _mail_module_imported_once():
    # app/__init__.py reads the Flask-Mail extension from the package global `mail`, which the first import
    # of the app.mail module replaces by that module: import it once and put the extension back (as
    # tests/auth/conftest.py does). Drop once app/__init__.py no longer reads a global named `mail`.
    importlib.import_module("app.mail")
    app_package.mail = mail_extension


def _forget_the_previous_request():
    # The app fixture keeps one app context for the whole test, so requests would share one `g` (Flask-Login's
    # user among them); each request starts with an empty `g`, as in production.
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    return app


@dataclass
class Published:
    """4th edition, 2013: Obrnice 1st, Ηράκλειο and Kocaeli joint 2nd, and the entries around them."""

    edition: Edition
    organiser: User
    organisations: dict[str, Organisation]
    applications: dict[str, Application]
    users: dict[str, User] = field(default_factory=dict)

    def certificate_of(self, key: str, kind: str = "award") -> Certificate:
        organisation_id = self.organisations[key].id
        return next(
            c
            for c in services.edition_certificates(self.edition)
            if c.organisation_id == organisation_id and c.kind == kind
        )


ENTRIES = {
    # key: (name, country, status, place)  place 0: no award
    "obrnice": ("Obrnice", "CZ", "eligible", 1),
    "heraklion": ("Ηράκλειο", "GR", "eligible", 2),
    "kocaeli": ("Kocaeli", "TR", "eligible", 2),
    "taking_part": ("Jyväskylä", "FI", "eligible", 0),
    "ineligible": ("Demo Municipality 20", "PT", "ineligible", 0),
    "withdrawn": ("Demo Municipality 21", "IE", "withdrawn", 0),
}


def build_published(make, **edition_fields) -> Published:
    values = dict(
        name="4th Dosta!-Congress Prize for Municipalities",
        ceremony_date=date(2013, 10, 30),
        ceremony_place="Strasbourg, 25th session of the Congress",
    )
    values.update(edition_fields)
    edition = make.edition(phase="published", **values)
    organisations, applications, users = {}, {}, {}
    for key, (name, country, status, place) in ENTRIES.items():
        organisation = make.organisation(name=name, country=country)
        organisations[key] = organisation
        applications[key] = make.application(
            edition_=edition, organisation_=organisation, status=status, title=f"Project of {name}"
        )
        users[key] = make.applicant(organisation=organisation, email=f"{key}@example.test")
        if place:
            make.award(edition, organisation, place, application_id=applications[key].id)
    return Published(
        edition, make.organiser(email="organiser@example.test"), organisations, applications, users
    )


@pytest.fixture
def published(make, db):
    item = build_published(make)
    db.session.commit()
    return item


@pytest.fixture
def issued(published, db):
    """The published edition with its three award certificates issued and committed."""
    services.issue_certificates(published.edition)
    db.session.commit()
    return published


def certificate_files(app) -> list[Path]:
    """Every file under CERTIFICATE_FOLDER, pending ones included."""
    folder = Path(app.config["CERTIFICATE_FOLDER"])
    return sorted(path for path in folder.rglob("*") if path.is_file())


def stored_bytes(certificate: Certificate) -> bytes:
    return services.path_of(certificate.file_name).read_bytes()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def plant_certificate(edition, organisation, *, data: bytes = b"%PDF-1.7 planted", **fields) -> Certificate:
    """A certificate row and its file, without rendering anything (for listings and access checks)."""
    from app.extensions import db

    code = fields.pop("verification_code", None) or services.new_verification_code()
    content = CertificateContent(
        kind="award",
        language="en",
        prize_name=services.PRIZE_NAME,
        edition_name=edition.name,
        edition_year=edition.year,
        place=1,
        joint=False,
        special_mention=False,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        country_name="Czech Republic",
        country_name_fr="Tchéquie",
        project_title="A planted project",
        reference="",
        ceremony_date=date(2013, 10, 30),
        ceremony_place="Strasbourg",
        signatories=(("", "Chair of the Jury"),),
        verification_code=code,
        verification_url=f"http://localhost/verify/{code}",
        issued_at=datetime(2013, 10, 30, 12, tzinfo=UTC),
    )
    certificate = Certificate(
        edition_id=edition.id,
        organisation_id=organisation.id,
        kind=fields.pop("kind", "award"),
        verification_code=code,
        content=services.snapshot(content),
        file_name=f"{edition.slug}/{code}.pdf",
        sha256=sha256_hex(data),
        **fields,
    )
    path = services.path_of(certificate.file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    db.session.add(certificate)
    db.session.flush()
    return certificate
