"""Award and participation certificates as print-ready PDF files, independent of the database.

The certificate is an HTML page (``templates/certificates/certificate.html``) laid out by WeasyPrint with
the fonts shipped in ``assets/fonts``. WeasyPrint may only read files from ``assets``: anything else a
page could point at (http, https, other files, attachments) is refused by :class:`AssetFetcher`. What the
page says comes from ``content.py``; ``stamp.py`` and ``overlay.py`` make a batch of them fast.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
import weasyprint
from weasyprint import HTML, Document
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.certificates import overlay, stamp
from app.certificates.content import (
    WORDING,
    CertificateContent,
    distinction,
    edition_name,
    prize_name,
    wording,
)
from app.certificates.typeset import Drawing

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
# The kinds of file a certificate may load from ASSETS_DIR; WeasyPrint checks a stylesheet's type.
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf"}


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


def _size_class(text: str, limits: Sequence[int]) -> str:
    return f"s{overlay.size_step(text, limits)}"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(dark="#12305f", border=0, omitsize=True)


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
            "texts": wording(content),
            "prize_name": prize_name(content, content.languages[0]),
            "qr_svg": "" if fixed_only else qr_svg(content.verification_url),
            "name_size": _size_class(content.organisation_name, overlay.NAME_LIMITS),
            "title_size": _size_class(content.project_title, overlay.TITLE_LIMITS),
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
            (distinction(content, language), content.organisation_name, edition_name(content, language))
        ),
        "Author": WORDING[language]["awarding_body"],
        "Subject": f"{prize_name(content, language)} \u00b7 {content.reference}",
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
    setter = overlay.setter()
    plans = []
    for content in contents:
        text = overlay.Overlay.of(content, wording(content))
        # A script the shipped fonts lack (Armenian, say): WeasyPrint lays it out, Pango finds a font.
        plans.append((content, text, setter.covers(text.spans)))
    layers = iter(_fixed_layers.get([content for content, _, covered in plans if covered]))
    pdfs = []
    for content, text, covered in plans:
        if not covered:
            pdfs.append(render_reference(content))
            continue
        drawing = Drawing(setter.faces, overlay.PAGE_HEIGHT)
        overlay.draw(text, drawing, setter)
        pdfs.append(stamp.assemble(next(layers), drawing, metadata(content), content.languages[0]))
    return pdfs


def render_certificate(content: CertificateContent) -> bytes:
    """One certificate as a standalone one-page PDF with its fonts embedded."""
    return render_certificates([content])[0]


def sha256_hex(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
