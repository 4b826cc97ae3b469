"""An edition's certificate design: reading it, saving it, checking its pictures, and a sample to preview it.

The design is optional: an edition without one gets today's design (``content.WORDING``, the default accent
colour, CERTIFICATE_SIGNATORIES). Pictures (a logo, signatures) are accepted only as PNG or JPEG, checked by
their content (``filetype``) and by decoding them whole (Pillow), within a size and pixel limit; they are
kept in the database, so that a design is saved in one transaction with its pictures. What the design
prints reaches a certificate through its content (``design_values``): texts and colour as they are, pictures
with their bytes (the snapshot keeps their SHA-256, ``pictures_by_digest`` finds them again).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import filetype
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select

from app.audit.services import record
from app.certificates.content import PRIZE_NAME, CertificateContent, Picture
from app.certificates.look import DEFAULT_ACCENT
from app.certificates.models import (
    MAX_SIGNATORIES,
    CertificateDesign,
    CertificatePicture,
    CertificateSignatory,
)
from app.contests.models import Edition
from app.db import utcnow
from app.extensions import db
from app.file_checks import ContentRefused, check_image_pixels
from app.i18n import text_in
from app.links import external_url

MAX_PICTURE_BYTES = 2 * 1024 * 1024
MAX_PICTURE_SIDE = 6000  # pixels
MIN_PICTURE_SIDE = 16
PICTURE_TYPES = {"png": ("image/png", "PNG"), "jpg": ("image/jpeg", "JPEG")}
# A made-up laureate for the preview, in the certificate's words (its languages, not the page's).
SAMPLE = {
    "en": ("Sample Municipality", "A sample project: neighbours learning and working together"),
    "fr": (
        "Municipalité exemple",
        "Un projet exemple\u202f: des voisins qui apprennent et travaillent ensemble",
    ),
}
SAMPLE_CODE = "0" * 32


class PictureRefused(ValueError):
    """An uploaded picture cannot be used; the message says why, in the user's words."""


@dataclass(frozen=True)
class CheckedPicture:
    """An uploaded picture that passed every check, ready to be kept."""

    data: bytes
    media_type: str
    file_name: str
    width: int
    height: int


def check_picture(data: bytes, file_name: str) -> CheckedPicture:
    """Accept a PNG or JPEG image, judged by its bytes, never by its name or the browser's word.

    Refused with a message: empty, larger than 2 MB, SVG, anything that is not PNG or JPEG, more pixels
    than MAX_IMAGE_MEGAPIXELS (read from its header, before decoding: a decompression bomb), or does not
    decode whole, or is smaller than 16 or larger than 6000 pixels on a side.
    """
    name = file_name or _("the file")
    if not data:
        raise PictureRefused(_("“%(name)s” is empty.", name=name))
    if len(data) > MAX_PICTURE_BYTES:
        raise PictureRefused(
            _("“%(name)s” is larger than %(mb)d MB: please send a smaller image.", name=name, mb=2)
        )
    kind = filetype.guess(data)
    if kind is None or kind.extension not in PICTURE_TYPES:
        head = data[:1024].lstrip().lower()
        if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
            raise PictureRefused(
                _("“%(name)s” is an SVG drawing: please export it as a PNG image and send that.", name=name)
            )
        if kind is not None:
            raise PictureRefused(
                _(
                    "“%(name)s” is not a PNG or JPEG image: its content is %(kind)s.",
                    name=name,
                    kind=kind.extension.upper(),
                )
            )
        raise PictureRefused(_("“%(name)s” is not a PNG or JPEG image.", name=name))
    media_type, pillow_format = PICTURE_TYPES[kind.extension]
    try:
        check_image_pixels(io.BytesIO(data), name, formats=[pillow_format])  # before anything decodes it
    except ContentRefused as refusal:
        raise PictureRefused(str(refusal)) from None
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, past its own pixel limit: a refusal here either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                width, height = image.size
                sane = all(MIN_PICTURE_SIDE <= side <= MAX_PICTURE_SIDE for side in (width, height))
                if sane:
                    image.verify()  # its structure and checksums: a cut or damaged PNG fails here
            if sane:
                with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
                    image.load()  # and decoded whole
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError, Warning):
        raise PictureRefused(
            _("“%(name)s” could not be read as an image: it may be damaged.", name=name)
        ) from None
    if not sane:
        raise PictureRefused(
            _(
                "“%(name)s” is %(width)d × %(height)d pixels: each side must be between %(low)d and "
                "%(high)d pixels.",
                name=name,
                width=width,
                height=height,
                low=MIN_PICTURE_SIDE,
                high=MAX_PICTURE_SIDE,
            )
        )
    return CheckedPicture(data, media_type, file_name[:255], width, height)


