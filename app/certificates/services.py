"""Issuing certificates: what they say, their PDF files, and when those files take their place.

A certificate's PDF is rendered once, stored under CERTIFICATE_FOLDER and served as is afterwards: its
SHA-256 on the record is what the public verification page shows. A reissue renders it again under the
same verification code.

Files follow the database transaction. ``issue_certificates`` writes each PDF to a hidden temporary file
beside its final path (``.<code>.<random>.pending``); the session's commit moves every one into place
(``os.replace``, atomic), and a rollback, a rolled-back savepoint or a session closed without a commit
deletes them, leaving any earlier file untouched. The caller only has to commit or roll back, once, as
for any other change. Should the process die between the database commit and the moves, the record
outlives its file: the download then refuses it cleanly and the organisers' list flags it for reissue.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from tempfile import SpooledTemporaryFile
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, selectinload

from app.audit.services import record
from app.auth.models import Organisation
from app.certificates.models import Certificate, new_verification_code
from app.certificates.pdf import (
    LANGUAGES,
    CertificateContent,
    distinction,
    place_text,
    render_certificates,
    sha256_hex,
)
from app.contests.models import Edition
from app.countries import country_name
from app.db import utcnow
from app.extensions import db
from app.links import external_url
from app.ordinals import ordinal
from app.ranking.awards import edition_awards, joint_places
from app.ranking.enums import AwardKind
from app.ranking.models import Award
from app.submissions.enums import ApplicationStatus
from app.submissions.models import Application

log = logging.getLogger(__name__)

PRIZE_NAME = "Dosta!-Congress Prize for Municipalities"
# (name, English title, French title): who signs. No names are invented; set CERTIFICATE_SIGNATORIES to
# print them, e.g. [("<name>", "President of the Congress", "Président du Congrès"), ...].
DEFAULT_SIGNATORIES = (
    (
        "",
        "President of the Congress of Local and Regional Authorities",
        "Président du Congrès des pouvoirs locaux et régionaux",
    ),
    ("", "Chair of the Jury", "Président du jury"),
)
KIND_AWARD, KIND_PARTICIPATION = "award", "participation"
ZIP_MEMORY_BYTES = 16 * 1024 * 1024  # beyond this the ZIP being built spills to a temporary file
FILE_NAME_MAX = 80


class CertificateFileProblem(Exception):
    """The stored PDF cannot be served: it is ``missing`` or ``altered`` (no longer matches its record)."""

    def __init__(self, certificate: Certificate, reason: str):
        super().__init__(f"certificate {certificate.id} ({certificate.file_name}): file {reason}")
        self.reason = reason


# --- Where things are --------------------------------------------------------------------------------------


def certificate_folder() -> Path:
    return Path(current_app.config["CERTIFICATE_FOLDER"]).resolve()


def path_of(file_name: str) -> Path:
    """The absolute path of a stored certificate file; refuses anything outside CERTIFICATE_FOLDER."""
    root = certificate_folder()
    path = (root / file_name).resolve()
    if not file_name or not path.is_relative_to(root) or path == root:
        raise ValueError(f"not a certificate file: {file_name!r}")
    return path


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL under PUBLIC_BASE_URL, whoever asks and from where (certificates outlive requests)."""
    return external_url(endpoint, **values)


def signatories(language: str) -> tuple[tuple[str, str], ...]:
    """(name, title) per signature block, titles in the certificate's language (both: English · French)."""
    configured = current_app.config.get("CERTIFICATE_SIGNATORIES") or DEFAULT_SIGNATORIES
    blocks = []
    for entry in configured:
        name, english = entry[0], entry[1]
        french = entry[2] if len(entry) > 2 and entry[2] else english
        if language == "fr":
            title = french
        elif language == "both" and french != english:
            title = f"{english} · {french}"
        else:
            title = english
        blocks.append((name, title))
    return tuple(blocks)


# --- Issuing -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Planned:
    """A certificate to issue: to whom, for what."""

    organisation: Organisation
    application: Application | None
    award: Award | None
    kind: str
    place: int | None = None
    joint: bool = False
    special_mention: bool = False


def issue_problems(edition: Edition) -> list[str]:
    """Why certificates cannot be issued for this edition now; empty when they can."""
    if not edition.results_are_public:
        return [_("The results are not published yet: the certificates are issued with the publication.")]
    if db.session.scalar(select(Award.id).where(Award.edition_id == edition.id).limit(1)) is None:
        return [_("No award is recorded for this edition.")]
    return []


