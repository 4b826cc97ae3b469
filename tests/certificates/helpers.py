"""What the certificates' tests share: a certificate's content, an edition with its laureates, planted
certificates, and reading the PDFs and the files stored."""

from __future__ import annotations

import io
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from app.auth.models import Organisation, User
from app.certificates import files, queries
from app.certificates.content import PRIZE_NAME, CertificateContent, snapshot
from app.certificates.enums import CertificateKind, CertificateLanguage, CertificateStatus
from app.certificates.models import Certificate, new_verification_code
from app.certificates.pdf import sha256_hex
from app.contests.models import Edition
from app.extensions import db
from app.submissions.models import Application
from tests import stored

# --- Content and PDFs --------------------------------------------------------------------------------------


def make_content(**overrides) -> CertificateContent:
    values = {
        "kind": CertificateKind.AWARD,
        "language": CertificateLanguage.ENGLISH,
        "prize_name": "Dosta!-Congress Prize for Municipalities",
        "edition_name": "4th Dosta!-Congress Prize for Municipalities",
        "edition_year": 2013,
        "place": 1,
        "joint": False,
        "special_mention": False,
        "organisation_name": "Obrnice",
        "organisation_kind": "municipality",
        "country_name": "Czech Republic",
        "country_name_fr": "République tchèque",
        "project_title": "Community life in Obrnice – an integrated approach",
        "reference": "DOSTA-2013-001",
        "ceremony_date": date(2013, 10, 30),
        "ceremony_place": "Strasbourg",
        "signatories": (("Demo President", "President of the Congress"), ("Demo Chair", "Chair of the Jury")),
        "verification_code": "q3Zx7mB2rT9kLp0aWc4dYh1e",
        "verification_url": "https://prizejury.example.org/verify/q3Zx7mB2rT9kLp0aWc4dYh1e",
        "issued_at": datetime(2013, 10, 30, 12, 0, tzinfo=UTC),
    }
    values.update(overrides)
    return CertificateContent(**values)


def read(pdf_bytes: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


def structure_elements(reader: PdfReader) -> list:
    """Every element of the PDF's structure tree (its tags), depth first."""
    found = []

    def walk(node) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get") and "/S" in node:
            found.append(node)
            walk(node.get("/K", []))

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    return found


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (120, 60), noise: bool = False) -> bytes:
    """A real small image made with Pillow: "PNG" or "JPEG", of one colour or of random pixels."""
    buffer = io.BytesIO()
    width, height = size
    image = (
        Image.frombytes("RGB", size, random.Random(width * height).randbytes(width * height * 3))
        if noise
        else Image.new("RGB", size, (18, 48, 95))
    )
    image.save(buffer, kind)
    return buffer.getvalue()


def text_of(pdf_bytes: bytes) -> str:
    return "\n".join(page.extract_text() for page in read(pdf_bytes).pages)


def lines_of(pdf_bytes: bytes) -> list[str]:
    """The text layer as the pieces a reader sees: lines, and columns within a line (the footer)."""
    return [
        cell
        for page in read(pdf_bytes).pages
        for line in page.extract_text(extraction_mode="layout").splitlines()
        for cell in re.split(r" {3,}", line.strip())
        if cell
    ]


def squeezed(text: str) -> str:
    """Text without white space: a long hostile string may wrap anywhere in its box."""
    return "".join(text.split())


# --- An edition and its certificates -----------------------------------------------------------------------


@dataclass
class Published:
    """4th edition, 2013: Obrnice 1st, Ηράκλειο and Kocaeli joint 2nd, and the entries around them."""

    edition: Edition
    organiser: User
    organisations: dict[str, Organisation]
    applications: dict[str, Application]
    users: dict[str, User] = field(default_factory=dict)

    def certificate_of(self, key: str, kind: CertificateKind = CertificateKind.AWARD) -> Certificate:
        organisation_id = self.organisations[key].id
        return next(
            c
            for c in queries.edition_certificates(self.edition)
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
        name_en="4th Dosta!-Congress Prize for Municipalities",
        ceremony_date=date(2013, 10, 30),
        ceremony_place_en="Strasbourg, 25th session of the Congress",
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


def certificate_files(app=None) -> list[str]:
    """The key of every file stored in the certificates' area (on either backend)."""
    return stored.keys(files.AREA)


def stored_bytes(certificate: Certificate) -> bytes:
    return stored.read(files.AREA, certificate.file_name)


def recorded_files() -> list[str]:
    """The keys the certificates' records point at."""
    return sorted(db.session.scalars(select(Certificate.file_name)))


def plant_certificate(edition, organisation, *, data: bytes = b"%PDF-1.7 planted", **fields) -> Certificate:
    """A certificate row and its file, without rendering anything (for listings and access checks)."""
    code = fields.pop("verification_code", None) or new_verification_code()
    content = CertificateContent(
        kind=CertificateKind.AWARD,
        language=CertificateLanguage.ENGLISH,
        prize_name=PRIZE_NAME,
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
        kind=fields.pop("kind", CertificateKind.AWARD),
        verification_code=code,
        content=snapshot(content),
        file_name=f"{edition.slug}/{code}.pdf",
        sha256=sha256_hex(data),
        status=fields.pop("status", CertificateStatus.ISSUED),  # its file is written below
        **fields,
    )
    stored.write(files.AREA, certificate.file_name, data)
    db.session.add(certificate)
    db.session.flush()
    return certificate


def staged_pdf(certificate: Certificate) -> bytes:
    """The PDF of a certificate issued in this transaction: commits it, so its job renders the file (jobs
    run at once in the tests), and reads the stored file."""
    db.session.commit()
    return stored.read(files.AREA, certificate.file_name)
