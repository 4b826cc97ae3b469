"""How visible the keyboard focus is, measured in pixels as WCAG 2.2's focus appearance measures it.

The element and MARGIN px round it are captured unfocused and focused; the pixels whose colour changed by a
contrast ratio of 3:1 or more must add up to at least a 2 CSS px thick line round the element (twice its
perimeter). That holds whatever the background (navy navbar, white, an alert's tint, a table) and in forced
colours, where the browser replaces the page's colours.
"""

from __future__ import annotations

import io

from PIL import Image

MARGIN = 10  # px captured round the element: the ring may lie outside it


def _luminance(rgb) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _capture(page, box) -> Image.Image:
    clip = {
        "x": max(box["x"] - MARGIN, 0),
        "y": max(box["y"] - MARGIN, 0),
        "width": box["width"] + 2 * MARGIN,
        "height": box["height"] + 2 * MARGIN,
    }
    return Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")


def _pixels_changed_by_3_to_1(before: Image.Image, after: Image.Image) -> int:
    old, new = before.tobytes(), after.tobytes()
    luminance: dict[bytes, float] = {}

    def lum(pixel: bytes) -> float:
        if pixel not in luminance:
            luminance[pixel] = _luminance(pixel)
        return luminance[pixel]

    changed = 0
    for i in range(0, len(old), 3):
        a, b = old[i : i + 3], new[i : i + 3]
        if a != b:
            light, dark = sorted((lum(a), lum(b)), reverse=True)
            changed += (light + 0.05) / (dark + 0.05) >= 3
    return changed


def focus_change(page, element) -> tuple[int, float]:
    """(pixels that changed by 3:1 or more when the element took the focus, twice its perimeter)."""
    element.scroll_into_view_if_needed()
    element.evaluate("el => el.blur()")
    box = element.bounding_box()
    before = _capture(page, box)
    element.evaluate("el => el.focus()")
    assert element.evaluate("el => el.matches(':focus-visible')"), "the element does not show keyboard focus"
    after = _capture(page, box)
    changed = _pixels_changed_by_3_to_1(before, after)
    return changed, 2 * 2 * (box["width"] + box["height"])


def assert_focus_visible(page, element, what: str = "") -> None:
    changed, needed = focus_change(page, element)
    name = what or element.evaluate("el => el.textContent.trim() || el.name || el.id || el.tagName")
    assert changed >= needed, f"focus on {name!r}: {changed} pixels changed by 3:1, {needed:.0f} wanted"
