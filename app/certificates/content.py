"""What a certificate says, from plain data: its wording in English and French, its distinction and place,
the name to save it as, and its snapshot as stored on the record.

Pure: standard library only, no Flask, SQLAlchemy or `app` import. A certificate's kind and language are
the values of CertificateKind and CertificateLanguage (``app/certificates/enums.py``), passed as those
StrEnum members or as their strings: both compare equal. Functions that take a certificate read only its
``content`` snapshot, so any object with that attribute will do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

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
class CertificateContent:
    """Everything a certificate says; prize and edition names are printed as given.

    The edition's name and the ceremony's place are given in English and in French (`_fr`), each falling
    back to the other language where the edition has no text in it. Snapshots from before French texts
    have no `_fr` values: their certificates print the English in both languages, as they did.
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

    @property
    def languages(self) -> tuple[str, ...]:
        return ("en", "fr") if self.language == "both" else (self.language,)


def format_date(day: date, language: str) -> str:
    """Spell out a date in the certificate's language, whatever the system locale."""
    month = WORDING[language]["months"][day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def prize_name(content: CertificateContent, language: str) -> str:
    """The prize's name in one of the certificate's languages (a snapshot records it in English)."""
    return WORDING[language]["prize_name"] if content.prize_name == PRIZE_NAME else content.prize_name


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
            ("awarding_body", words["awarding_body"]),
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
    """What the certificate says, as JSON: dates in ISO 8601, signatories as lists."""
    values = asdict(content)
    values["ceremony_date"] = content.ceremony_date.isoformat()
    values["issued_at"] = content.issued_at.isoformat()
    values["signatories"] = [list(pair) for pair in content.signatories]
    return values


def content_of(certificate) -> CertificateContent:
    """The certificate's snapshot as a CertificateContent again (to word it as the PDF does)."""
    values = dict(certificate.content)
    values["ceremony_date"] = date.fromisoformat(values["ceremony_date"])
    values["issued_at"] = datetime.fromisoformat(values["issued_at"])
    values["signatories"] = tuple(tuple(pair) for pair in values["signatories"])
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
