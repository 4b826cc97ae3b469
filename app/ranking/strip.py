"""Box strip charts drawn as SVG, in two layouts: no script, no library, readable without colour.

A strip chart has one row per juror (or entry), drawn from a summary of its values, never one element per
value (a row costs the same for 3 sheets or 3,000): a whisker from the lowest to the highest value, a box
from the first to the third quartile, a stroke at the median, a diamond at the marker (a mean, an
aggregate), a note on the right. Wide: the label beside its
row, 760 units (a desktop window, the jury report PDF). Compact: the label above its row, 360 units, every
text 14 units, so that drawn at 332 px or more (a 390 px phone) no text is below 12 px. Colours are SVG
presentation attributes, which the Content-Security-Policy allows (style attributes it would not), so the
same markup renders in the page and in the PDF. Every chart has a <title> and a <desc>.

Pure: the caller gives every text already translated; only markupsafe is imported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
LABEL_WIDTH = 220
NOTE_WIDTH = 150
ROW_HEIGHT = 30
TOP = 34
AXIS_HEIGHT = 44
BOX_HEIGHT = 14
LABEL_CHARS = 32
# The compact layout, shown below 992 px: 360 units drawn at 332 px or more wide (a 390 px phone), so a
# 14-unit text is at least 12.9 px.
COMPACT_WIDTH = 360
COMPACT_ROW_HEIGHT = 46
COMPACT_FONT = 14
COMPACT_LABEL_CHARS = 26
INK = "#1f2937"
MUTED = "#5b6573"
TRACK = "#d5dbe3"
BAND = "#f3f5f9"
BOX = "#c6d4e8"
BOX_EDGE = "#1d4e89"
RANGE = "#8797ad"
MARKER = "#c9a227"
HIGHLIGHT = "#0b2a5b"
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
HARSH = "#8a1c1c"
LENIENT = "#1d6b38"


@dataclass(frozen=True)
class Box:
    """Five figures summarising a row's values: lowest, first quartile, median, third quartile, highest."""

    low: float
    q1: float
    median: float
    q3: float
    high: float


@dataclass(frozen=True)
class StripRow:
    """One row of a strip chart: its label, its values' box, the marker and a note on the right."""

    label: str
    box: Box | None
    marker: float | None
    note: str = ""
    note_tone: str = ""  # "harsh", "lenient" or "" (a colour as well as the words)
    highlight: bool = False  # drawn in bold: the panel, an entry on the podium


def _ticks(low: float, high: float) -> list[float]:
    """Round tick values covering the scale, at most eleven."""
    span = high - low
    step = 10 ** math.floor(math.log10(span)) if span > 0 else 1
    while span / step > 10:
        step *= 2 if str(step)[0] == "1" else 2.5
    first = math.ceil(low / step) * step
    ticks, value = [], first
    while value <= high + 1e-9:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _tag(name: str, content: str = "", **attributes) -> Markup:
    """An SVG element; attribute names use _ for -; attribute values and plain-str content are escaped."""
    attrs = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    if not content:
        return Markup(f"<{name}{attrs}/>")  # noqa: S704  (attributes escaped above)
    return Markup(f"<{name}{attrs}>{escape(content)}</{name}>")  # noqa: S704  (content escaped unless Markup)


