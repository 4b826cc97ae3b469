"""An edition's certificates in one ZIP, for the organisers: the stored files as they are, with their sums.

The ZIP is written by a job into a file in storage (``certificates/prepared.py``), one certificate at a
time: each stored PDF is read once into a checked copy (``files.checked_copy``: in memory up to 1 MB, on disk
beyond) and copied into the archive in chunks, so the memory it takes does not grow with the number of
certificates, and the bytes checked are the bytes archived.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from app.certificates.content import download_name
from app.certificates.files import CHUNK, CertificateFileProblem, checked_copy
from app.certificates.models import Certificate

PROBLEMS_NOTE = (
    "These certificates were left out: their file is still being made (pending), could not be made "
    "(failed), is missing or no longer matches the SHA-256 on record (altered). Retry or reissue the "
    "certificates to replace them.\n\n"
)


@dataclass(frozen=True)
class Archive:
    count: int  # certificates in it
    # (certificate, why): 'missing' | 'altered' | 'pending' | 'failed'
    left_out: tuple[tuple[Certificate, str], ...]


def write_archive(certificates: Iterable[Certificate], out: BinaryIO, prefix: str = "Dosta") -> Archive:
    """Write the valid certificates' stored files to `out` as one ZIP, with a SHA256SUMS file to check them.

    A file that is missing or no longer matches its record is left out and named in PROBLEMS.txt.
    """
    sums, left_out, used = [], [], set()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            if certificate.revoked_at is not None:
                continue
            if not certificate.is_ready:
                left_out.append((certificate, certificate.status))
                continue
            try:
                copy = checked_copy(certificate)
            except CertificateFileProblem as problem:
                left_out.append((certificate, problem.reason))
                continue
            name = download_name(certificate, prefix)
            if name in used:  # two organisations of the same name, in different countries
                name = f"{name[:-4]}-{certificate.verification_code}.pdf"
            used.add(name)
            with copy as source, archive.open(name, "w") as target:
                shutil.copyfileobj(source, target, CHUNK)
            sums.append(f"{certificate.sha256}  {name}\n")
        archive.writestr("SHA256SUMS", "".join(sums))
        if left_out:
            archive.writestr(
                "PROBLEMS.txt",
                PROBLEMS_NOTE
                + "".join(
                    f"{c.content.get('organisation_name', '')} ({c.verification_code}): file {reason}\n"
                    for c, reason in left_out
                ),
            )
    return Archive(len(sums), tuple(left_out))
