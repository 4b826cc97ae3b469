"""Award and participation certificates as print-ready PDF files, independent of the database.

The certificate is an HTML page (``templates/certificates/certificate.html``) laid out by WeasyPrint with
the fonts shipped in ``assets/fonts``. WeasyPrint may only read files from ``assets``: anything else a
page could point at (http, https, other files, attachments) is refused by :class:`AssetFetcher`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
import weasyprint
from weasyprint import HTML, Document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certificates import stamp
from app.certificates.typeset import Drawing
from app.ordinals import ordinal

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
# The kinds of file a certificate may load from ASSETS_DIR; WeasyPrint checks a stylesheet's type.
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf"}
KINDS = ("award", "participation")
LANGUAGES = ("en", "fr", "both")
ORGANISATION_KINDS = ("municipality", "region")

WORDING = {
    "en": {
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
    """Everything a certificate says; prize and edition names are printed as given."""

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

    def __post_init__(self) -> None:
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


class AssetRefused(ValueError):
    """A certificate tried to load something that is not one of its own assets."""


class AssetFetcher(URLFetcher):
    """Lets WeasyPrint read the files under ``assets``, and nothing else.

    Raising makes WeasyPrint skip the resource (it logs an error), so a refused image, stylesheet or
    attachment is simply absent from the PDF.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
            raise AssetRefused(f"not a certificate asset: {url}")
        path = asset_path(unquote(parts.path))
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": ASSET_TYPES[path.suffix]})


def asset_path(path: str) -> Path:
    """Return the real path of a file inside the assets folder, refusing every other file."""
    candidate = Path(path).resolve()
    if (
        not candidate.is_relative_to(ASSETS_DIR)
        or candidate.suffix not in ASSET_TYPES
        or not candidate.is_file()
    ):
        raise AssetRefused(f"not a certificate asset: {path}")
    return candidate


def format_date(day: date, language: str) -> str:
    """Spell out a date in the certificate's language, whatever the system locale."""
    month = WORDING[language]["months"][day.month - 1]
    if language == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


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


def _size_class(text: str, limits: Sequence[int]) -> str:
    return f"s{stamp.size_step(text, limits)}"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(dark="#12305f", border=0, omitsize=True)


def _wording(content: CertificateContent) -> dict[str, list[str]]:
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
            ("distinction", distinction(content, language)),
            ("given_to", words[given]),
            ("organisation", f"{words[content.organisation_kind]} \u00b7 {country}"),
            ("project_intro", words[intro]),
            ("project_title", words["quote"].format(content.project_title)),
            (
                "ceremony",
                words["ceremony"].format(
                    place=content.ceremony_place, date=format_date(content.ceremony_date, language)
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


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def certificate_html(contents: Sequence[CertificateContent], fixed_only: bool = False) -> str:
    """One HTML document with one page per certificate, in order.

    With ``fixed_only``, each page holds only what a batch shares (frame, header, signatures): the fixed
    layer of ``stamp.py``.
    """
    sheets = [
        {
            "content": content,
            "texts": _wording(content),
            "qr_svg": "" if fixed_only else qr_svg(content.verification_url),
            "name_size": _size_class(content.organisation_name, stamp.NAME_LIMITS),
            "title_size": _size_class(content.project_title, stamp.TITLE_LIMITS),
        }
        for content in contents
    ]
    return _environment.get_template(TEMPLATE_NAME).render(
        sheets=sheets, lang=contents[0].languages[0], fixed_only=fixed_only
    )


def metadata(content: CertificateContent) -> dict[str, str]:
    """The PDF's document information: what it is, who awards it, when it was issued."""
    language = content.languages[0]
    issued = content.issued_at.astimezone(UTC)
    return {
        "Title": " \u2013 ".join(
            (distinction(content, language), content.organisation_name, content.edition_name)
        ),
        "Author": WORDING[language]["awarding_body"],
        "Subject": f"{content.prize_name} \u00b7 {content.reference}",
        "Creator": "prizejury",
        "Producer": f"prizejury, WeasyPrint {weasyprint.__version__}, HarfBuzz",
        "CreationDate": issued.strftime("D:%Y%m%d%H%M%S+00'00"),
    }


def _check(document: Document, contents: Sequence[CertificateContent]) -> Document:
    """Check that page i holds certificate i."""
    if len(document.pages) != len(contents):
        raise RuntimeError(f"{len(contents)} certificates were laid out on {len(document.pages)} pages")
    for number, (page, content) in enumerate(zip(document.pages, contents, strict=True), start=1):
        if f"certificate-{content.verification_code}" not in page.anchors:
            raise RuntimeError(f"page {number} does not hold certificate {content.reference}")
    return document


def _weasyprint_pdfs(
    contents: Sequence[CertificateContent], fixed_only: bool, base_url: str | None = None
) -> list[bytes]:
    """Lay the certificates out as one WeasyPrint document and write one PDF per page."""
    html = HTML(
        string=certificate_html(contents, fixed_only=fixed_only),
        base_url=base_url or ASSETS_DIR.as_uri() + "/",
        url_fetcher=AssetFetcher(),
    )
    document = _check(html.render(), contents)
    pdfs = []
    for page, content in zip(document.pages, contents, strict=True):
        single = document.copy([page])
        information = metadata(content)
        single.metadata = DocumentMetadata(
            title=information["Title"],
            authors=[information["Author"]],
            description=information["Subject"],
            created=content.issued_at.isoformat(timespec="seconds"),
            lang=content.languages[0],
        )
        pdfs.append(single.write_pdf())
    return pdfs


def render_reference(content: CertificateContent, base_url: str | None = None) -> bytes:
    """The whole certificate laid out by WeasyPrint from the template, as its own document.

    This is the design ``render_certificates`` reproduces and is tested against, and what it falls back
    to for a text the shipped fonts cannot show. ``base_url`` is where the template's relative links
    resolve (the assets folder by default); whatever it is, only files inside ``ASSETS_DIR`` are read.
    """
    return _weasyprint_pdfs([content], fixed_only=False, base_url=base_url)[0]


_fixed_layers = stamp.FixedLayers(lambda contents: _weasyprint_pdfs(contents, fixed_only=True))


def render_certificates(contents: Sequence[CertificateContent]) -> list[bytes]:
    """Render many certificates and return one standalone PDF per certificate, in order.

    What the certificates of an edition share is laid out by WeasyPrint once per process (``stamp.py``);
    each certificate then costs a few milliseconds. Each PDF holds only its own page, its own metadata
    and subsets of the fonts with its own glyphs; the same content gives the same bytes in any batch.
    """
    setter = stamp.setter()
    plans = []
    for content in contents:
        text = stamp.Overlay.of(content, _wording(content))
        # A script the shipped fonts lack (Armenian, say): WeasyPrint lays it out, Pango finds a font.
        plans.append((content, text, setter.covers(text.spans)))
    layers = iter(_fixed_layers.get([content for content, _, covered in plans if covered]))
    pdfs = []
    for content, text, covered in plans:
        if not covered:
            pdfs.append(render_reference(content))
            continue
        drawing = Drawing(setter.faces, stamp.PAGE_HEIGHT)
        stamp.overlay(text, drawing, setter)
        pdfs.append(stamp.assemble(next(layers), drawing, metadata(content), content.languages[0]))
    return pdfs


def render_certificate(content: CertificateContent) -> bytes:
    """One certificate as a standalone one-page PDF with its fonts embedded."""
    return render_certificates([content])[0]


def sha256_hex(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
