"""Fast certificates: a fixed layer laid out once by WeasyPrint, the rest set per certificate.

Everything a batch of certificates has in common (the frame, the awarding body, the prize and edition,
the signature blocks) is laid out once by WeasyPrint from ``certificate.html``, with the certificate's
own text left out, and kept as a PDF form XObject. Each certificate is then that form plus a short
content stream drawn by ``typeset.py``: the distinction, the municipality, the project, the ceremony, the
reference block and the QR code, on the positions ``certificate.css`` gives them. The PDF is assembled
here, with a HarfBuzz subset of each font holding only that certificate's glyphs; the same content gives
the same bytes, whatever batch it comes in.

This costs a few milliseconds a certificate, against a full WeasyPrint layout, paint and font subsetting
each time (docs/benchmarks.md). ``pdf.render_reference`` still lays out the whole page with WeasyPrint: it
is the design the tests hold this renderer to, and what a certificate falls back to when its text needs a
character the shipped fonts lack.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject, StreamObject

from app.certificates import qr, typeset
from app.certificates.typeset import Drawing, Face, Line, Paragraph, Setter, Span, Style, hex_color

MM = 72 / 25.4
PAGE_WIDTH = 297 * MM
PAGE_HEIGHT = 210 * MM
MEDIA_BOX = f"[0 0 {PAGE_WIDTH:.6f} {PAGE_HEIGHT:.6f}]"

# certificate.css, :root
BLUE = hex_color("#12305f")
BLUE_SOFT = hex_color("#3c5683")
GOLD = hex_color("#b08d3c")
GOLD_DEEP = hex_color("#8a6a22")

# certificate.css, the boxes this module fills (x, top, width, height or bottom), in points.
MIDDLE = (28 * MM, 58 * MM, 241 * MM, 102 * MM)  # main / .middle, centred vertically
REFERENCE = (24 * MM, 189 * MM, 50 * MM)  # footer .reference: left, bottom, width
VERIFICATION = (223 * MM, 189 * MM, 50 * MM)  # footer .verification, text-align: right
QR_SIZE = 21 * MM
VERIFICATION_SIZE = 7  # .verification: font-size 7pt, line-height 1.3
VERIFICATION_LINE = 1.3 * VERIFICATION_SIZE

NAME_SIZES = (36, 28, 20, 16, 12)  # .organisation-name.s0 to .s4
TITLE_SIZES = (18, 15, 13, 11.5, 9.5)  # .project-title.s0 to .s4

FACES = {"regular": "Regular", "bold": "Bold", "italic": "Italic"}
# The names WeasyPrint gives the same fonts (their @font-face family), so both layers name them alike.
PDF_NAMES = {
    "regular": "Certificate-Serif",
    "bold": "Certificate-Serif-Bold",
    "italic": "Certificate-Serif-Italic",
}
FONT_RESOURCES = {"regular": "PJR", "bold": "PJB", "italic": "PJI"}
# Fixed layers kept per process, by what they show (language, prize, edition, signatories).
FIXED_LAYERS_KEPT = 16


FONTS_DIR = Path(__file__).resolve().parent / "assets" / "fonts"
NAME_LIMITS = (24, 40, 70, 120)  # characters up to which each .organisation-name size step is used
TITLE_LIMITS = (60, 110, 170, 320)


def size_step(text: str, limits: Sequence[int]) -> int:
    """Pick a type size step so that long text still fits on the one page."""
    return next((step for step, limit in enumerate(limits) if len(text) <= limit), len(limits))


@cache
def setter() -> Setter:
    return Setter(
        {key: Face(FONTS_DIR / f"NotoSerif-{suffix}.ttf", PDF_NAMES[key]) for key, suffix in FACES.items()}
    )


# ---------------------------------------------------------------------------------------------------
# What each certificate says, as paragraphs with the styles of certificate.css


def _say(
    texts: dict[str, list[str]], key: str, style: Style, fr_style: Style, sep_style: Style
) -> list[Span]:
    """The template's ``say`` macro: one text, or English · French with the French in italics."""
    versions = texts[key]
    if len(versions) == 1 or versions[0] == versions[1]:
        return [Span(versions[0], style)]
    return [Span(versions[0], style), Span(" · ", sep_style), Span(versions[1], fr_style, "fr")]