@dataclass(frozen=True)
class IssueCounts:
    laureates: int  # award certificates an issue makes
    participants: int  # participation certificates it adds when asked


def issue_counts(edition: Edition) -> IssueCounts:
    laureates = set(db.session.scalars(select(Award.organisation_id).where(Award.edition_id == edition.id)))
    eligible = db.session.scalars(
        select(Application.organisation_id).where(
            Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE
        )
    )
    participants = sum(1 for organisation_id in eligible if organisation_id not in laureates)
    return IssueCounts(len(laureates), participants)


def issue_certificates(
    edition: Edition,
    *,
    participation: bool = False,
    language: str = "en",
    now: datetime | None = None,
    actor=None,
) -> list[Certificate]:
    """Issue (or reissue) the edition's certificates; returns them, laureates first. Flushes, never commits.

    One award certificate per laureate (prizes and special mentions; joint laureates each get theirs)
    and, with ``participation``, one participation certificate per other eligible application. An
    existing certificate for the same organisation and kind is reissued: same verification code, same
    issue date, new content, file and SHA-256, ``reissued_at`` set. Revoked certificates stay as they
    are, and so do certificates outside this issue (an earlier participation certificate, for example).

    The PDFs wait beside their final paths until the session commits; see the module docstring.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown certificate language {language!r}")
    now = now or utcnow()
    planned = _plan(edition, participation)
    existing = {
        (c.organisation_id, c.kind): c
        for c in db.session.scalars(select(Certificate).where(Certificate.edition_id == edition.id))
    }
    certificates: list[Certificate] = []
    contents: list[CertificateContent] = []
    reissued: set[int] = set()
    for item in planned:
        certificate = existing.get((item.organisation.id, item.kind))
        if certificate is not None and certificate.revoked_at is not None:
            continue
        if certificate is None:
            code = new_verification_code()
            certificate = Certificate(
                edition_id=edition.id,
                organisation_id=item.organisation.id,
                kind=item.kind,
                verification_code=code,
                file_name=f"{edition.slug}/{code}.pdf",
                issued_at=now,
            )
        else:
            certificate.reissued_at = now
            reissued.add(id(certificate))
        certificate.application_id = item.application.id if item.application else None
        certificate.award_id = item.award.id if item.award else None
        certificate.language = language
        content = _content(edition, item, certificate, language)
        certificate.content = snapshot(content)
        certificates.append(certificate)
        contents.append(content)

    pdfs = render_certificates(contents) if contents else []
    for certificate, pdf in zip(certificates, pdfs, strict=True):
        certificate.sha256 = sha256_hex(pdf)
        _stage_file(path_of(certificate.file_name), pdf)
        db.session.add(certificate)
    db.session.flush()
    if certificates:
        record(
            "certificates.issued",
            edition,
            edition_id=edition.id,
            after={
                "language": language,
                "participation": participation,
                "issued": [c.id for c in certificates if id(c) not in reissued],
                "reissued": [c.id for c in certificates if id(c) in reissued],
            },
            actor=actor,
        )
    return certificates


def _plan(edition: Edition, participation: bool) -> list[_Planned]:
    """The laureates by place (mentions last), then, when asked, the other eligible applications."""
    awards = edition_awards(edition)
    joint = joint_places(awards)
    planned = [
        _Planned(
            organisation=award.organisation,
            application=award.application,
            award=award,
            kind=KIND_AWARD,
            place=award.place if award.kind == AwardKind.PRIZE else None,
            joint=award.kind == AwardKind.PRIZE and award.place in joint,
            special_mention=award.kind == AwardKind.SPECIAL_MENTION,
        )
        for award in awards
    ]
    if participation:
        laureates = {a.organisation_id for a in awards}
        applications = db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition.id, Application.status == ApplicationStatus.ELIGIBLE)
            .options(selectinload(Application.organisation))
            .order_by(Application.number)
        )
        planned += [
            _Planned(organisation=a.organisation, application=a, award=None, kind=KIND_PARTICIPATION)
            for a in applications
            if a.organisation_id not in laureates
        ]
    return planned


def _content(edition: Edition, item: _Planned, certificate: Certificate, language: str) -> CertificateContent:
    organisation = item.organisation
    code = certificate.verification_code
    return CertificateContent(
        kind=item.kind,
        language=language,
        prize_name=PRIZE_NAME,
        edition_name=edition.name,
        edition_year=edition.year,
        place=item.place,
        joint=item.joint,
        special_mention=item.special_mention,
        organisation_name=organisation.name,
        organisation_kind=organisation.kind,
        country_name=country_name(organisation.country, "en"),
        country_name_fr=country_name(organisation.country, "fr"),
        project_title=item.application.title if item.application else "",
        reference=item.application.reference if item.application else "",
        ceremony_date=_ceremony_date(edition),
        ceremony_place=edition.ceremony_place or "Strasbourg",
        signatories=signatories(language),
        verification_code=code,
        verification_url=public_url("certificates.verify", code=code),
        # Printed as a date: the day in Strasbourg, not in UTC.
        issued_at=certificate.issued_at.astimezone(_display_zone()),
    )


def _display_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])


def _ceremony_date(edition: Edition) -> date:
    """The ceremony's date; without one, the day the results were (or are being) published."""
    if edition.ceremony_date is not None:
        return edition.ceremony_date
    return (edition.results_published_at or utcnow()).astimezone(_display_zone()).date()


