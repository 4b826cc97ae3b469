"""The verification QR code: module for module the symbol segno makes, faster."""

import segno
from hypothesis import given, settings
from hypothesis import strategies as st

from app.certificates import overlay, qr

URL_TEXT = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=0, max_size=120)


@settings(max_examples=150, deadline=None)
@given(path=URL_TEXT)
def test_matrix_is_segnos_own_symbol(path):
    url = f"https://prizejury.example.org/verify/{path}"

    assert qr.matrix(url) == tuple(tuple(row) for row in segno.make(url, error="m").matrix)


def test_matrix_of_a_large_symbol_with_version_information():
    url = "https://prizejury.example.org/verify/" + "abc123" * 40  # version 10: version blocks present

    symbol = segno.make(url, error="m")

    assert symbol.version >= 7
    assert qr.matrix(url) == tuple(tuple(row) for row in symbol.matrix)


def test_matrix_of_a_micro_symbol_is_left_to_segno():
    assert qr.matrix("1") == tuple(tuple(row) for row in segno.make("1", error="m").matrix)


def test_drawn_runs_cover_exactly_the_dark_modules():
    url = "https://prizejury.example.org/verify/q3Zx7mB2rT9kLp0aWc4dYh1e"
    size, runs = overlay._qr_modules(url)

    drawn = [[0] * size for _ in range(size)]
    for row, column, length in runs:
        for offset in range(length):
            drawn[row][column + offset] += 1

    assert tuple(map(tuple, drawn)) == qr.matrix(url)