# --- Reading ------------------------------------------------------------------------------------------------


def design_of(edition: Edition) -> CertificateDesign | None:
    """The edition's saved design, or None: its certificates then have the default design."""
    return db.session.scalar(select(CertificateDesign).where(CertificateDesign.edition_id == edition.id))


def _picture(row: CertificatePicture | None) -> Picture | None:
    return Picture.of(row.data, row.media_type) if row is not None else None


def design_values(design: CertificateDesign | None) -> dict[str, Any]:
    """What the design puts into a certificate's content: the CertificateContent fields it sets."""
    if design is None:
        return {"prize_name": PRIZE_NAME}
    return {
        "prize_name": design.prize_name_en or PRIZE_NAME,
        "prize_name_fr": design.prize_name_fr,
        "awarding_body": design.awarding_body_en,
        "awarding_body_fr": design.awarding_body_fr,
        "accent_colour": design.accent_colour if design.accent_colour != DEFAULT_ACCENT else "",
        "logo": _picture(design.logo),
        "logo_text": design.logo_text_en,
        "logo_text_fr": design.logo_text_fr,
        "signatures": tuple(_picture(s.signature) for s in design.signatories),
    }


def designed_signatories(design: CertificateDesign | None) -> list[tuple[str, str, str]]:
    """(name, English title, French title) of the design's signatories; empty: the configured ones sign."""
    if design is None:
        return []
    return [(s.name, s.title_en or s.title_fr, s.title_fr or s.title_en) for s in design.signatories]


def pictures_by_digest(digests) -> dict[str, bytes]:
    """The bytes of the pictures still kept, by SHA-256 (to render a certificate's snapshot again)."""
    digests = set(digests)
    if not digests:
        return {}
    rows = db.session.scalars(select(CertificatePicture).where(CertificatePicture.sha256.in_(digests)))
    return {row.sha256: row.data for row in rows}


# --- Saving -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatoryValues:
    name: str
    title_en: str
    title_fr: str
    signature: CheckedPicture | None = None
    remove_signature: bool = False


@dataclass(frozen=True)
class DesignValues:
    """What the organisers' form sends: texts, a colour, new pictures (None: keep) and what to remove."""

    accent_colour: str
    awarding_body_en: str
    awarding_body_fr: str
    prize_name_en: str
    prize_name_fr: str
    logo_text_en: str
    logo_text_fr: str
    signatories: tuple[SignatoryValues, ...]
    logo: CheckedPicture | None = None
    remove_logo: bool = False


TEXT_FIELDS = (
    "accent_colour",
    "awarding_body_en",
    "awarding_body_fr",
    "prize_name_en",
    "prize_name_fr",
    "logo_text_en",
    "logo_text_fr",
)


DEFAULT_TEXTS = {name: "" for name in TEXT_FIELDS} | {"accent_colour": DEFAULT_ACCENT}


def _audited(design: CertificateDesign | None) -> dict[str, Any]:
    """The design as the audit log keeps it: texts, pictures by SHA-256, the signatories given."""
    if design is None:
        return {**DEFAULT_TEXTS, "logo": None, "signatories": {}}
    return {
        **{name: getattr(design, name) for name in TEXT_FIELDS},
        "logo": design.logo.sha256 if design.logo else None,
        "signatories": {
            str(s.position): {
                "name": s.name,
                "title_en": s.title_en,
                "title_fr": s.title_fr,
                "signature": s.signature.sha256 if s.signature else None,
            }
            for s in design.signatories
        },
    }


def _digest_after(current: CertificatePicture | None, new: CheckedPicture | None, remove: bool) -> str | None:
    """The SHA-256 of the picture the form leaves: a new upload wins over removal."""
    if new is not None:
        return Picture.of(new.data, new.media_type).sha256
    return None if remove or current is None else current.sha256


def _planned(design: CertificateDesign | None, values: DesignValues) -> dict[str, Any]:
    """The design as saving ``values`` would leave it, in the audit's shape."""
    current = {s.position: s for s in design.signatories} if design else {}
    signatories = {}
    for position, given in enumerate(values.signatories[:MAX_SIGNATORIES], start=1):
        row = current.get(position)
        signature = _digest_after(row.signature if row else None, given.signature, given.remove_signature)
        if given.name or given.title_en or given.title_fr:  # a signature alone signs for no one
            signatories[str(position)] = {
                "name": given.name,
                "title_en": given.title_en,
                "title_fr": given.title_fr,
                "signature": signature,
            }
    return {
        **{name: getattr(values, name) for name in TEXT_FIELDS},
        "logo": _digest_after(design.logo if design else None, values.logo, values.remove_logo),
        "signatories": signatories,
    }


def _kept(checked: CheckedPicture) -> CertificatePicture:
    return CertificatePicture(
        data=checked.data,
        media_type=checked.media_type,
        sha256=Picture.of(checked.data, checked.media_type).sha256,
        file_name=checked.file_name,
        width=checked.width,
        height=checked.height,
        size_bytes=len(checked.data),
    )


def _replaced(old: CertificatePicture | None, digest: str | None, new: CheckedPicture | None):
    """The picture to keep for ``digest``: the old one if it is that one, else the new upload; an old one
    no longer kept is deleted."""
    if old is not None and old.sha256 == digest:
        return old
    if old is not None:
        db.session.delete(old)
    return _kept(new) if digest is not None and new is not None else None


def save_design(edition: Edition, values: DesignValues, *, actor) -> bool:
    """Save the edition's certificate design; False when nothing changes. Flushes and audits, never commits.

    A signatory left without name and title is removed with its signature; a picture replaced or removed
    is deleted (certificates already issued keep theirs in their files).
    """
    design = design_of(edition)
    before, after = _audited(design), _planned(design, values)
    if after == before:
        return False
    if design is None:
        design = CertificateDesign(edition_id=edition.id, edition=edition)
        db.session.add(design)
    for name in TEXT_FIELDS:
        setattr(design, name, getattr(values, name))
    design.logo = _replaced(design.logo, after["logo"], values.logo)
    rows = {s.position: s for s in design.signatories}
    for position, given in enumerate(values.signatories[:MAX_SIGNATORIES], start=1):
        row, planned = rows.get(position), after["signatories"].get(str(position))
        if planned is None:
            if row is not None:
                _replaced(row.signature, None, None)
                design.signatories.remove(row)
            continue
        if row is None:
            row = CertificateSignatory(position=position)
            design.signatories.append(row)
        row.name, row.title_en, row.title_fr = given.name, given.title_en, given.title_fr
        row.signature = _replaced(row.signature, planned["signature"], given.signature)
    design.updated_by_id = getattr(actor, "id", None)
    design.updated_at = utcnow()
    db.session.flush()
    record(
        "certificates.design_saved", design, edition_id=edition.id, before=before, after=after, actor=actor
    )
    return True


# --- The preview --------------------------------------------------------------------------------------------


def sample_content(
    edition: Edition, language: str, design: CertificateDesign | None, signatories, *, now: datetime
) -> CertificateContent:
    """A first prize for a made-up municipality, in the edition's words and the design as saved."""
    first = "fr" if language == "fr" else "en"
    organisation, project = SAMPLE[first]
    return CertificateContent(
        kind="award",
        language=language,
        edition_name=text_in(edition, "name", "en"),
        edition_name_fr=text_in(edition, "name", "fr"),
        edition_year=edition.year,
        place=1,
        joint=False,
        special_mention=False,
        organisation_name=organisation,
        organisation_kind="municipality",
        country_name="France",
        country_name_fr="France",
        project_title=project,
        reference=f"{edition.reference_prefix}-{edition.year}-000",
        ceremony_date=edition.ceremony_date or date(edition.year, 10, 30),
        ceremony_place=text_in(edition, "ceremony_place", "en") or "Strasbourg",
        ceremony_place_fr=text_in(edition, "ceremony_place", "fr") or "Strasbourg",
        signatories=signatories,
        verification_code=SAMPLE_CODE,
        verification_url=external_url("certificates.verify", code=SAMPLE_CODE),
        issued_at=now,
        **design_values(design),
    )