def snapshot(content: CertificateContent) -> dict[str, Any]:
    """What the certificate says, as JSON: dates in ISO 8601, signatories as lists."""
    values = asdict(content)
    values["ceremony_date"] = content.ceremony_date.isoformat()
    values["issued_at"] = content.issued_at.isoformat()
    values["signatories"] = [list(pair) for pair in content.signatories]
    return values


def content_of(certificate: Certificate) -> CertificateContent:
    """The certificate's snapshot as a CertificateContent again (to word it as the PDF does)."""
    values = dict(certificate.content)
    values["ceremony_date"] = date.fromisoformat(values["ceremony_date"])
    values["issued_at"] = datetime.fromisoformat(values["issued_at"])
    values["signatories"] = tuple(tuple(pair) for pair in values["signatories"])
    return CertificateContent(**values)


def distinction_label(certificate: Certificate, language: str) -> str:
    """'1st place', 'joint 2nd place', 'Special Mention', 'Certificate of Participation' (or in French)."""
    content = content_of(certificate)
    return place_text(content, language) or distinction(content, language)


# --- Files that follow the transaction ---------------------------------------------------------------------

_PENDING = "certificates.pending_files"  # session.info key: {final path: [_Staged, ...]}
_HOOKED = "certificates.file_hooks"


@dataclass(frozen=True)
class _Staged:
    temp: Path
    transaction: SessionTransaction | None  # the innermost transaction it was written in


def _stage_file(final: Path, data: bytes) -> None:
    """Write data beside `final`; the session's commit moves it there, its rollback deletes it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=".pending", dir=final.parent)
    temp = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    session = db.session()
    _hook(session)
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, {}).setdefault(final, []).append(_Staged(temp, transaction))


def pending_files() -> dict[Path, Path]:
    """{final path: temporary file} of the current session, for tests and diagnostics."""
    pending = db.session().info.get(_PENDING, {})
    return {final: staged[-1].temp for final, staged in pending.items() if staged}


def _hook(session: Session) -> None:
    if session.info.get(_HOOKED):
        return
    event.listen(session, "after_commit", _move_into_place)
    event.listen(session, "after_soft_rollback", _discard_rolled_back)
    event.listen(session, "after_transaction_end", _discard_unfinished)
    session.info[_HOOKED] = True


def _move_into_place(session: Session) -> None:
    # A released savepoint also reports a commit; only the outermost one makes the files real.
    if session.in_nested_transaction():
        return
    for final, staged in session.info.pop(_PENDING, {}).items():
        *earlier, latest = staged
        _remove(item.temp for item in earlier)
        try:
            os.replace(latest.temp, final)
        except OSError:
            # The database already committed: log it loudly; the download refuses the missing file cleanly.
            log.exception("certificate file %s could not be moved into place", final)
            _remove([latest.temp])


def _discard_rolled_back(session: Session, transaction: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    for final in list(pending):
        kept = [item for item in pending[final] if not _within(item.transaction, transaction)]
        _remove(item.temp for item in pending[final] if item not in kept)
        if kept:
            pending[final] = kept
        else:
            del pending[final]


def _discard_unfinished(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without its commit moving the files (a close, a failed commit).
    if transaction.parent is None:
        for staged in session.info.pop(_PENDING, {}).values():
            _remove(item.temp for item in staged)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


def _remove(paths: Iterable[Path]) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.exception("could not remove the temporary certificate file %s", path)


# --- Reading, listing, revoking -----------------------------------------------------------------------------


def certificate_by_code(code: str) -> Certificate | None:
    if not code or len(code) > 64:
        return None
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.verification_code == code)
        .options(selectinload(Certificate.edition))
    )


def stored_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF exactly as stored, after checking it against the recorded SHA-256.

    Raises CertificateFileProblem (logged) when the file is gone or no longer matches.
    """
    try:
        data = path_of(certificate.file_name).read_bytes()
    except (OSError, ValueError):
        log.error("certificate %s: its file %s is missing", certificate.id, certificate.file_name)
        raise CertificateFileProblem(certificate, "missing") from None
    if sha256_hex(data) != certificate.sha256:
        log.error(
            "certificate %s: its file %s does not match the SHA-256 on record",
            certificate.id,
            certificate.file_name,
        )
        raise CertificateFileProblem(certificate, "altered")
    return data


