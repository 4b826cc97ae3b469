"""Charts of the ranking, drawn on the server as SVG: no script, no library, readable without colour.

Each chart is a strip plot: one row per juror (or entry), a dot per sheet total on the edition's scale,
a bar from the lowest to the highest total and a diamond at the mean (or the aggregate). Colours are SVG
presentation attributes, which the Content-Security-Policy allows (style attributes it would not), so the
same markup renders in the page and in the jury report PDF. Every chart has a <title> and a <desc>
that says in words what it shows.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from app.ranking.view import RankingView, method_label

WIDTH = 760
LABEL_WIDTH = 220
NOTE_WIDTH = 150
ROW_HEIGHT = 30
TOP = 34
AXIS_HEIGHT = 44
DOT_RADIUS = 4.5
LABEL_CHARS = 32
INK = "#1f2937"
MUTED = "#5b6573"
TRACK = "#d5dbe3"
BAND = "#f3f5f9"
DOT = "#1d4e89"
RANGE = "#8797ad"
MARKER = "#c9a227"
HIGHLIGHT = "#0b2a5b"
FONT_FAMILY = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
HARSH = "#8a1c1c"
LENIENT = "#1d6b38"


@dataclass(frozen=True)
class StripRow:
    """One row of a strip chart: its label, the values drawn as dots, the marker and a note on the right."""

    label: str
    values: tuple[float, ...]
    marker: float | None
    note: str = ""
    note_tone: str = ""  # "harsh", "lenient" or "" (a colour as well as the words)
    highlight: bool = False  # drawn in bold: the panel, an entry on the podium


def _number(value: float) -> str:
    return f"{value:.1f}"


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


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1].rstrip() + "\u2026"


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
) -> Markup:
    """An accessible SVG strip chart; every text is escaped."""
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
        label = _tag("title", row.label) + _shorten(row.label)
        parts.append(_tag("text", label, x=LABEL_WIDTH, y=middle + 4.5, text_anchor="end", font_weight=bold))
        parts.append(_tag("line", x1=plot_left, y1=middle, x2=plot_right, y2=middle, stroke=TRACK))
        if row.values:
            parts.append(
                _tag(
                    "line",
                    class_="chart-range",
                    x1=x(min(row.values)),
                    y1=middle,
                    x2=x(max(row.values)),
                    y2=middle,
                    stroke=RANGE,
                    stroke_width=5,
                    stroke_linecap="round",
                )
            )
            parts.extend(_dots(row.values, middle, x))
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
        if row.note:
            colour = {"harsh": HARSH, "lenient": LENIENT}.get(row.note_tone, MUTED)
            parts.append(
                _tag("text", row.note, x=plot_right + 14, y=middle + 4.5, fill=colour, font_weight=bold)
            )
    if reference is not None and rows:
        rx = x(reference)
        parts.append(
            _tag(
                "line",
                class_="chart-reference",
                x1=rx,
                y1=TOP - 6,
                x2=rx,
                y2=bottom,
                stroke=HIGHLIGHT,
                stroke_width=1.5,
                stroke_dasharray="5 4",
            )
        )
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
    svg = _tag(
        "svg",
        Markup("").join(parts),
        xmlns="http://www.w3.org/2000/svg",
        class_="ranking-chart",
        id=chart_id,
        viewBox=f"0 0 {WIDTH} {height}",
        width=WIDTH,
        height=height,
        role="img",
        aria_labelledby=f"{chart_id}-title {chart_id}-desc",
        font_family=font_family,
        font_size=13,
        fill=INK,
    )
    return svg


def _dots(values: Sequence[float], middle: float, x) -> list[str]:
    """One dot per value; equal values are stacked vertically so that each stays visible."""
    counts = Counter(round(v, 6) for v in values)
    # A stack of equal values stays inside its row: the more dots, the tighter they sit.
    room = ROW_HEIGHT - 2 * DOT_RADIUS - 4
    seen: Counter = Counter()
    dots = []
    for value in sorted(values):
        key = round(value, 6)
        gap = min(4.0, room / max(counts[key] - 1, 1))
        offset = (seen[key] - (counts[key] - 1) / 2) * gap
        seen[key] += 1
        dots.append(
            _tag(
                "circle",
                class_="chart-dot",
                cx=x(value),
                cy=round(middle + offset, 2),
                r=DOT_RADIUS,
                fill=DOT,
                fill_opacity=0.6,
                stroke="#ffffff",
                stroke_width=0.8,
            )
        )
    return dots


def leniency_tone(leniency: float | None, scale_span: float) -> str:
    """'harsh', 'lenient', or '' when within 5% of the scale from fellow jurors (or not comparable)."""
    if leniency is None or abs(leniency) < 0.05 * scale_span:
        return ""
    return "lenient" if leniency > 0 else "harsh"


def signed(value: float, minus: str = "\u2212") -> str:
    """'+0.8', '\u22121.2' (a true minus sign unless told otherwise), '0.0'."""
    text = f"{abs(value):.1f}"
    if text == "0.0":
        return text
    return ("+" if value > 0 else minus) + text


def juror_chart(view: RankingView, font_family: str = FONT_FAMILY, minus: str = "\u2212") -> Markup | None:
    """Each juror's sheet totals beside the whole panel's: who scores harshly, who leniently."""
    panel = view.panel
    if panel is None or panel.panel is None:
        return None
    scale = view.scores.scale
    span = scale.max - scale.min
    names = view.scores.jurors
    rows = [
        StripRow(
            label=_("Whole panel"),
            values=tuple(sorted(v for totals in view.juror_totals.values() for v in totals)),
            marker=panel.panel.mean,
            note=_("mean %(mean)s", mean=_number(panel.panel.mean)),
            highlight=True,
        )
    ]
    sentences = []
    for stats in panel.jurors:
        juror = names.get(stats.juror_id)
        name = juror.name if juror else _("juror #%(id)d", id=stats.juror_id)
        tone = leniency_tone(stats.leniency, span)
        if stats.leniency is None:
            note = _("no shared entry")
        else:
            words = {"harsh": _("harsh"), "lenient": _("lenient"), "": _("in line")}[tone]
            note = f"{signed(stats.leniency, minus)} {words}"
        rows.append(StripRow(name, view.juror_totals.get(stats.juror_id, ()), stats.totals.mean, note, tone))
        sentences.append(
            ngettext(
                "%(name)s: %(num)d sheet, mean %(mean)s, %(note)s.",
                "%(name)s: %(num)d sheets, mean %(mean)s, %(note)s.",
                stats.totals.count,
                name=name,
                mean=_number(stats.totals.mean),
                note=note,
            )
        )
    description = " ".join(
        [
            _(
                "Sheet totals of each juror on the %(low)s to %(high)s scale, beside the whole panel "
                "(%(count)d sheets, mean %(mean)s). The number on the right is how far a juror's totals lie "
                "above (lenient) or below (harsh) those of fellow jurors for the same entries.",
                low=f"{scale.min:g}",
                high=f"{scale.max:g}",
                count=panel.panel.count,
                mean=_number(panel.panel.mean),
            ),
            *sentences,
        ]
    )
    return strip_chart(
        rows,
        chart_id="juror-chart",
        title=_("How each juror scores, beside the panel"),
        description=description,
        scale_min=scale.min,
        scale_max=scale.max,
        axis_label=_("Sheet total"),
        legend=_("Dots: sheet totals · bar: lowest to highest · diamond: mean · dashed line: panel mean"),
        reference=panel.panel.mean,
        reference_label=_("panel mean %(mean)s", mean=_number(panel.panel.mean)),
        font_family=font_family,
    )


def entries_chart(view: RankingView, limit: int) -> Markup | None:
    """The spread of each leading entry's sheet totals, with its aggregate."""
    leading = [row for row in view.rows if row.totals][:limit]
    if not leading:
        return None
    scale = view.scores.scale
    rows, sentences = [], []
    for row in leading:
        ranked = row.ranked
        std = ranked.total_std or 0.0
        rows.append(
            StripRow(
                label=f"{ranked.rank}. {row.entry.organisation}",
                values=row.totals,
                marker=ranked.aggregate,
                note=ngettext(
                    "σ %(std)s · %(num)d sheet",
                    "σ %(std)s · %(num)d sheets",
                    ranked.sheet_count,
                    std=_number(std),
                ),
                highlight=ranked.on_podium,
            )
        )
        sentences.append(
            _(
                "%(rank)d. %(entry)s (%(reference)s): totals from %(low)s to %(high)s, "
                "%(method)s %(aggregate)s, standard deviation %(std)s.",
                rank=ranked.rank,
                entry=row.entry.organisation,
                reference=row.entry.reference,
                low=_number(min(row.totals)),
                high=_number(max(row.totals)),
                method=method_label(view.method),
                aggregate=_number(ranked.aggregate) if ranked.aggregate is not None else "",
                std=_number(std),
            )
        )
    return strip_chart(
        rows,
        chart_id="entries-chart",
        title=_("How far the jurors agree on the leading entries"),
        description=" ".join(
            [_("Each leading entry's sheet totals, in rank order, with its aggregate."), *sentences]
        ),
        scale_min=scale.min,
        scale_max=scale.max,
        axis_label=_("Sheet total"),
        legend=_(
            "Dots: one juror's total each · bar: lowest to highest · diamond: %(method)s",
            method=method_label(view.method),
        ),
    )
