"""The line setter for per-certificate text: breaking, spacing, alignment and glyph bookkeeping."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.certificates import overlay
from app.certificates.typeset import Drawing, Paragraph, Span, Style

REGULAR = Style("regular", 11, (0, 0, 0))
SPACED = Style("regular", 10, (0, 0, 0), letter_spacing=1.2, uppercase=True)


@pytest.fixture(scope="module")
def setter():
    return overlay.setter()


def text_of(line) -> str:
    return "".join(glyph.text for glyph in line.glyphs).rstrip(" ")


def paragraph(*texts, style=REGULAR) -> Paragraph:
    return Paragraph(tuple(Span(text, style) for text in texts), line_height=14)


def test_short_text_is_one_line(setter):
    lines = setter.lines(paragraph("Obrnice"), 200)

    assert [text_of(line) for line in lines] == ["Obrnice"]
    assert 30 < lines[0].width < 45


def test_breaks_at_spaces_and_never_splits_a_word_that_fits(setter):
    lines = setter.lines(paragraph("Roma and non-Roma neighbours learning together"), 120)

    assert [text_of(line) for line in lines] == ["Roma and non-Roma", "neighbours learning", "together"]
    assert all(line.width <= 120 for line in lines)


def test_breaks_after_a_dash(setter):
    width = setter.lines(paragraph("Roma and non-"), 1000)[0].width + 1
    lines = setter.lines(paragraph("Roma and non-Roma neighbours"), width)

    assert text_of(lines[0]) == "Roma and non-"


def test_word_wider_than_the_box_breaks_between_letters(setter):
    lines = setter.lines(paragraph("https://prizejury.example.org/verify/q3Zx7mB2rT9kLp0aWc4dYh1e"), 100)

    assert len(lines) > 1
    assert (
        "".join(text_of(line) for line in lines)
        == "https://prizejury.example.org/verify/q3Zx7mB2rT9kLp0aWc4dYh1e"
    )
    assert all(line.width <= 100 for line in lines)


def test_white_space_collapses_but_no_break_spaces_stay(setter):
    lines = setter.lines(paragraph("  «\u202fa  \n b\u202f»  "), 500)

    assert text_of(lines[0]) == "«\u202fa b\u202f»"


def test_spans_meet_with_one_space(setter):
    lines = setter.lines(paragraph("awarded to ", " · ", " décerné à"), 500)

    assert text_of(lines[0]) == "awarded to · décerné à"


def test_letter_spacing_and_capitals(setter):
    plain = setter.lines(
        paragraph("municipality", style=Style("regular", 10, (0, 0, 0), uppercase=True)), 500
    )
    spaced = setter.lines(paragraph("municipality", style=SPACED), 500)

    assert text_of(spaced[0]) == "MUNICIPALITY"
    assert spaced[0].width == pytest.approx(plain[0].width + 12 * 1.2)


def test_no_ligature_in_letter_spaced_text(setter):
    """CSS and Pango drop ligatures once letters are spaced: "fi" stays two glyphs."""
    plain = setter.lines(paragraph("Certificat", style=Style("italic", 15, (0, 0, 0))), 500)[0]
    spaced = setter.lines(
        paragraph("Certificat", style=Style("italic", 15, (0, 0, 0), letter_spacing=0.6)), 500
    )[0]

    assert len(spaced.glyphs) == len(plain.glyphs) + 1


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüşčΗράκλειοБеоград", min_size=1, max_size=14),
        min_size=1,
        max_size=25,
    ),
    width=st.floats(min_value=60, max_value=600),
)
def test_lines_keep_every_letter_in_order_and_fit(setter, words, width):
    text = " ".join(words)

    lines = setter.lines(paragraph(text), width)

    assert " ".join(text_of(line) for line in lines).replace(" ", "") == text.replace(" ", "")
    assert all(line.width <= width + 1e-6 or len(line.glyphs) == 1 for line in lines)


def test_drawing_records_each_glyphs_text_for_the_text_layer(setter):
    drawing = Drawing(setter.faces, page_height=500)
    line = setter.lines(paragraph("Şişli"), 500)[0]

    drawing.text_line(line, 10, 20, {"regular": "R"})

    assert "".join(drawing.used["regular"][glyph.glyph] for glyph in line.glyphs) == "Şişli"
    content = drawing.content(
        {"regular": {glyph.glyph: number for number, glyph in enumerate(line.glyphs, 1)}}
    )
    assert content.startswith(b"BT\n/R 11 Tf")
    assert b"TJ" in content
