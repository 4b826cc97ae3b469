"""The ranking's charts: what each says, in the user's language, drawn by app/ranking/strip.py.

The jurors' chart shows each juror's sheet totals beside the whole panel's (who scores harshly, who
leniently); the entries' chart the spread of the leading entries' totals with their aggregate. Both are
drawn from the box summaries of `panel.juror_stats` (lowest, quartiles, highest), never from the sheets.
Each comes wide (the page on a desktop, the jury report) or compact (a phone); each has a <title> and a
<desc> that says in words what it shows, and the ranking page gives its figures as a table too.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from app.ranking.panel import TotalStats
from app.ranking.strip import FONT_FAMILY, Box, StripRow, strip_chart
from app.ranking.view import RankingRow, RankingView, method_label


def _number(value: float) -> str:
    return f"{value:.1f}"


def box(stats: TotalStats) -> Box:
    return Box(stats.min, stats.q1, stats.median, stats.q3, stats.max)


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


def juror_chart(
    view: RankingView, font_family: str = FONT_FAMILY, minus: str = "\u2212", compact: bool = False
) -> Markup | None:
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
            box=box(panel.panel),
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
        rows.append(StripRow(name, box(stats.totals), stats.totals.mean, note, tone))
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
        chart_id="juror-chart-compact" if compact else "juror-chart",
        title=_("How each juror scores, beside the panel"),
        description=description,
        scale_min=scale.min,
        scale_max=scale.max,
        axis_label=_("Sheet total"),
        legend=_(
            "Line: lowest to highest total · box: middle half · stroke: median · diamond: mean · "
            "dashed line: panel mean"
        ),
        reference=panel.panel.mean,
        reference_label=_("panel mean %(mean)s", mean=_number(panel.panel.mean)),
        font_family=font_family,
        compact=compact,
    )


def leading_rows(view: RankingView, limit: int) -> list[RankingRow]:
    """The ranking's first `limit` rows that have sheet totals: the rows of the entries chart."""
    return [row for row in view.rows if row.spread][:limit]


def entries_chart(view: RankingView, limit: int, compact: bool = False) -> Markup | None:
    """The spread of each leading entry's sheet totals, with its aggregate."""
    leading = leading_rows(view, limit)
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
                box=box(row.spread),
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
                "%(rank)d. %(entry)s (%(reference)s): totals from %(low)s to %(high)s, median %(median)s, "
                "%(method)s %(aggregate)s, standard deviation %(std)s.",
                rank=ranked.rank,
                entry=row.entry.organisation,
                reference=row.entry.reference,
                low=_number(row.spread.min),
                high=_number(row.spread.max),
                median=_number(row.spread.median),
                method=method_label(view.method),
                aggregate=_number(ranked.aggregate) if ranked.aggregate is not None else "",
                std=_number(std),
            )
        )
    return strip_chart(
        rows,
        chart_id="entries-chart-compact" if compact else "entries-chart",
        title=_("How far the jurors agree on the leading entries"),
        description=" ".join(
            [_("Each leading entry's sheet totals, in rank order, with its aggregate."), *sentences]
        ),
        scale_min=scale.min,
        scale_max=scale.max,
        axis_label=_("Sheet total"),
        legend=_(
            "Line: lowest to highest total · box: middle half · stroke: median · diamond: %(method)s",
            method=method_label(view.method),
        ),
        compact=compact,
    )
