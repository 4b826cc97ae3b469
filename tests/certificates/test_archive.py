"""An edition's certificates in one ZIP (app/certificates/archive.py); its route is in test_routes.py."""

from __future__ import annotations

import io
import zipfile

from app.certificates.archive import zip_certificates
from app.certificates.queries import edition_certificates
from tests.certificates.helpers import plant_certificate


def test_zip_certificates_same_name_twice_gets_the_code(make, db, published):
    edition = published.edition
    first = plant_certificate(edition, make.organisation(name="Surčin", country="RS"), data=b"%PDF-1.7 one")
    second = plant_certificate(edition, make.organisation(name="Surčin", country="BA"), data=b"%PDF-1.7 two")

    archive = zip_certificates([first, second])

    with archive.file, zipfile.ZipFile(archive.file) as opened:
        name = f"Dosta-{edition.year}-1st-place-Surčin"
        assert opened.namelist() == [f"{name}.pdf", f"{name}-{second.verification_code}.pdf", "SHA256SUMS"]
        assert opened.read(f"{name}-{second.verification_code}.pdf") == b"%PDF-1.7 two"
    assert (archive.count, archive.left_out) == (2, ())


def test_zip_certificates_counts_and_size_of_what_it_holds(make, db, published):
    planted = plant_certificate(published.edition, published.organisations["obrnice"])

    archive = zip_certificates(edition_certificates(published.edition))

    with archive.file:
        data = archive.file.read()  # positioned at its start, ready to send
    assert len(data) == archive.size
    assert archive.count == 1
    sums = zipfile.ZipFile(io.BytesIO(data)).read("SHA256SUMS").decode()
    assert sums == f"{planted.sha256}  Dosta-{published.edition.year}-1st-place-Obrnice.pdf\n"
