"""A small line setter for the text that differs from one certificate to the next.

WeasyPrint lays out the parts of a certificate that a whole batch shares (see ``stamp.py``). The names,
titles, references and codes are set here instead, in a few microseconds each: HarfBuzz shapes each run
of text with the same shipped fonts (so kerning and ligatures are those Pango gives WeasyPrint), lines
break greedily at spaces and after dashes, and a word wider than its box breaks between letters, like
``overflow-wrap: anywhere``. The result is PDF content-stream operators and the glyphs each font used.

Lengths are PDF points; ``y`` grows downwards from the top of the page until ``Drawing`` flips it.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import uharfbuzz as hb

# Where a line may break: after a space, a hyphen or a dash (UAX #14 classes BA and B2), and after a slash,
# as in the verification URL.
BREAK_AFTER = frozenset(" \u2010\u2012\u2013\u2014-/")
SPACES = frozenset(" ")
# Letter-spaced text is set without ligatures, as CSS asks and Pango does.
NO_LIGATURES = {"liga": False, "clig": False, "dlig": False, "hlig": False}
_WHITE_SPACE = re.compile("[ \t\n\r\f]+")


class Face:
    """One shipped TrueType font: shaping, coverage, metrics and per-document subsets."""

    def __init__(self, path: Path, pdf_name: str) -> None:
        self.pdf_name = pdf_name
        self.face = hb.Face(hb.Blob.from_file_path(str(path)))
        self.font = hb.Font(self.face)
        self.upem = self.face.upem
        extents = self.font.get_font_extents("ltr")
        self.ascent = extents.ascender / self.upem  # per unit of font size
        self.descent = -extents.descender / self.upem
        self.unicodes = frozenset(self.face.unicodes)

    def covers(self, text: str) -> bool:
        return all(ord(character) in self.unicodes for character in text if character not in "\n\t")

    def shape(
        self, text: str, language: str, ligatures: bool = True
    ) -> list[tuple[int, int, float, float, float]]:
        """(glyph, cluster, x advance, x offset, y offset) per glyph, in units of the font size."""
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        buffer.language = language
        hb.shape(self.font, buffer, {} if ligatures else NO_LIGATURES)
        scale = 1 / self.upem
        return [
            (info.codepoint, info.cluster, pos.x_advance * scale, pos.x_offset * scale, pos.y_offset * scale)
            for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True)
        ]

    def advance(self, glyph: int) -> float:
        return self.font.get_glyph_h_advance(glyph) / self.upem

    @cached_property
    def bbox(self) -> tuple[int, int, int, int]:
        head = self.face.reference_table("head").data
        values = [
            int.from_bytes(head[offset : offset + 2], "big", signed=True) for offset in (36, 38, 40, 42)
        ]
        return tuple(round(value * 1000 / self.upem) for value in values)

    @cached_property
    def italic_angle(self) -> float:
        post = self.face.reference_table("post").data
        return int.from_bytes(post[4:8], "big", signed=True) / 65536

    def subset(self, glyphs: Iterable[int]) -> tuple[bytes, dict[int, int]]:
        """The font with only ``glyphs`` (and .notdef), without the layout tables a PDF does not use.

        Returns the font file and the new id of each glyph.
        """
        request = hb.SubsetInput()
        request.glyph_set.update({0, *glyphs})
        request.flags = hb.SubsetFlags.NO_HINTING  # as WeasyPrint does: smaller, and printing needs none
        for tag in (b"GSUB", b"GPOS", b"GDEF", b"BASE", b"JSTF", b"MATH", b"DSIG"):
            request.drop_table_tag_set.add(int.from_bytes(tag, "big"))
        plan = hb.SubsetPlan(self.face, request)
        mapping = plan.old_to_new_glyph_mapping
        return plan.execute().blob.data, {glyph: mapping[glyph] for glyph in glyphs}


@dataclass(frozen=True)
class Style:
    face: str  # key of a Face: "regular", "bold" or "italic"
    size: float
    color: tuple[float, float, float]
    letter_spacing: float = 0.0
    uppercase: bool = False


@dataclass(frozen=True)
class Span:
    text: str
    style: Style
    language: str = "en"


@dataclass(frozen=True)
class Paragraph:
    """A block of one or more lines, set in the width ``Setter.lines`` is given."""

    spans: tuple[Span, ...]
    line_height: float  # in points
    align: str = "center"  # "left", "center" or "right"
    margin_top: float = 0.0
    margin_x: float = 0.0  # on each side, inside the box it is laid out in


@dataclass(frozen=True)
class _Glyph:
    glyph: int
    text: str  # the characters this glyph stands for ("" for the rest of a cluster)
    advance: float  # points, letter spacing included
    offset: float  # points: where the glyph is drawn from the pen, x
    rise: float  # points, y
    style: Style
    space: bool
    break_after: bool


class Line:
    """Glyphs set on one line; its width leaves out the spaces it ends with."""

    __slots__ = ("glyphs", "width")

    def __init__(self, glyphs: Sequence[_Glyph]) -> None:
        self.glyphs = tuple(glyphs)
        end = len(self.glyphs)
        while end and self.glyphs[end - 1].space:
            end -= 1
        self.width = sum(glyph.advance for glyph in self.glyphs[:end])


class Setter:
    """Sets paragraphs in boxes with a fixed set of faces; safe to reuse for a whole batch.

    Most paragraphs of a batch are the same from one certificate to the next (the wording, the dates), so
    shaped spans and broken lines are kept for reuse.
    """

    def __init__(self, faces: dict[str, Face], kept: int = 2048) -> None:
        self.faces = faces
        self.glyphs = lru_cache(maxsize=kept)(self._glyphs)
        self.lines = lru_cache(maxsize=kept)(self._lines)

    def covers(self, spans: Iterable[Span]) -> bool:
        return all(self.faces[span.style.face].covers(_cased(span)) for span in spans)

    def _glyphs(self, span: Span) -> tuple[_Glyph, ...]:
        face = self.faces[span.style.face]
        text = _cased(span)
        style = span.style
        shaped = face.shape(text, span.language, ligatures=not style.letter_spacing)
        result = []
        starts = sorted({cluster for _, cluster, *_ in shaped}) + [len(text)]
        ends = dict(zip(starts, starts[1:], strict=False))
        for index, (glyph, cluster, advance, x_offset, y_offset) in enumerate(shaped):
            first = index == 0 or shaped[index - 1][1] != cluster
            last = index + 1 == len(shaped) or shaped[index + 1][1] != cluster
            characters = text[cluster : ends[cluster]] if first else ""
            spacing = style.letter_spacing if last else 0.0
            result.append(
                _Glyph(
                    glyph=glyph,
                    text=characters,
                    advance=advance * style.size + spacing,
                    offset=x_offset * style.size,
                    rise=y_offset * style.size,
                    style=style,
                    space=bool(characters) and characters in SPACES,
                    break_after=last and text[ends[cluster] - 1] in BREAK_AFTER,
                )
            )
        return tuple(result)

    def _lines(self, paragraph: Paragraph, width: float) -> tuple[Line, ...]:
        """Break a paragraph into lines no wider than ``width`` (a longer word breaks anywhere)."""
        width -= 2 * paragraph.margin_x
        glyphs = [glyph for span in _collapsed(paragraph.spans) for glyph in self.glyphs(span)]
        words: list[list[_Glyph]] = [[]]
        for glyph in glyphs:
            words[-1].append(glyph)
            if glyph.break_after:
                words.append([])

        def fits(candidate: list[_Glyph]) -> bool:
            return Line(candidate).width <= width + 1e-6

        lines: list[Line] = []
        line: list[_Glyph] = []
        for word in filter(None, words):
            if fits(line + word):
                line += word
                continue
            if line:
                lines.append(Line(line))
                line = []
            word = word[next((i for i, glyph in enumerate(word) if not glyph.space), len(word)) :]
            if fits(word):
                line = word
                continue
            for glyph in word:  # alone and still too wide: break between letters
                if line and not glyph.space and not fits(line + [glyph]):
                    lines.append(Line(line))
                    line = []
                line.append(glyph)
        lines.append(Line(line))
        return tuple(lines)


def _collapsed(spans: Sequence[Span]) -> list[Span]:
    """Spaces as CSS ``white-space: normal`` leaves them: runs made one, none at either end.

    Only the document white space collapses; a no-break space, narrow or not, is a letter like any other.
    """
    result: list[Span] = []
    after_space = True
    for span in spans:
        text = _WHITE_SPACE.sub(" ", span.text)
        if after_space:
            text = text.lstrip(" ")
        if text:
            result.append(Span(text, span.style, span.language))
            after_space = text.endswith(" ")
    if result and result[-1].text.endswith(" "):
        last = result[-1]
        result[-1] = Span(last.text.rstrip(" "), last.style, last.language)
    return [span for span in result if span.text]


def _cased(span: Span) -> str:
    return span.text.upper() if span.style.uppercase else span.text


class Drawing:
    """Content-stream operators for one page, and the glyphs used per face (for the subsets).

    Shown text keeps the fonts' own glyph ids until ``content`` is given each subset's new ids.
    """

    def __init__(self, faces: dict[str, Face], page_height: float) -> None:
        self.faces = faces
        self.page_height = page_height
        self.operators: list[str | tuple[str, list[int | float]]] = []
        self.used: dict[str, dict[int, str]] = {}

    def text_line(self, line: Line, x: float, baseline: float, resources: dict[str, str]) -> None:
        """Draw a line whose pen starts at ``x`` on ``baseline`` (both from the top-left corner)."""
        visible = line.glyphs
        while visible and visible[-1].space:
            visible = visible[:-1]
        self.operators.append("BT")
        pen = x
        state = None
        shown: list[int | float] = []
        for glyph in visible:
            style = glyph.style
            if (style, glyph.rise) != state:
                if shown:
                    self.operators.append((state[0].face, shown))
                    shown = []
                if state is None or state[0] != style:
                    self.operators.append(
                        f"/{resources[style.face]} {_n(style.size)} Tf {_rgb(style.color)} rg"
                    )
                place = f"1 0 0 1 {_n(pen + glyph.offset)} {_n(self.page_height - baseline + glyph.rise)} Tm"
                self.operators.append(place)
                state = (style, glyph.rise)
                viewer_pen = pen + glyph.offset
            # Where the viewer's pen is (after the font's own advance) and where this glyph goes.
            gap = pen + glyph.offset - viewer_pen
            if abs(gap) > 1e-4:
                shown.append(-gap * 1000 / style.size)
            shown.append(glyph.glyph)
            self.used.setdefault(style.face, {}).setdefault(glyph.glyph, glyph.text)
            viewer_pen = pen + glyph.offset + self.faces[style.face].advance(glyph.glyph) * style.size
            pen += glyph.advance
        if shown:
            self.operators.append((state[0].face, shown))
        self.operators.append("ET")

    def modules(self, count: int, runs, left: float, top: float, size: float, color) -> None:
        """Fill a square grid of ``count`` modules: ``runs`` are (row, first column, length), row 0 on top."""
        module = size / count
        bottom = self.page_height - top - size
        parts = [f"q {_n(module)} 0 0 {_n(module)} {_n(left)} {_n(bottom)} cm {_rgb(color)} rg"]
        parts += [f"{column} {count - 1 - row} {length} 1 re" for row, column, length in runs]
        parts.append("f Q")
        self.operators.append("\n".join(parts))

    def content(self, glyph_ids: dict[str, dict[int, int]]) -> bytes:
        """The operators, each font's glyphs renumbered as in its subset."""
        lines = []
        for operator in self.operators:
            if isinstance(operator, str):
                lines.append(operator)
                continue
            face, shown = operator
            new_ids = glyph_ids[face]
            items = (f"<{new_ids[item]:04x}>" if isinstance(item, int) else _n(item) for item in shown)
            lines.append("[" + "".join(items) + "] TJ")
        return "\n".join(lines).encode("ascii")


def _n(value: float) -> str:
    """A PDF number: at most four decimals, no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _rgb(color: tuple[float, float, float]) -> str:
    return " ".join(_n(component) for component in color)


def hex_color(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[index : index + 2], 16) / 255 for index in (0, 2, 4))


def subset_tag(face_name: str, glyphs: Iterable[int]) -> str:
    """Six capital letters naming a subset, the same for the same glyphs (PDF 32000-1, 9.6.4)."""
    digest = hashlib.sha256(face_name.encode() + b":" + ",".join(map(str, sorted(glyphs))).encode()).digest()
    return "".join(chr(ord("A") + byte % 26) for byte in digest[:6])


def compress(data: bytes) -> bytes:
    return zlib.compress(data, 6)