def file_problem(certificate: Certificate) -> str | None:
    """'missing', 'altered' or None: the state of the stored file, for the organiser's list."""
    try:
        stored_pdf(certificate)
    except CertificateFileProblem as problem:
        return problem.reason
    return None


def _file_safe(text: str) -> str:
    """Letters and digits of any script, joined by hyphens: 'Surčin (Belgrade)' -> 'Surčin-Belgrade'."""
    text = unicodedata.normalize("NFC", text)
    words = re.split(r"[\W_]+", text)
    return "-".join(word for word in words if word)[:FILE_NAME_MAX].strip("-")


def download_name(certificate: Certificate, prefix: str = "Dosta") -> str:
    """A name to save it as: 'Dosta-2013-1st-place-Obrnice.pdf', 'Dosta-2009-joint-1st-place-Mostar.pdf'."""
    content = certificate.content
    if content["kind"] == KIND_PARTICIPATION:
        what = "participation"
    elif content["special_mention"]:
        what = "special-mention"
    else:
        what = f"{'joint-' if content['joint'] else ''}{ordinal(content['place'], 'en')}-place"
    name = _file_safe(content["organisation_name"]) or "certificate"
    return f"{prefix}-{content['edition_year']}-{what}-{name}.pdf"


def edition_certificates(edition: Edition) -> list[Certificate]:
    """The edition's certificates: awards by place, special mentions, then participation by reference."""
    certificates = db.session.scalars(
        select(Certificate)
        .where(Certificate.edition_id == edition.id)
        .options(selectinload(Certificate.organisation))
    ).all()
    return sorted(certificates, key=_order)


def _order(certificate: Certificate) -> tuple:
    content = certificate.content
    # Laureates sharing a place by name, as on the results page; participants in the order they applied.
    within = content.get("organisation_name") if certificate.kind == KIND_AWARD else content.get("reference")
    return (
        certificate.kind != KIND_AWARD,
        bool(content.get("special_mention")),
        content.get("place") or 0,
        within or "",
        certificate.id,
    )


def certificates_for_organisation(organisation_id: int) -> list[Certificate]:
    """An organisation's valid certificates of editions whose results are public, newest edition first."""
    certificates = db.session.scalars(
        select(Certificate)
        .join(Edition, Edition.id == Certificate.edition_id)
        .where(
            Certificate.organisation_id == organisation_id,
            Certificate.revoked_at.is_(None),
            (Edition.results_published_at.is_not(None)) | Edition.archived.is_(True),
        )
        .options(selectinload(Certificate.edition))
    ).all()
    return sorted(certificates, key=lambda c: (-c.edition.year, c.kind != KIND_AWARD, c.id))


def revoke_certificate(certificate: Certificate, *, actor=None, now: datetime | None = None) -> None:
    """Mark the certificate revoked: its verification page says so and it is no longer served."""
    if certificate.revoked_at is not None:
        return
    certificate.revoked_at = now or utcnow()
    record(
        "certificate.revoked",
        certificate,
        edition_id=certificate.edition_id,
        before={"revoked_at": None},
        after={"revoked_at": certificate.revoked_at.isoformat(), "code": certificate.verification_code},
        actor=actor,
    )
    db.session.flush()


@dataclass(frozen=True)
class Archive:
    file: SpooledTemporaryFile
    size: int  # bytes
    count: int  # certificates in it
    left_out: tuple[tuple[Certificate, str], ...]  # (certificate, 'missing' | 'altered')


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
                    "These certificates were left out: their stored file is missing or no longer matches "
                    "the SHA-256 on record. Reissue the certificates to replace them.\n\n"
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
