"""Award and participation certificates as print-ready, accessible PDF files, independent of the database.

Each certificate is its own WeasyPrint document: the HTML page ``templates/certificates/certificate.html``
styled by ``assets/certificate.css``, with the fonts shipped in ``assets/fonts`` embedded, written as a
tagged PDF/UA-1 file (its language, its title, the text alternative of every picture: the QR code, the
logo, the signatures). What the page says comes from ``content.py``, how long texts are sized from
``look.py``.

WeasyPrint may read only the files under ``assets`` and the certificate's own pictures, which come as
``data:`` URLs built here from the bytes their SHA-256 names: anything else a page could point at (http,
https, other files, other data, attachments) is refused by :class:`AssetFetcher`.

The same content gives the same bytes: the PDF's dates are the certificate's issue time and its file
identifier is the verification code. (WeasyPrint subsets the fonts with HarfBuzz; without the system's
HarfBuzz-Subset library it falls back to fontTools, which writes the current time into each font subset
unless ``SOURCE_DATE_EPOCH`` is set.)
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certificates.content import (
    CertificateContent,
    Picture,
    awarding_body,
    distinction,
    edition_name,
    logo_text,
    prize_name,
    wording,
)
from app.certificates.look import DEFAULT_ACCENT, NAME_LIMITS, TITLE_LIMITS, size_step, soft_colour

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
# The kinds of file a certificate may load from ASSETS_DIR; WeasyPrint checks a stylesheet's type.
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf"}
PDF_VARIANT = "pdf/ua-1"
# What a signature's text alternative says, in the certificate's language.
SIGNATURE_TEXT = {"en": "Signature of {name}", "fr": "Signature de {name}"}
QR_TEXT = {"en": "QR code: {url}", "fr": "Code QR\u00a0: {url}"}


class AssetRefused(ValueError):
    """A certificate tried to load something that is not one of its own assets or pictures."""


class AssetFetcher(URLFetcher):
    """Lets WeasyPrint read the files under ``assets`` and the given pictures, and nothing else.

    ``pictures`` maps the ``data:`` URLs the template was given to the pictures they carry: only those
    exact URLs are served, from the checked bytes, never decoded from the URL. Raising makes WeasyPrint
    skip the resource (it logs an error), so a refused image, stylesheet or attachment is simply absent.
    """

    def __init__(self, pictures: dict[str, Picture] | None = None) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.pictures = dict(pictures or {})

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if (picture := self.pictures.get(url)) is not None:
            return URLFetcherResponse(url, picture.data, {"Content-Type": picture.media_type})
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
            raise AssetRefused(f"not a certificate asset: {url[:100]}")
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


def picture_url(picture: Picture) -> str:
    """The ``data:`` URL of a picture's bytes, which must be there and be the ones its digest names."""
    if not picture.data or hashlib.sha256(picture.data).hexdigest() != picture.sha256:
        raise ValueError(f"the bytes of picture {picture.sha256} are missing")
    return f"data:{picture.media_type};base64,{base64.b64encode(picture.data).decode('ascii')}"


@dataclass(frozen=True)
class _Shown:
    """A picture on the page: its URL and its text alternative."""

    url: str
    text: str


@dataclass(frozen=True)
class _Signatory:
    name: str
    title: str
    picture: _Shown | None


def qr_svg(url: str, colour: str = DEFAULT_ACCENT, title: str = "") -> str:
    """The QR code of the verification URL as inline SVG; its <title> is its text alternative."""
    return segno.make(url, error="m").svg_inline(dark=colour, border=0, omitsize=True, title=title or None)


_environment = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def metadata(content: CertificateContent) -> dict[str, str]:
    """The PDF's document information: what it is, who awards it, when it was issued."""
    language = content.languages[0]
    return {
        "title": " \u2013 ".join(
            (distinction(content, language), content.organisation_name, edition_name(content, language))
        ),
        "author": awarding_body(content, language),
        "subject": f"{prize_name(content, language)} \u00b7 {content.reference}",
        "created": content.issued_at.astimezone(UTC).isoformat(timespec="seconds"),
    }


def _page(content: CertificateContent) -> tuple[str, dict[str, Picture]]:
    """The certificate's HTML, and the pictures its data: URLs stand for."""
    language = content.languages[0]
    pictures: dict[str, Picture] = {}

    def shown(picture: Picture | None, text: str) -> _Shown | None:
        if picture is None:
            return None
        url = picture_url(picture)
        pictures[url] = picture
        return _Shown(url, text)

    signatures = (*content.signatures, *[None] * (len(content.signatories) - len(content.signatures)))
    accent = content.accent_colour or DEFAULT_ACCENT
    url = content.verification_url
    # segno's SVG, its <title> escaped by segno; the URL is the site's address and a hex code.
    qr = Markup(qr_svg(url, accent, QR_TEXT[language].format(url=url)))  # noqa: S704
    html = _environment.get_template(TEMPLATE_NAME).render(
        content=content,
        lang=language,
        texts=wording(content),
        information=metadata(content),
        prize_name=prize_name(content, language),
        # The edition's colour, if it chose one; else certificate.css's own.
        colours={"accent": accent, "soft": soft_colour(accent)} if content.accent_colour else None,
        logo=shown(content.logo, logo_text(content, language)),
        signatories=[
            _Signatory(name, title, shown(picture, SIGNATURE_TEXT[language].format(name=name or title)))
            for (name, title), picture in zip(content.signatories, signatures, strict=True)
        ],
        qr_svg=qr,
        name_size=size_step(content.organisation_name, NAME_LIMITS),
        title_size=size_step(content.project_title, TITLE_LIMITS),
    )
    return html, pictures


def certificate_html(content: CertificateContent) -> str:
    """The certificate as the HTML page WeasyPrint lays out."""
    return _page(content)[0]


def render_certificate(content: CertificateContent, base_url: str | None = None) -> bytes:
    """One certificate as a standalone one-page tagged PDF/UA-1 file with its fonts embedded.

    ``base_url`` is where the template's relative links resolve (the assets folder by default); whatever
    it is, only files inside ``ASSETS_DIR`` are read. A picture of the content without its bytes (read
    back from a snapshot) is refused with a ValueError: a certificate is never printed without it.
    """
    html, pictures = _page(content)
    document = HTML(
        string=html, base_url=base_url or ASSETS_DIR.as_uri() + "/", url_fetcher=AssetFetcher(pictures)
    ).render()
    if len(document.pages) != 1:
        raise RuntimeError(
            f"certificate {content.reference or content.verification_code} takes more than a page"
        )
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=content.verification_code.encode())


def render_certificates(contents: Sequence[CertificateContent]) -> list[bytes]:
    """One PDF per certificate, in order: each is its own document, as ``render_certificate`` makes it."""
    return [render_certificate(content) for content in contents]


def sha256_hex(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
