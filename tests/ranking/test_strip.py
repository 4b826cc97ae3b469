"""app/ranking/strip.py: the two layouts of a strip chart, and how large their text is drawn."""

import re

import pytest

from app.ranking.strip import COMPACT_FONT, COMPACT_WIDTH, WIDTH, Box, StripRow, strip_chart

ROWS = [
    StripRow("Whole panel", Box(2.0, 3.0, 4.0, 6.5, 9.0), 5.0, "mean 5.0", highlight=True),
    StripRow(
        "A juror with a rather long name indeed", Box(3.0, 3.0, 3.0, 3.0, 3.0), 3.0, "−2.0 harsh", "harsh"
    ),
]


def _chart(compact: bool) -> str:
    return str(
        strip_chart(
            ROWS,
            chart_id="c",
            title="Title",
            description="Description",
            scale_min=0,
            scale_max=10,
            axis_label="Sheet total",
            legend="Line: lowest to highest total · box: middle half · stroke: median · diamond: mean",
            reference=5.0,
            reference_label="panel mean 5.0",
            compact=compact,
        )
    )


def _font_sizes(svg: str) -> set[float]:
    return {float(size) for size in re.findall(r'font-size="([\d.]+)"', svg)}


def test_compact_chart_draws_every_text_at_its_one_size():
    svg = _chart(compact=True)

    assert f'viewBox="0 0 {COMPACT_WIDTH} ' in svg
    assert _font_sizes(svg) == {COMPACT_FONT}  # set once on the <svg>, never smaller on a text
    # Drawn 332 px wide on a 390 px phone, the smallest text is still 12 px or more.
    assert COMPACT_FONT * 332 / COMPACT_WIDTH >= 12


def test_compact_chart_keeps_labels_notes_and_legend_inside_its_width():
    svg = _chart(compact=True)

    assert "A juror with a rather lon…" in svg  # shortened to fit, the full name in its <title>
    assert "<title>A juror with a rather long name indeed</title>" in svg
    assert "−2.0 harsh" in svg  # the words, not only the colour
    legend_lines = re.findall(r'<text x="8" y="[\d.]+" fill="#5b6573">([^<]+)</text>', svg)
    assert " ".join(legend_lines).startswith("Line: lowest to highest")
    assert all(len(line) <= 44 for line in legend_lines)


def test_wide_chart_text_is_at_least_12_units_drawn_at_1_2_times():
    svg = _chart(compact=False)

    assert f'viewBox="0 0 {WIDTH} ' in svg
    assert min(_font_sizes(svg)) == 12
    # Shown from 992 px, where the figure is 910 px wide or more: 12 units are 14.4 px.
    assert 12 * 910 / WIDTH >= 14


def test_both_layouts_name_themselves_for_assistive_technology():
    for compact in (False, True):
        svg = _chart(compact)
        assert 'role="img"' in svg
        assert 'aria-labelledby="c-title c-desc"' in svg


def _number_of(svg: str, css_class: str) -> int:
    return svg.count(f'class="{css_class}"')


def test_a_row_is_drawn_from_its_box_whatever_the_number_of_values():
    svg = _chart(compact=False)

    # One whisker, box, median stroke and marker per row; no element per value.
    assert [
        _number_of(svg, name) for name in ("chart-range", "chart-box", "chart-median", "chart-marker")
    ] == [
        2,
        2,
        2,
        2,
    ]
    assert "chart-dot" not in svg


def test_box_spans_the_quartiles_on_the_scale():
    svg = _chart(compact=False)

    # The plot runs from 232 to 598 units for 0 to 10: 36.6 units a point.
    first_box = re.search(r'<rect class="chart-box" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    assert float(first_box.group(1)) == pytest.approx(232 + 3 * 36.6)
    assert float(first_box.group(2)) == pytest.approx(3.5 * 36.6)
    median = re.search(r'<line class="chart-median" x1="([\d.]+)"', svg)
    assert float(median.group(1)) == pytest.approx(232 + 4 * 36.6)