def _variants(style: Style, both: bool) -> tuple[Style, Style]:
    """The styles of ``.fr`` and ``.sep`` inside a paragraph of ``style``."""
    fr = Style("italic", style.size, GOLD_DEEP, style.letter_spacing, style.uppercase)
    sep = Style(style.face, style.size, GOLD if both else style.color, style.letter_spacing, style.uppercase)
    return fr, sep


def middle_paragraphs(content, texts: dict[str, list[str]]) -> list[Paragraph]:
    """main .middle, top to bottom."""
    both = content.language == "both"

    def said(key: str, style: Style, line_height: float, margin_top: float) -> Paragraph:
        fr, sep = _variants(style, both)
        return Paragraph(tuple(_say(texts, key, style, fr, sep)), line_height, margin_top=margin_top)

    paragraphs = [
        Paragraph((Span(texts["distinction"][0], Style("bold", 32, BLUE, 0.08 * 32, True)),), 1.1 * 32),
    ]
    if len(texts["distinction"]) > 1:
        style = Style("italic", 15, GOLD_DEEP, 0.04 * 15)
        paragraphs.append(
            Paragraph((Span(texts["distinction"][1], style, "fr"),), 1.25 * 15, margin_top=0.5 * MM)
        )
    paragraphs.append(said("given_to", Style("italic", 11, BLUE_SOFT), 1.25 * 11, 3 * MM))
    name_size = NAME_SIZES[size_step(content.organisation_name, NAME_LIMITS)]
    paragraphs.append(
        Paragraph(
            (Span(content.organisation_name, Style("bold", name_size, BLUE)),),
            1.12 * name_size,
            margin_top=1 * MM,
        )
    )
    paragraphs.append(
        said("organisation", Style("regular", 10, BLUE_SOFT, 0.12 * 10, True), 1.25 * 10, 1.5 * MM)
    )
    if content.project_title:
        paragraphs.append(said("project_intro", Style("italic", 11, BLUE_SOFT), 1.25 * 11, 3 * MM))
        title_size = TITLE_SIZES[size_step(content.project_title, TITLE_LIMITS)]
        paragraphs.append(
            Paragraph(
                (Span(texts["project_title"][0], Style("italic", title_size, BLUE), content.languages[0]),),
                1.25 * title_size,
                margin_top=1 * MM,
                margin_x=8 * MM,
            )
        )
    paragraphs.append(said("ceremony", Style("regular", 11, BLUE), 1.25 * 11, 4 * MM))
    return paragraphs


def reference_paragraphs(content, texts: dict[str, list[str]]) -> list[Paragraph]:
    """footer .reference, top to bottom."""
    style = Style("regular", 7.5, BLUE_SOFT)
    fr, sep = _variants(style, content.language == "both")
    line_height = 1.35 * 7.5

    def said(key: str) -> Paragraph:
        return Paragraph(tuple(_say(texts, key, style, fr, sep)), line_height, align="left")

    paragraphs = []
    if content.reference:
        code = Style("bold", 7.5, BLUE, 0.04 * 7.5)
        paragraphs += [
            said("reference"),
            Paragraph((Span(content.reference, code),), line_height, align="left"),
        ]
    if "place" in texts:
        paragraphs.append(said("place"))
    paragraphs.append(said("issued"))
    return paragraphs


def verification_paragraphs(content, texts: dict[str, list[str]]) -> list[Paragraph]:
    """footer .verification below the QR code, top to bottom."""
    style = Style("regular", VERIFICATION_SIZE, BLUE_SOFT)
    fr, sep = _variants(style, content.language == "both")
    line_height = VERIFICATION_LINE
    code = Span(content.verification_code, Style("bold", VERIFICATION_SIZE, BLUE))
    return [
        Paragraph(tuple(_say(texts, "verify", style, fr, sep)), line_height, align="right"),
        Paragraph((Span(content.verification_url, style),), line_height, align="right"),
        Paragraph((*_say(texts, "code", style, fr, sep), Span(" ", style), code), line_height, align="right"),
    ]


# ---------------------------------------------------------------------------------------------------
# Placing the paragraphs


@dataclass
class _Block:
    paragraph: Paragraph
    lines: list[Line]
    top: float  # of the first line box, margin excluded

    @property
    def height(self) -> float:
        return len(self.lines) * self.paragraph.line_height


def _stack(paragraphs: Sequence[Paragraph], width: float, set_lines) -> tuple[list[_Block], float]:
    """Lay blocks one under the other from 0; return them and the height of the stack."""
    blocks, y = [], 0.0
    for paragraph in paragraphs:
        y += paragraph.margin_top
        block = _Block(paragraph, set_lines(paragraph, width), y)
        blocks.append(block)
        y += block.height
    return blocks, y


