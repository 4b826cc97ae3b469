"""The verification QR code, the same symbol segno makes, in less than half the time.

``segno.make(url, error="m")`` spends most of its time choosing the data mask: it applies each of the
eight masks and scores the result (ISO/IEC 18004:2015, 7.8.3) module by module in Python. Here segno
builds the symbol once with mask 0, the mask is taken off again, and the eight candidates are scored
with rows and columns held as strings and integers, by the same rules and with segno's own details
(which 1:1:3:1:1 patterns count, ties going to the lower mask). If another mask wins, it is applied here
and segno writes the format information for it. ``tests/certificates/test_qr.py`` checks that the result
is segno's own symbol, module for module.
"""

from __future__ import annotations

import re
from functools import cache

import segno
from segno import consts, encoder

ERROR_LEVEL = "m"
MASKS = (
    lambda i, j: (i + j) % 2 == 0,
    lambda i, j: i % 2 == 0,
    lambda i, j: j % 3 == 0,
    lambda i, j: (i + j) % 3 == 0,
    lambda i, j: (i // 2 + j // 3) % 2 == 0,
    lambda i, j: (i * j) % 2 + (i * j) % 3 == 0,
    lambda i, j: ((i * j) % 2 + (i * j) % 3) % 2 == 0,
    lambda i, j: ((i + j) % 2 + (i * j) % 3) % 2 == 0,
)
_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = "1011101"


def matrix(url: str) -> tuple[tuple[int, ...], ...]:
    """The modules of the QR code of ``url``, 1 for dark, row 0 on top, without the quiet zone."""
    symbol = segno.make(url, error=ERROR_LEVEL, mask=0)
    size = len(symbol.matrix)
    if size < 21:  # a Micro QR code: not worth the trouble, segno scores those itself
        return _modules(segno.make(url, error=ERROR_LEVEL).matrix)
    region, fixed, patterns = _layout(size)
    # The data before masking, with the format and version areas light, as segno scores them.
    data = [(_bits(row) & region[i]) ^ patterns[0][i] | fixed[i] for i, row in enumerate(symbol.matrix)]
    candidates = [[row ^ pattern[i] for i, row in enumerate(data)] for pattern in patterns]
    scores = [_penalty(candidate, size) for candidate in candidates]
    best = scores.index(min(scores))
    if not best:
        return _modules(symbol.matrix)
    chosen = tuple(bytearray(int(bit) for bit in format(row, f"0{size}b")) for row in candidates[best])
    encoder.add_format_info(chosen, symbol.version, consts.ERROR_MAPPING[symbol.error], best)
    encoder.add_version_info(chosen, symbol.version)
    return _modules(chosen)


def _modules(rows) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(1 if value else 0 for value in row) for row in rows)


@cache
def _layout(size: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Per row, as bit masks: the encoding region, the dark modules of the finder, alignment and timing
    patterns (format areas light), and each data mask within the encoding region.

    The dark module beside the lower format area is added with the format, after the mask is chosen: it
    is outside the region and light here.
    """
    function = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(function, size, size)
    encoder.add_alignment_patterns(function, size, size)
    fixed = tuple(_bits(value == 0x1 for value in row) for row in function)
    function[-8][8] = 0x1
    region = tuple(_bits(value > 0x1 for value in row) for row in function)
    patterns = tuple(
        tuple(_bits(function[i][j] > 0x1 and mask(i, j) for j in range(size)) for i in range(size))
        for mask in MASKS
    )
    return region, fixed, patterns


def _bits(values) -> int:
    """Booleans, first one as the highest bit."""
    result = 0
    for value in values:
        result = result << 1 | bool(value)
    return result


def _penalty(rows: list[int], size: int) -> int:
    """N1 + N2 + N3 + N4 of ISO/IEC 18004:2015, 7.8.3.1, computed as segno computes them."""
    lines = [format(row, f"0{size}b") for row in rows]
    columns = ["".join(column) for column in zip(*lines, strict=True)]
    # A separator that is neither colour keeps runs from joining across lines.
    n1 = sum(len(run) - 2 for run in _RUNS.findall("2".join(lines + columns)))
    full = (1 << size) - 1
    pairs = (1 << (size - 1)) - 1
    n2 = 0
    for upper, lower in zip(rows, rows[1:], strict=False):
        dark = upper & (upper >> 1) & lower & (lower >> 1) & pairs
        light = ~upper & full
        light_lower = ~lower & full
        light = light & (light >> 1) & light_lower & (light_lower >> 1) & pairs
        n2 += 3 * (dark.bit_count() + light.bit_count())
    n3 = sum(_finder_like(line, size) for line in lines + columns if _FINDER_LIKE in line)
    dark_share = sum(row.bit_count() for row in rows) / size**2
    n4 = 10 * int(abs(dark_share * 100 - 50) / 5)
    return n1 + n2 + n3 + n4


def _finder_like(line: str, size: int) -> int:
    """segno's count of 1:1:3:1:1 patterns with four light modules on one side (40 points each)."""
    count = 0
    index = line.find(_FINDER_LIKE)
    while index != -1:
        after = index + 7
        if (
            index in (0, size - 7)
            or "1" not in line[max(index - 4, 0) : index]
            or "1" not in line[after : after + 4]
        ):
            count += 40
        else:
            after = index + 4
        index = line.find(_FINDER_LIKE, after)
    return count
