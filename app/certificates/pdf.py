"""Award and participation certificates as print-ready PDF files, independent of the database.

The certificate is an HTML page (``templates/certificates/certificate.html``) laid out by WeasyPrint with
the fonts shipped in ``assets/fonts``. WeasyPrint may only read files from ``assets``: anything else a
page could point at (http, https, other files, attachments) is refused by :class:`AssetFetcher`.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import jinja2
import segno
from weasyprint import CSS, HTML, Document, Page
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSETS_DIR = (Path(__file__).parent / "assets").resolve()
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
TEMPLATE_NAME = "certificates/certificate.html"
# The kinds of file a certificate may load from ASSETS_DIR; WeasyPrint checks a stylesheet's type.
ASSET_TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".ttf": "font/ttf"}
# Certificates laid out per WeasyPrint document in a batch: bounds memory, costs nothing measurable.
BATCH_SIZE = 200
# Certificates per document when a batch is shared between processes. Documents of a batch share one parsed
# stylesheet and one font configuration, so a small document costs no more per page than a big one, and
# small pieces keep the processes busy until the end.
CHUNK_SIZE = 4
# Smallest batch worth a worker process: a fresh worker needs about a second (Python, WeasyPrint, the
# fonts) before its first certificate, the time to render some 25 certificates here.
PARALLEL_MIN = 40

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


def ordinal(number: int, language: str) -> str:
    if language == "fr":
        return "1er" if number == 1 else f"{number}e"
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


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
    """Pick a type size step so that long text still fits on the one page."""
    for step, limit in enumerate(limits):
        if len(text) <= limit:
            return f"s{step}"
    return f"s{len(limits)}"


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(dark="#12305f", border=0, omitsize=True)


def _wording(content: CertificateContent) -> dict[str, list[str]]:
    """Each text of the page in the certificate's languages: one string, or English then French."""
    texts: dict[str, list[str]] = {}
    for language in content.languages:
        words = WORDING[language]
        country = content.country_name_fr if language == "fr" else content.country_name
        intro = "for_participation" if content.kind == "participation" else "for_project"
        given = "presented_to" if content.kind == "participation" else "awarded_to"
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


def certificate_html(contents: Sequence[CertificateContent], linked_stylesheet: bool = True) -> str:
    """One HTML document with one page per certificate, in order.

    Without ``linked_stylesheet`` the page does not link ``certificate.css``: a batch gives it to WeasyPrint
    already parsed.
    """
    sheets = [
        {
            "content": content,
            "texts": _wording(content),
            "qr_svg": qr_svg(content.verification_url),
            "name_size": _size_class(content.organisation_name, (24, 40, 70, 120)),
            "title_size": _size_class(content.project_title, (60, 110, 170, 320)),
        }
        for content in contents
    ]
    return _environment.get_template(TEMPLATE_NAME).render(
        sheets=sheets, lang=contents[0].languages[0], linked_stylesheet=linked_stylesheet
    )


def _metadata(content: CertificateContent) -> DocumentMetadata:
    """The PDF's own description; set from Python so that a batch's files each describe themselves."""
    language = content.languages[0]
    title = (distinction(content, language), content.organisation_name, content.edition_name)
    return DocumentMetadata(
        title=" \u2013 ".join(title),
        authors=[WORDING[language]["awarding_body"]],
        description=f"{content.prize_name} \u00b7 {content.reference}",
        created=content.issued_at.isoformat(timespec="seconds"),
        lang=language,
    )


def _html(contents: Sequence[CertificateContent], base_url: str | None = None, linked: bool = True) -> HTML:
    html = certificate_html(contents, linked_stylesheet=linked)
    return HTML(string=html, base_url=base_url or ASSETS_DIR.as_uri() + "/", url_fetcher=AssetFetcher())


def _check(document: Document, contents: Sequence[CertificateContent]) -> Document:
    """Check that page i holds certificate i."""
    if len(document.pages) != len(contents):
        raise RuntimeError(f"{len(contents)} certificates were laid out on {len(document.pages)} pages")
    for number, (page, content) in enumerate(zip(document.pages, contents, strict=True), start=1):
        if f"certificate-{content.verification_code}" not in page.anchors:
            raise RuntimeError(f"page {number} does not hold certificate {content.reference}")
    return document


def _render(contents: Sequence[CertificateContent], base_url: str | None = None) -> Document:
    """Lay out the certificates as one document that loads its own stylesheet and fonts."""
    return _check(_html(contents, base_url).render(), contents)


def _write(document: Document, page: Page, content: CertificateContent) -> bytes:
    single = document.copy([page])
    single.metadata = _metadata(content)
    return single.write_pdf()


