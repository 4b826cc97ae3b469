"""A certificate's own text, set on the page where ``certificate.css`` puts it: the part of each
certificate that the fixed layer of ``stamp.py`` leaves out.

The distinction, the municipality, the project, the ceremony, the reference block and the verification
line with its QR code become paragraphs with the styles of ``certificate.css`` (:class:`Overlay`), which
``draw`` places in their boxes on a ``typeset.Drawing``. The page's geometry, colours and type sizes are
read off the stylesheet and written down here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.certificates import qr
from app.certificates.typeset import Drawing, Face, Line, Paragraph, Setter, Span, Style, hex_color

MM = 72 / 25.4
PAGE_WIDTH = 297 * MM
PAGE_HEIGHT = 210 * MM

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


def draw(text: Overlay, drawing: Drawing, setter: Setter) -> None:
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
