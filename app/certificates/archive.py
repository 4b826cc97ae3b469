"""An edition's certificates in one ZIP, for the organisers: the stored files as they are, with their sums."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from app.certificates.content import download_name
from app.certificates.files import CertificateFileProblem, stored_pdf
from app.certificates.models import Certificate

ZIP_MEMORY_BYTES = 16 * 1024 * 1024  # beyond this the ZIP being built spills to a temporary file


@dataclass(frozen=True)
class Archive:
    file: SpooledTemporaryFile
    size: int  # bytes
    count: int  # certificates in it
    # (certificate, why): 'missing' | 'altered' | 'pending' | 'failed'
    left_out: tuple[tuple[Certificate, str], ...]


def zip_certificates(certificates: Sequence[Certificate], prefix: str = "Dosta") -> Archive:
    """The valid certificates' stored files in one ZIP, with a SHA256SUMS file to check them.

    A file that is missing or no longer matches its record is left out and named in PROBLEMS.txt.
    The caller sends (and closes) the returned file, positioned at its start.
    """
    spool = SpooledTemporaryFile(max_size=ZIP_MEMORY_BYTES)  # noqa: SIM115  (the response closes it)
    sums, left_out, used = [], [], set()
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for certificate in certificates:
                if certificate.revoked_at is not None:
                    continue
                if not certificate.is_ready:
                    left_out.append((certificate, certificate.status))
                    continue
                try:
                    data = stored_pdf(certificate)
                except CertificateFileProblem as problem:
                    left_out.append((certificate, problem.reason))
                    continue
                name = download_name(certificate, prefix)
                if name in used:  # two organisations of the same name, in different countries
                    name = f"{name[:-4]}-{certificate.verification_code}.pdf"
                used.add(name)
                archive.writestr(name, data)
                sums.append(f"{certificate.sha256}  {name}\n")
            archive.writestr("SHA256SUMS", "".join(sums))
            if left_out:
                archive.writestr(
                    "PROBLEMS.txt",
                    "These certificates were left out: their file is still being made (pending), could not "
                    "be made (failed), is missing or no longer matches the SHA-256 on record (altered). "
                    "Retry or reissue the certificates to replace them.\n\n"
                    + "".join(
                        f"{c.content.get('organisation_name', '')} ({c.verification_code}): file {reason}\n"
                        for c, reason in left_out
                    ),
                )
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)
    return Archive(spool, size, len(sums), tuple(left_out))