def strip_chart(
    rows: Sequence[StripRow],
    *,
    chart_id: str,
    title: str,
    description: str,
    scale_min: float,
    scale_max: float,
    axis_label: str,
    legend: str,
    reference: float | None = None,
    reference_label: str = "",
    font_family: str = FONT_FAMILY,
    compact: bool = False,
) -> Markup:
    """An accessible SVG strip chart; every text is escaped. `compact`: labels above their rows, 360 wide."""
    if compact:
        return _compact_strip_chart(
            rows,
            chart_id=chart_id,
            title=title,
            description=description,
            scale_min=scale_min,
            scale_max=scale_max,
            axis_label=axis_label,
            legend=legend,
            reference=reference,
            reference_label=reference_label,
            font_family=font_family,
        )
    plot_left = LABEL_WIDTH + 12
    plot_right = WIDTH - NOTE_WIDTH - 12
    span = (scale_max - scale_min) or 1.0
    bottom = TOP + ROW_HEIGHT * len(rows)
    height = bottom + AXIS_HEIGHT + 22

    def x(value: float) -> float:
        return round(plot_left + (value - scale_min) / span * (plot_right - plot_left), 2)

    parts = [
        _tag("title", title, id=f"{chart_id}-title"),
        _tag("desc", description, id=f"{chart_id}-desc"),
    ]
    for index, row in enumerate(rows):
        top = TOP + index * ROW_HEIGHT
        middle = top + ROW_HEIGHT / 2
        bold = "bold" if row.highlight else None
        if index % 2 == 0:
            parts.append(_tag("rect", x=0, y=top, width=WIDTH, height=ROW_HEIGHT, fill=BAND))
        # Bold text is wider: a highlighted label is cut shorter so that it stays inside the chart.
        limit = LABEL_CHARS - 4 if row.highlight else LABEL_CHARS
        label = _tag("title", row.label) + _shorten(row.label, limit)
        parts.append(_tag("text", label, x=LABEL_WIDTH, y=middle + 4.5, text_anchor="end", font_weight=bold))
        parts.extend(_strip(row, middle, x, plot_left, plot_right))
        if row.note:
            colour = {"harsh": HARSH, "lenient": LENIENT}.get(row.note_tone, MUTED)
            parts.append(
                _tag("text", row.note, x=plot_right + 14, y=middle + 4.5, fill=colour, font_weight=bold)
            )
    if reference is not None and rows:
        rx = x(reference)
        parts.append(_reference_line(rx, TOP - 6, bottom))
        parts.append(
            _tag(
                "text",
                reference_label,
                x=rx,
                y=TOP - 12,
                text_anchor="middle",
                font_size=12,
                fill=HIGHLIGHT,
            )
        )
    parts.append(_tag("line", x1=plot_left, y1=bottom, x2=plot_right, y2=bottom, stroke=MUTED))
    for tick in _ticks(scale_min, scale_max):
        tx = x(tick)
        parts.append(_tag("line", x1=tx, y1=bottom, x2=tx, y2=bottom + 5, stroke=MUTED))
        parts.append(
            _tag("text", f"{tick:g}", x=tx, y=bottom + 19, text_anchor="middle", font_size=12, fill=MUTED)
        )
    middle_x = (plot_left + plot_right) / 2
    parts.append(
        _tag(
            "text",
            axis_label,
            x=middle_x,
            y=bottom + 36,
            text_anchor="middle",
            font_size=12,
            fill=MUTED,
        )
    )
    parts.append(_tag("text", legend, x=8, y=height - 6, font_size=12, fill=MUTED))
    return _svg(parts, "chart-wide", chart_id, WIDTH, height, font_family, font_size=13)


def _compact_strip_chart(
    rows: Sequence[StripRow],
    *,
    chart_id: str,
    title: str,
    description: str,
    scale_min: float,
    scale_max: float,
    axis_label: str,
    legend: str,
    reference: float | None,
    reference_label: str,
    font_family: str,
) -> Markup:
    """The phone layout: each row's label and note on a line of their own, the strip under them."""
    width, row_height, font = COMPACT_WIDTH, COMPACT_ROW_HEIGHT, COMPACT_FONT
    plot_left, plot_right = 14, width - 14
    span = (scale_max - scale_min) or 1.0
    top = 30 if reference is not None else 8
    bottom = top + row_height * len(rows)
    legend_lines = _wrap(legend, 44)
    height = bottom + 46 + 18 * len(legend_lines)

    def x(value: float) -> float:
        return round(plot_left + (value - scale_min) / span * (plot_right - plot_left), 2)

    parts = [
        _tag("title", title, id=f"{chart_id}-title"),
        _tag("desc", description, id=f"{chart_id}-desc"),
    ]
    for index, row in enumerate(rows):
        row_top = top + index * row_height
        middle = row_top + row_height - 13
        bold = "bold" if row.highlight else None
        if index % 2 == 0:
            parts.append(_tag("rect", x=0, y=row_top, width=width, height=row_height, fill=BAND))
        label = _tag("title", row.label) + _shorten(row.label, COMPACT_LABEL_CHARS)
        parts.append(_tag("text", label, x=plot_left - 6, y=row_top + 17, font_weight=bold))
        if row.note:
            colour = {"harsh": HARSH, "lenient": LENIENT}.get(row.note_tone, MUTED)
            parts.append(
                _tag("text", row.note, x=plot_right + 6, y=row_top + 17, text_anchor="end", fill=colour)
            )
        parts.extend(_strip(row, middle, x, plot_left, plot_right, box_height=12))
    if reference is not None and rows:
        rx = x(reference)
        parts.append(_reference_line(rx, top - 4, bottom))
        anchor = "start" if rx < width / 3 else ("end" if rx > 2 * width / 3 else "middle")
        parts.append(_tag("text", reference_label, x=rx, y=top - 10, text_anchor=anchor, fill=HIGHLIGHT))
    parts.append(_tag("line", x1=plot_left, y1=bottom, x2=plot_right, y2=bottom, stroke=MUTED))
    ticks = _ticks(scale_min, scale_max)
    if len(ticks) > 6:
        ticks = ticks[::2]
    for tick in ticks:
        tx = x(tick)
        parts.append(_tag("line", x1=tx, y1=bottom, x2=tx, y2=bottom + 5, stroke=MUTED))
        parts.append(_tag("text", f"{tick:g}", x=tx, y=bottom + 20, text_anchor="middle", fill=MUTED))
    parts.append(_tag("text", axis_label, x=width / 2, y=bottom + 38, text_anchor="middle", fill=MUTED))
    for number, line in enumerate(legend_lines):
        parts.append(_tag("text", line, x=plot_left - 6, y=bottom + 58 + 18 * number, fill=MUTED))
    return _svg(parts, "chart-compact", chart_id, width, height, font_family, font_size=font)


