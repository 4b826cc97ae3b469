"""How a certificate looks, from plain data: the type size steps that keep long names on the page, and the
accent colour with the softer colour derived from it, held to WCAG contrast on white.

Pure: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_ACCENT = "#12305f"  # the certificate's deep blue: frame, headings, names, QR code
HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
# The organisation's name and the project's title take a smaller type size step as they grow (characters up
# to which each step of .organisation-name.s0-s4 and .project-title.s0-s4 in certificate.css is used), so
# that the longest still fit on the one page.
NAME_LIMITS = (24, 40, 70, 120)
TITLE_LIMITS = (60, 110, 170, 320)
# WCAG 2.1 AA contrast for text: the accent colour is the colour of the certificate's main text.
MIN_CONTRAST = 4.5


def size_step(text: str, limits: Sequence[int]) -> int:
    """The type size step for a text of this length: 0 for the shortest, len(limits) past the last."""
    return next((step for step, limit in enumerate(limits) if len(text) <= limit), len(limits))


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    linear = [
        (c / 255 / 12.92) if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
        for c in _channels(colour)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(colour: str) -> float:
    """The WCAG contrast ratio of a #rrggbb colour on white, from 1 to 21."""
    return 1.05 / (_luminance(colour) + 0.05)


def soft_colour(accent: str) -> str:
    """The accent lightened for secondary text (today's #3c5683 beside #12305f), never below AA contrast."""
    for share in (0.2, 0.15, 0.1, 0.05, 0.0):
        mixed = "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in _channels(accent))
        if contrast_on_white(mixed) >= MIN_CONTRAST:
            return mixed
    return accent