def _baseline(face: Face, size: float, line_height: float) -> float:
    """From the top of a line box to its baseline: CSS half-leading around the font's ascent and descent."""
    return (line_height - (face.ascent + face.descent) * size) / 2 + face.ascent * size


def _draw_blocks(drawing: Drawing, blocks: Sequence[_Block], x: float, width: float, top: float) -> None:
    faces = drawing.faces
    for block in blocks:
        paragraph = block.paragraph
        strut = paragraph.spans[0].style
        baseline = _baseline(faces[strut.face], strut.size, paragraph.line_height)
        inner_x = x + paragraph.margin_x
        inner_width = width - 2 * paragraph.margin_x
        for number, line in enumerate(block.lines):
            if paragraph.align == "center":
                start = inner_x + (inner_width - line.width) / 2
            elif paragraph.align == "right":
                start = inner_x + inner_width - line.width
            else:
                start = inner_x
            line_top = top + block.top + number * paragraph.line_height
            drawing.text_line(line, start, line_top + baseline, FONT_RESOURCES)


def _qr_modules(url: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The verification QR code's size in modules and its dark runs: (row, first column, length)."""
    matrix = qr.matrix(url)
    runs = []
    for row_number, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if row[column]:
                start = column
                while column < len(row) and row[column]:
                    column += 1
                runs.append((row_number, start, column - start))
            else:
                column += 1
    return len(matrix), runs


@dataclass(frozen=True)
class Overlay:
    """A certificate's own text as paragraphs, box by box, and its verification URL."""

    middle: list[Paragraph]
    reference: list[Paragraph]
    verification: list[Paragraph]
    url: str

    @classmethod
    def of(cls, content, texts: dict[str, list[str]]) -> Overlay:
        return cls(
            middle_paragraphs(content, texts),
            reference_paragraphs(content, texts),
            verification_paragraphs(content, texts),
            content.verification_url,
        )

    @property
    def spans(self) -> list[Span]:
        paragraphs = self.middle + self.reference + self.verification
        return [span for paragraph in paragraphs for span in paragraph.spans]


def overlay(text: Overlay, drawing: Drawing, setter: Setter) -> None:
    """Draw everything on a certificate that the fixed layer leaves out."""
    # main .middle: a table cell of fixed height, its content centred vertically.
    x, top, width, height = MIDDLE
    blocks, stacked = _stack(text.middle, width, setter.lines)
    _draw_blocks(drawing, blocks, x, width, top + max(0.0, (height - stacked) / 2))
    # footer .reference: bottom-aligned on the footer's bottom edge.
    x, bottom, width = REFERENCE
    blocks, stacked = _stack(text.reference, width, setter.lines)
    _draw_blocks(drawing, blocks, x, width, bottom - stacked)
    # footer .verification: the QR code's line, then the text, bottom-aligned.
    x, bottom, width = VERIFICATION
    blocks, stacked = _stack(text.verification, width, setter.lines)
    below_baseline = VERIFICATION_LINE - _baseline(
        setter.faces["regular"], VERIFICATION_SIZE, VERIFICATION_LINE
    )
    qr_line = QR_SIZE + below_baseline  # an inline SVG sits on the baseline of its line box
    qr_top = bottom - stacked - qr_line
    drawing.modules(*_qr_modules(text.url), x + width - QR_SIZE, qr_top, QR_SIZE, BLUE)
    _draw_blocks(drawing, blocks, x, width, qr_top + qr_line)


# ---------------------------------------------------------------------------------------------------
# The fixed layer: WeasyPrint's page without the certificate's own text

FIRST_FIXED_OBJECT = 4  # 1 catalog, 2 pages, 3 page


@dataclass(frozen=True)
class FixedLayer:
    """WeasyPrint's page as serialized objects numbered from FIRST_FIXED_OBJECT.

    The first object is the page's content, wrapped in ``q``/``Q``; ``resources`` are the entries of
    the page's resource dictionary but its fonts, ``fonts`` the entries of its font dictionary. The layer
    goes on the page itself, not in a form XObject: every PDF reader then finds its text.
    """

    objects: tuple[bytes, ...]
    resources: str
    fonts: str

    @property
    def next_number(self) -> int:
        return FIRST_FIXED_OBJECT + len(self.objects)


def fixed_key(content) -> tuple:
    return (
        content.language,
        content.prize_name,
        content.edition_name,
        content.edition_year,
        content.signatories,
    )


def fixed_layer_from_pdf(pdf_bytes: bytes) -> FixedLayer:
    """Take WeasyPrint's one-page PDF apart: its content and the objects its resources need."""
    page = PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    contents = page["/Contents"].get_object()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    data = b"".join(stream.get_object().get_data() for stream in streams)
    resources = page["/Resources"].get_object()

    numbers: dict[int, int] = {}
    order: list[IndirectObject] = []

    def collect(value) -> None:
        if isinstance(value, IndirectObject):
            if value.idnum in numbers:
                return
            numbers[value.idnum] = FIRST_FIXED_OBJECT + 1 + len(order)
            order.append(value)
            collect(value.get_object())
        elif isinstance(value, dict):
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    collect(resources)
    packed = typeset.compress(b"q\n" + data + b"\nQ\n")
    objects = [_object(FIRST_FIXED_OBJECT, b"<< /Filter /FlateDecode /Length %d >>" % len(packed), packed)]
    for reference in order:
        value = reference.get_object()
        number = numbers[reference.idnum]
        if isinstance(value, StreamObject):
            header = {key: item for key, item in value.items() if key != "/Length"}
            raw = value._data  # as stored: still encoded with the filters its dictionary names
            dictionary = _dump(header, numbers)[:-2] + f" /Length {len(raw)} >>"
            objects.append(_object(number, dictionary.encode("latin-1"), raw))
        else:
            objects.append(_object(number, _dump(value, numbers).encode("latin-1")))
    fonts = resources.get("/Font", {})
    fonts = fonts.get_object() if isinstance(fonts, IndirectObject) else fonts
    return FixedLayer(
        tuple(objects),
        resources=" ".join(
            f"{_dump_leaf(key)} {_dump(value, numbers)}" for key, value in resources.items() if key != "/Font"
        ),
        fonts=" ".join(f"{_dump_leaf(key)} {_dump(value, numbers)}" for key, value in fonts.items()),
    )


def _dump(value, numbers: dict[int, int]) -> str:
    """A pypdf value as PDF syntax, references renumbered."""
    if isinstance(value, IndirectObject):
        return f"{numbers[value.idnum]} 0 R"
    if isinstance(value, dict):
        items = " ".join(f"{_dump_leaf(key)} {_dump(item, numbers)}" for key, item in value.items())
        return f"<< {items} >>"
    if isinstance(value, list):
        return "[" + " ".join(_dump(item, numbers) for item in value) + "]"
    return _dump_leaf(value)


def _dump_leaf(value) -> str:
    buffer = io.BytesIO()
    value.write_to_stream(buffer)
    return buffer.getvalue().decode("latin-1")


def _object(number: int, dictionary: bytes, stream: bytes | None = None) -> bytes:
    body = dictionary if stream is None else dictionary + b"\nstream\n" + stream + b"\nendstream"
    return b"%d 0 obj\n%s\nendobj\n" % (number, body)


class FixedLayers:
    """The fixed layers of recent editions, made on first use and kept per process (thread-safe).

    ``make`` lays out a list of certificates' fixed layers with WeasyPrint and returns one PDF each: the
    layers a batch lacks are made together, in one document.
    """

    def __init__(self, make) -> None:
        self._make = make
        self._layers: OrderedDict[tuple, FixedLayer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, contents: Sequence) -> list[FixedLayer]:
        """The fixed layer of each certificate, in order."""
        with self._lock:
            missing = {}
            for content in contents:
                key = fixed_key(content)
                if key not in self._layers:
                    missing.setdefault(key, content)
            made = self._make(list(missing.values())) if missing else []
            for key, pdf_bytes in zip(missing, made, strict=True):
                self._layers[key] = fixed_layer_from_pdf(pdf_bytes)
            layers = [self._layers[fixed_key(content)] for content in contents]
            for key in {fixed_key(content) for content in contents}:
                self._layers.move_to_end(key)
            while len(self._layers) > max(FIXED_LAYERS_KEPT, len(missing)):
                self._layers.popitem(last=False)
            return layers

    def clear(self) -> None:
        with self._lock:
            self._layers.clear()


# ---------------------------------------------------------------------------------------------------
# The certificate's PDF


def assemble(layer: FixedLayer, drawing: Drawing, metadata: dict[str, str], language: str) -> bytes:
    """One standalone PDF: the fixed layer, the drawing over it, subsets of the fonts the drawing used."""
    number = layer.next_number
    objects: list[bytes] = []
    font_entries = []
    glyph_ids: dict[str, dict[int, int]] = {}
    for key in ("regular", "bold", "italic"):
        used = drawing.used.get(key)
        if not used:
            continue
        font_objects, glyph_ids[key] = _font_objects(drawing.faces[key], used, number)
        font_entries.append(f"/{FONT_RESOURCES[key]} {number} 0 R")
        objects += font_objects
        number += len(font_objects)
    content = typeset.compress(drawing.content(glyph_ids))
    content_number, info_number = number, number + 1
    objects.append(_object(content_number, b"<< /Filter /FlateDecode /Length %d >>" % len(content), content))
    info = " ".join(f"/{key} {_text(value)}" for key, value in metadata.items())
    objects.append(_object(info_number, f"<< {info} >>".encode("ascii")))
    head = [
        _object(1, f"<< /Type /Catalog /Pages 2 0 R /Lang {_text(language)} >>".encode("ascii")),
        _object(2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
        _object(
            3,
            (
                f"<< /Type /Page /Parent 2 0 R /MediaBox {MEDIA_BOX} /TrimBox {MEDIA_BOX}"
                f" /BleedBox {MEDIA_BOX} /Resources << {layer.resources}"
                f" /Font << {layer.fonts} {' '.join(font_entries)} >> >>"
                f" /Contents [{FIRST_FIXED_OBJECT} 0 R {content_number} 0 R] >>"
            ).encode("latin-1"),
        ),
    ]
    return _file([*head, *layer.objects, *objects], info_number)


def _file(objects: Sequence[bytes], info_number: int) -> bytes:
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for item in objects:
        offsets.append(len(output))
        output += item
    identifier = hashlib.md5(bytes(output), usedforsecurity=False).hexdigest()
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info_number} 0 R"
        f" /ID [<{identifier}> <{identifier}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return bytes(output)


def _font_objects(face: Face, used: dict[int, str], first: int) -> tuple[list[bytes], dict[int, int]]:
    """Type 0 font, CID font, descriptor, embedded subset and ToUnicode map, numbered from ``first``.

    Also returns the subset's id of each glyph, which the content stream shows (CID = glyph id).
    """
    glyphs = sorted(used)
    name = f"{typeset.subset_tag(face.pdf_name, glyphs)}+{face.pdf_name}"
    descendant, descriptor, program, to_unicode = first + 1, first + 2, first + 3, first + 4
    font_file, new_ids = face.subset(glyphs)
    widths = " ".join(f"{new_ids[glyph]} [{round(face.advance(glyph) * 1000)}]" for glyph in glyphs)
    packed = typeset.compress(font_file)
    bbox = " ".join(map(str, face.bbox))
    cmap = typeset.compress(_to_unicode({new_ids[glyph]: text for glyph, text in used.items()}))
    objects = [
        _object(
            first,
            (
                f"<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H"
                f" /DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>"
            ).encode("ascii"),
        ),
        _object(
            descendant,
            (
                f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name}"
                " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                f" /FontDescriptor {descriptor} 0 R /W [{widths}] /CIDToGIDMap /Identity >>"
            ).encode("ascii"),
        ),
        _object(
            descriptor,
            (
                f"<< /Type /FontDescriptor /FontName /{name} /Flags 4 /FontBBox [{bbox}]"
                f" /ItalicAngle {typeset._n(face.italic_angle)} /Ascent {round(face.ascent * 1000)}"
                f" /Descent {-round(face.descent * 1000)} /CapHeight {round(face.ascent * 1000)} /StemV 80"
                f" /FontFile2 {program} 0 R >>"
            ).encode("ascii"),
        ),
        _object(
            program,
            b"<< /Filter /FlateDecode /Length %d /Length1 %d >>" % (len(packed), len(font_file)),
            packed,
        ),
        _object(to_unicode, b"<< /Filter /FlateDecode /Length %d >>" % len(cmap), cmap),
    ]
    return objects, new_ids


def _to_unicode(used: dict[int, str]) -> bytes:
    """The ToUnicode CMap that gives a text layer back its characters (PDF 32000-1, 9.10.3)."""
    entries = [(glyph, text) for glyph, text in sorted(used.items()) if text]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>" for glyph, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _text(value: str) -> str:
    """A PDF text string: literal when ASCII, UTF-16 with a byte order mark otherwise."""
    if value.isascii():
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped})"
    return "<feff" + value.encode("utf-16-be").hex() + ">"
