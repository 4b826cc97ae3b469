"""An edition's certificates in one ZIP (app/certificates/archive.py); the job and the routes that make and
serve it are in test_routes.py and tests/prepared."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import zipfile

import pytest

from app.certificates.archive import write_archive
from app.certificates.enums import CertificateStatus
from app.certificates.files import AREA
from app.certificates.models import Certificate
from app.certificates.queries import edition_certificates
from tests import stored
from tests.certificates.helpers import plant_certificate


@pytest.mark.both_backends
def test_write_archive_same_name_twice_gets_the_code(make, db, published):
    edition = published.edition
    first = plant_certificate(edition, make.organisation(name="Surčin", country="RS"), data=b"%PDF-1.7 one")
    second = plant_certificate(edition, make.organisation(name="Surčin", country="BA"), data=b"%PDF-1.7 two")
    out = io.BytesIO()

    archive = write_archive([first, second], out)

    with zipfile.ZipFile(out) as opened:
        name = f"Dosta-{edition.year}-1st-place-Surčin"
        assert opened.namelist() == [f"{name}.pdf", f"{name}-{second.verification_code}.pdf", "SHA256SUMS"]
        assert opened.read(f"{name}-{second.verification_code}.pdf") == b"%PDF-1.7 two"
    assert (archive.count, archive.left_out) == (2, ())


@pytest.mark.both_backends
def test_write_archive_counts_what_it_holds_with_its_sums(make, db, published):
    planted = plant_certificate(published.edition, published.organisations["obrnice"])
    out = io.BytesIO()

    archive = write_archive(edition_certificates(published.edition), out)

    assert archive.count == 1
    sums = zipfile.ZipFile(out).read("SHA256SUMS").decode()
    assert sums == f"{planted.sha256}  Dosta-{published.edition.year}-1st-place-Obrnice.pdf\n"


@pytest.mark.both_backends
def test_write_archive_leaves_out_a_missing_file_and_says_so(make, db, published):
    kept = plant_certificate(published.edition, published.organisations["obrnice"])
    gone = plant_certificate(published.edition, make.organisation(name="Mostar", country="BA"))
    stored.delete(AREA, gone.file_name)
    out = io.BytesIO()

    archive = write_archive([kept, gone], out)

    opened = zipfile.ZipFile(out)
    assert archive.left_out == ((gone, "missing"),)
    assert sorted(opened.namelist()) == sorted(
        [f"Dosta-{published.edition.year}-1st-place-Obrnice.pdf", "SHA256SUMS", "PROBLEMS.txt"]
    )
    assert f"Mostar ({gone.verification_code}): file missing" in opened.read("PROBLEMS.txt").decode()


def _stored_certificate(index: int, data: bytes) -> Certificate:
    """A certificate record (not in the database) and its stored file."""
    code = f"{index:032x}"
    certificate = Certificate(
        verification_code=code,
        file_name=f"memory/{code}.pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        status=CertificateStatus.ISSUED,
        content={
            "kind": "award",
            "special_mention": False,
            "joint": False,
            "place": 1,
            "organisation_name": f"Municipality {index}",
            "edition_year": 2013,
        },
    )
    stored.write(AREA, certificate.file_name, data)
    return certificate


def test_write_archive_memory_stays_flat_in_the_number_of_certificates(app, tmp_path):
    """The files are copied in chunks: 200 files of 256 KB (50 MB) go through a few MB at most."""
    size = 256 * 1024
    certificates = [_stored_certificate(i, os.urandom(size)) for i in range(200)]

    with (tmp_path / "all.zip").open("wb") as out:
        tracemalloc.start()
        try:
            archive = write_archive(certificates, out)
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()

    assert archive.count == 200
    assert (tmp_path / "all.zip").stat().st_size > 200 * size
    assert peak < 8 * 1024 * 1024, f"peak {peak} bytes"