def _strip(
    row: StripRow, middle: float, x, plot_left: float, plot_right: float, box_height: float = BOX_HEIGHT
) -> list[str]:
    """One row's strip: track, whisker (lowest to highest), box (quartiles), median stroke, marker."""
    parts = [_tag("line", x1=plot_left, y1=middle, x2=plot_right, y2=middle, stroke=TRACK)]
    box = row.box
    if box is not None:
        half = box_height / 2
        parts.append(
            _tag(
                "line",
                class_="chart-range",
                x1=x(box.low),
                y1=middle,
                x2=x(box.high),
                y2=middle,
                stroke=RANGE,
                stroke_width=2,
            )
        )
        for end in (box.low, box.high):
            parts.append(
                _tag("line", x1=x(end), y1=middle - half / 2, x2=x(end), y2=middle + half / 2, stroke=RANGE)
            )
        left, right = x(box.q1), x(box.q3)
        parts.append(
            _tag(
                "rect",
                class_="chart-box",
                x=left,
                y=middle - half,
                width=round(max(right - left, 1.0), 2),
                height=box_height,
                fill=BOX,
                stroke=BOX_EDGE,
            )
        )
        mx = x(box.median)  # taller than the box and the marker, so that it shows beside a diamond on it
        parts.append(
            _tag(
                "line",
                class_="chart-median",
                x1=mx,
                y1=middle - half - 3,
                x2=mx,
                y2=middle + half + 3,
                stroke=BOX_EDGE,
                stroke_width=2.5,
            )
        )
    if row.marker is not None:
        cx = x(row.marker)
        points = f"{cx},{middle - 7} {cx + 7},{middle} {cx},{middle + 7} {cx - 7},{middle}"
        parts.append(
            _tag(
                "polygon",
                class_="chart-marker",
                points=points,
                fill=MARKER,
                stroke=HIGHLIGHT,
                stroke_width=1.5,
            )
        )
    return parts


def _svg(parts, layout: str, chart_id: str, width, height, font_family: str, font_size) -> Markup:
    """The chart's <svg>: an image named by its title and described by its description."""
    return _tag(
        "svg",
        Markup("").join(parts),
        xmlns="http://www.w3.org/2000/svg",
        class_=f"ranking-chart {layout}",
        id=chart_id,
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family=font_family,
        font_size=font_size,
        fill=INK,
    )


def _reference_line(rx: float, top: float, bottom: float) -> str:
    return _tag(
        "line",
        class_="chart-reference",
        x1=rx,
        y1=top,
        x2=rx,
        y2=bottom,
        stroke=HIGHLIGHT,
        stroke_width=1.5,
        stroke_dasharray="5 4",
    )


def _wrap(text: str, chars: int) -> list[str]:
    """Text broken into lines of at most `chars` characters, at spaces (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines
