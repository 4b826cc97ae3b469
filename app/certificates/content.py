"""What a certificate says, from plain data: its wording in English and French, its distinction and place,
its look (accent colour, type sizes, pictures), the name to save it as, and its snapshot as stored on the
record.

Pure: standard library only, no Flask, SQLAlchemy or `app` import. A certificate's kind and language are
the values of CertificateKind and CertificateLanguage (``app/certificates/enums.py``), passed as those
StrEnum members or as their strings: both compare equal. Functions that take a certificate read only its
``content`` snapshot, so any object with that attribute will do.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from app.certificates.look import HEX_COLOUR
from app.ordinals import ordinal

KINDS = ("award", "participation")  # CertificateKind's values
LANGUAGES = ("en", "fr", "both")  # CertificateLanguage's values
ORGANISATION_KINDS = ("municipality", "region")

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
FILE_NAME_MAX = 80
PICTURE_TYPES = ("image/png", "image/jpeg")
SHA256_HEX = re.compile(r"[0-9a-f]{64}")

WORDING = {
    "en": {
        "prize_name": PRIZE_NAME,
        "awarding_body": "Congress of Local and Regional Authorities of the Council of Europe",
        "prize": {1: "First Prize", 2: "Second Prize", 3: "Third Prize"},
        "prize_other": "{ordinal} Prize",
        "joint_prize": "Joint {prize}",
        "place": "{ordinal} place",
        "joint_place": "joint {ordinal} place",
        "special_mention": "Special Mention",
        "participation": "Certificate of Participation",
        "awarded_to": "awarded to",
        "mention_awarded_to": "awarded to",
        "presented_to": "presented to",
        "municipality": "Municipality",
        "region": "Region",
        "for_project": "for the project",
        "for_participation": "for taking part with the project",
        "quote": "\u201c{}\u201d",
        "ceremony": "{place}, {date}",
        "reference": "Reference",
        "issued": "Issued {date}",
        "verify": "Verify at",
        "code": "Code",
        "months": (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    },
    "fr": {
        "prize_name": "Prix Dosta!-Congr\u00e8s pour les municipalit\u00e9s",
        "awarding_body": "Congrès des pouvoirs locaux et régionaux du Conseil de l\u2019Europe",
        "prize": {1: "Premier prix", 2: "Deuxième prix", 3: "Troisième prix"},
        "prize_other": "{ordinal} prix",
        "joint_prize": "{prize} ex aequo",
        "place": "{ordinal} prix",
        "joint_place": "{ordinal} prix ex aequo",
        "special_mention": "Mention spéciale",
        "participation": "Certificat de participation",
        "awarded_to": "décerné à",
        "mention_awarded_to": "décernée à",  # une mention
        "presented_to": "remis à",
        "municipality": "Municipalité",
        "region": "Région",
        "for_project": "pour le projet",
        "for_participation": "pour sa participation avec le projet",
        "quote": "\u00ab\u202f{}\u202f\u00bb",
        "ceremony": "{place}, le {date}",
        "reference": "Référence",
        "issued": "Délivré le {date}",
        "verify": "Vérifier sur",
        "code": "Code",
        "months": (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
    },
}


@dataclass(frozen=True)
class Picture:
    """An image printed on a certificate (a logo, a signature), named by the SHA-256 of its bytes.

    The snapshot records its digest and type only; the bytes travel with the content to be rendered, and
    must be the ones the digest names. A picture read back from a snapshot has no bytes (``data`` empty).
    """

    sha256: str
    media_type: str
    data: bytes = field(default=b"", repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.media_type not in PICTURE_TYPES:
            raise ValueError(f"not a certificate picture type: {self.media_type!r}")
        if not SHA256_HEX.fullmatch(self.sha256):
            raise ValueError("a picture is named by the SHA-256 of its bytes")
        if self.data and hashlib.sha256(self.data).hexdigest() != self.sha256:
            raise ValueError("the picture's bytes are not the ones its SHA-256 names")

    @classmethod
    def of(cls, data: bytes, media_type: str) -> Picture:
        return cls(hashlib.sha256(data).hexdigest(), media_type, data)

    def record(self) -> dict[str, str]:
        return {"sha256": self.sha256, "media_type": self.media_type}


@dataclass(frozen=True)
class CertificateContent:
    """Everything a certificate says; prize and edition names are printed as given.

    The edition's name and the ceremony's place are given in English and in French (`_fr`), each falling
    back to the other language where the edition has no text in it. Snapshots from before French texts
    have no `_fr` values: their certificates print the English in both languages, as they did.

    The edition's certificate design adds the rest, each optional ("" or empty: today's design): the prize's
    French name and the awarding body in either language (an English text stands for a missing French
    one), the accent colour, a logo with its text alternative, and a signature picture per signatory (in
    the order of ``signatories``, None where there is none).
    """

    kind: str
    language: str
    prize_name: str
    edition_name: str
    edition_year: int
    place: int | None
    joint: bool
    special_mention: bool
    organisation_name: str
    organisation_kind: str
    country_name: str
    country_name_fr: str
    project_title: str
    reference: str
    ceremony_date: date
    ceremony_place: str
    signatories: tuple[tuple[str, str], ...]
    verification_code: str
    verification_url: str
    issued_at: datetime
    edition_name_fr: str = ""
    ceremony_place_fr: str = ""
    prize_name_fr: str = ""
    awarding_body: str = ""
    awarding_body_fr: str = ""
    accent_colour: str = ""
    logo: Picture | None = None
    logo_text: str = ""
    logo_text_fr: str = ""
    signatures: tuple[Picture | None, ...] = ()

    def __post_init__(self) -> None:
        # Plain strings from here on, whether enum members or texts with their language (app.i18n.LocalText)
        # came in: the text shaper takes no str subclass, and the snapshot copies every value.
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str) and type(value) is not str:
                object.__setattr__(self, item.name, str(value))
        if self.kind not in KINDS:
            raise ValueError(f"unknown certificate kind {self.kind!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"unknown certificate language {self.language!r}")
        if self.organisation_kind not in ORGANISATION_KINDS:
            raise ValueError(f"unknown organisation kind {self.organisation_kind!r}")
        if self.place is not None and self.place < 1:
            raise ValueError("place must be 1 or more")
        if self.kind == "award" and (self.place is None) != self.special_mention:
            raise ValueError("an award certificate has either a place or a special mention")
        if self.kind == "participation" and (self.place is not None or self.special_mention):
            raise ValueError("a participation certificate has no place and no special mention")
        if self.joint and self.place is None:
            raise ValueError("only a place can be joint")
        if self.accent_colour and not HEX_COLOUR.fullmatch(self.accent_colour):
            raise ValueError(f"not a colour as #rrggbb: {self.accent_colour!r}")
        if len(self.signatures) > len(self.signatories):
            raise ValueError("a signature picture needs its signatory")

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", "fr") if self.language == "both" else (self.language,)

    @property
    def pictures(self) -> tuple[Picture, ...]:
        """The logo and the signatures, as printed."""
        return tuple(p for p in (self.logo, *self.signatures) if p is not None)


def format_date(day: date, language: str) -> str:
    """Spell out a date in the certificate's language, whatever the system locale."""
    month = WORDING[language]["months"][day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def prize_name(content: CertificateContent, language: str) -> str:
    """The prize's name in one of the certificate's languages (a snapshot records it in English)."""
    if language == "fr" and content.prize_name_fr:
        return content.prize_name_fr
    return WORDING[language]["prize_name"] if content.prize_name == PRIZE_NAME else content.prize_name


def awarding_body(content: CertificateContent, language: str) -> str:
    """Who awards the prize, as the design words it (the English standing for a missing French)."""
    if language == "fr" and content.awarding_body_fr:
        return content.awarding_body_fr
    return content.awarding_body or WORDING[language]["awarding_body"]


def logo_text(content: CertificateContent, language: str) -> str:
    """The logo's text alternative, read out by screen readers in place of the picture."""
    given = (content.logo_text_fr or content.logo_text) if language == "fr" else content.logo_text
    return given or awarding_body(content, language)


def edition_name(content: CertificateContent, language: str) -> str:
    """The edition's name in one of the certificate's languages."""
    return (content.edition_name_fr or content.edition_name) if language == "fr" else content.edition_name


def ceremony_place(content: CertificateContent, language: str) -> str:
    """Where the ceremony takes place, in one of the certificate's languages."""
    return (
        (content.ceremony_place_fr or content.ceremony_place) if language == "fr" else content.ceremony_place
    )


def distinction(content: CertificateContent, language: str) -> str:
    """What the certificate honours, in large type: "Joint First Prize", "Mention spéciale"."""
    words = WORDING[language]
    if content.kind == "participation":
        return words["participation"]
    if content.special_mention:
        return words["special_mention"]
    prize = words["prize"].get(content.place) or words["prize_other"].format(
        ordinal=ordinal(content.place, language)
    )
    return words["joint_prize"].format(prize=prize) if content.joint else prize


def place_text(content: CertificateContent, language: str) -> str | None:
    """The short ranking ("1st place", "2e prix ex aequo"), or None without a place."""
    if content.kind != "award" or content.place is None:
        return None
    key = "joint_place" if content.joint else "place"
    return WORDING[language][key].format(ordinal=ordinal(content.place, language))


def wording(content: CertificateContent) -> dict[str, list[str]]:
    """Each text of the page in the certificate's languages: one string, or English then French."""
    texts: dict[str, list[str]] = {}
    for language in content.languages:
        words = WORDING[language]
        country = content.country_name_fr if language == "fr" else content.country_name
        intro = "for_participation" if content.kind == "participation" else "for_project"
        given = (
            "presented_to"
            if content.kind == "participation"
            else "mention_awarded_to"
            if content.special_mention
            else "awarded_to"
        )
        for key, text in (
            ("awarding_body", awarding_body(content, language)),
            ("edition", edition_name(content, language)),
            ("distinction", distinction(content, language)),
            ("given_to", words[given]),
            ("organisation", f"{words[content.organisation_kind]} \u00b7 {country}"),
            ("project_intro", words[intro]),
            ("project_title", words["quote"].format(content.project_title)),
            (
                "ceremony",
                words["ceremony"].format(
                    place=ceremony_place(content, language), date=format_date(content.ceremony_date, language)
                ),
            ),
            ("reference", words["reference"]),
            ("issued", words["issued"].format(date=format_date(content.issued_at.date(), language))),
            ("verify", words["verify"]),
            ("code", words["code"]),
        ):
            texts.setdefault(key, []).append(text)
        if (place := place_text(content, language)) is not None:
            texts.setdefault("place", []).append(place)
    return texts


def signatory_blocks(configured: Iterable[Sequence[str]], language: str) -> tuple[tuple[str, str], ...]:
    """(name, title) per signature block, titles in the certificate's language (both: English · French).

    ``configured`` holds (name, English title[, French title]) entries, as CERTIFICATE_SIGNATORIES does.
    """
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


# --- The snapshot on the record ----------------------------------------------------------------------------


def snapshot(content: CertificateContent) -> dict[str, Any]:
    """What the certificate says, as JSON: dates in ISO 8601, signatories as lists, pictures by their digest
    and type (their bytes stay with the design)."""
    values = {item.name: getattr(content, item.name) for item in fields(content)}
    values["ceremony_date"] = content.ceremony_date.isoformat()
    values["issued_at"] = content.issued_at.isoformat()
    values["signatories"] = [list(pair) for pair in content.signatories]
    values["logo"] = content.logo.record() if content.logo else None
    values["signatures"] = [picture.record() if picture else None for picture in content.signatures]
    return values


def content_of(certificate, pictures: Mapping[str, bytes] | None = None) -> CertificateContent:
    """The certificate's snapshot as a CertificateContent again (to word it as the PDF does).

    ``pictures`` gives the bytes of the pictures by SHA-256, to render it again; without them, the pictures
    have their digests but no bytes. Snapshots from before certificate designs read as today's design.
    """
    values = dict(certificate.content)
    values["ceremony_date"] = date.fromisoformat(values["ceremony_date"])
    values["issued_at"] = datetime.fromisoformat(values["issued_at"])
    values["signatories"] = tuple(tuple(pair) for pair in values["signatories"])

    def picture(record: Mapping[str, str] | None) -> Picture | None:
        if not record:
            return None
        return Picture(record["sha256"], record["media_type"], (pictures or {}).get(record["sha256"], b""))

    values["logo"] = picture(values.get("logo"))
    values["signatures"] = tuple(picture(record) for record in values.get("signatures", ()))
    return CertificateContent(**values)


def distinction_label(certificate, language: str) -> str:
    """'1st place', 'joint 2nd place', 'Special Mention', 'Certificate of Participation' (or in French)."""
    content = content_of(certificate)
    return place_text(content, language) or distinction(content, language)


def _file_safe(text: str) -> str:
    """Letters and digits of any script, joined by hyphens: 'Surčin (Belgrade)' -> 'Surčin-Belgrade'."""
    text = unicodedata.normalize("NFC", text)
    words = re.split(r"[\W_]+", text)
    return "-".join(word for word in words if word)[:FILE_NAME_MAX].strip("-")


def download_name(certificate, prefix: str = "Dosta") -> str:
    """A name to save it as: 'Dosta-2013-1st-place-Obrnice.pdf', 'Dosta-2009-joint-1st-place-Mostar.pdf'."""
    content: Mapping[str, Any] = certificate.content
    if content["kind"] == "participation":
        what = "participation"
    elif content["special_mention"]:
        what = "special-mention"
    else:
        what = f"{'joint-' if content['joint'] else ''}{ordinal(content['place'], 'en')}-place"
    name = _file_safe(content["organisation_name"]) or "certificate"
    return f"{prefix}-{content['edition_year']}-{what}-{name}.pdf"