def render_certificate(content: CertificateContent, base_url: str | None = None) -> bytes:
    """One certificate as a standalone one-page PDF with its fonts embedded.

    ``base_url`` is where the template's relative links resolve (the assets folder by default); whatever
    it is, only files inside ``ASSETS_DIR`` are ever read.
    """
    document = _render([content], base_url)
    return _write(document, document.pages[0], content)


class _Renderer:
    """Renders pieces of a batch with one parsed stylesheet and one font configuration for all of them.

    Parsing ``certificate.css`` and loading its three fonts is most of what a lone certificate costs
    beyond its page; the PDFs are the same bytes as with a stylesheet linked from each document.
    """

    def __init__(self) -> None:
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(
            url=(ASSETS_DIR / "certificate.css").as_uri(),
            url_fetcher=AssetFetcher(),
            font_config=self.font_config,
        )

    def render(self, contents: Sequence[CertificateContent]) -> list[bytes]:
        document = _html(contents, linked=False).render(
            stylesheets=[self.stylesheet], font_config=self.font_config
        )
        _check(document, contents)
        return [
            _write(document, page, content) for page, content in zip(document.pages, contents, strict=True)
        ]


# In a worker process: the batch's pieces and the shared counter of the next piece to render.
_worker_state: dict = {}


def _start_worker(pieces: list[Sequence[CertificateContent]], counter) -> None:
    _worker_state.update(pieces=pieces, counter=counter, renderer=None)


def _take_pieces(pieces: list[Sequence[CertificateContent]], counter, renderer: _Renderer | None = None):
    """Render pieces taken in turn from the shared counter until none is left: {index: PDFs}."""
    done = {}
    while True:
        with counter.get_lock():
            index = counter.value
            counter.value += 1
        if index >= len(pieces):
            return done
        renderer = renderer or _Renderer()
        done[index] = renderer.render(pieces[index])


def _worker_pieces() -> dict[int, list[bytes]]:
    return _take_pieces(_worker_state["pieces"], _worker_state["counter"])


def _render_in_processes(contents: Sequence[CertificateContent], workers: int) -> list[bytes]:
    """This process and ``workers - 1`` fresh ones take small pieces of the batch in turn.

    Workers are started with "spawn", never forked: WeasyPrint's Pango and Fontconfig state in a forked
    copy of a process that already used them is not safe. Whoever is free takes the next piece, so the
    seconds a worker needs to start are not lost, and a batch done before a worker is ready does not wait
    for it.
    """
    size = max(1, min(CHUNK_SIZE, BATCH_SIZE))
    pieces = [contents[start : start + size] for start in range(0, len(contents), size)]
    context = multiprocessing.get_context("spawn")
    counter = context.Value("i", 0)
    pool = ProcessPoolExecutor(
        workers - 1, mp_context=context, initializer=_start_worker, initargs=(pieces, counter)
    )
    done: dict[int, list[bytes]] = {}
    try:
        futures = [pool.submit(_worker_pieces) for _ in range(workers - 1)]
        done = _take_pieces(pieces, counter, _Renderer())
        for future in futures:
            if len(done) < len(pieces) or future.done():
                done.update(future.result())
    except BaseException:
        with counter.get_lock():  # on failure, the workers take no further piece
            counter.value = len(pieces)
        raise
    finally:
        # Workers still starting find no piece left and stop by themselves.
        pool.shutdown(wait=len(done) < len(pieces), cancel_futures=True)
    return [pdf for index in range(len(pieces)) for pdf in done[index]]


def render_certificates(contents: Sequence[CertificateContent], workers: int | None = None) -> list[bytes]:
    """Render many certificates and return one PDF per certificate, in order.

    Each PDF is the same standalone file ``render_certificate`` makes: only its own page, its own
    metadata and a font subset of its own glyphs. The stylesheet and fonts are loaded once per process;
    layout and PDF writing are per certificate.

    ``workers`` is how many processes share the batch (this one included). By default, batches of
    ``PARALLEL_MIN`` certificates or more use every CPU; smaller ones, or ``workers=1``, stay in this
    process, BATCH_SIZE certificates per WeasyPrint document. A program that starts ``render_certificates``
    from its main module must guard it with ``if __name__ == "__main__":`` (the workers import that module).
    """
    contents = list(contents)
    if workers is None:
        workers = (os.cpu_count() or 1) if len(contents) >= PARALLEL_MIN else 1
    workers = max(1, min(workers, -(-len(contents) // CHUNK_SIZE)))
    if workers > 1:
        return _render_in_processes(contents, workers)
    pdfs: list[bytes] = []
    renderer = None
    for start in range(0, len(contents), BATCH_SIZE):
        renderer = renderer or _Renderer()
        pdfs.extend(renderer.render(contents[start : start + BATCH_SIZE]))
    return pdfs


def sha256_hex(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()
