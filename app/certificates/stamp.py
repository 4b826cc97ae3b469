"""Fast certificates: a fixed layer laid out once by WeasyPrint, the rest set per certificate.

Everything a batch of certificates has in common (the frame, the awarding body, the prize and edition,
the signature blocks) is laid out once by WeasyPrint from ``certificate.html``, with the certificate's
own text left out, and kept per process (:class:`FixedLayers`). Each certificate is then that layer plus a
short content stream drawn by ``typeset.py``: the distinction, the municipality, the project, the
ceremony, the reference block and the QR code, placed by ``overlay.py`` on the positions
``certificate.css`` gives them. The PDF is assembled here (:func:`assemble`), with a HarfBuzz subset of
each font holding only that certificate's glyphs; the same content gives the same bytes, whatever batch
it comes in.

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

from pypdf import PdfReader
from pypdf.generic import ArrayObject, IndirectObject, StreamObject

from app.certificates import typeset
from app.certificates.overlay import FONT_RESOURCES, PAGE_HEIGHT, PAGE_WIDTH
from app.certificates.typeset import Drawing, Face

MEDIA_BOX = f"[0 0 {PAGE_WIDTH:.6f} {PAGE_HEIGHT:.6f}]"
# Fixed layers kept per process, by what they show (language, prize, edition, signatories).
FIXED_LAYERS_KEPT = 16

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
        content.edition_name_fr,
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
