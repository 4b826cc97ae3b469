"""How a certificate looks (app/certificates/look.py): type size steps and accent colours."""

import pytest

from app.certificates.look import (
    DEFAULT_ACCENT,
    MIN_CONTRAST,
    NAME_LIMITS,
    contrast_on_white,
    size_step,
    soft_colour,
)


@pytest.mark.parametrize(("length", "step"), [(1, 0), (24, 0), (25, 1), (40, 1), (70, 2), (120, 3), (121, 4)])
def test_size_step_by_length(length, step):
    assert size_step("x" * length, NAME_LIMITS) == step


@pytest.mark.parametrize(("colour", "ratio"), [("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.54)])
def test_contrast_on_white_known_values(colour, ratio):
    assert contrast_on_white(colour) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("accent", [DEFAULT_ACCENT, "#7a1f3d", "#595959", "#1d5c2e", "#000000"])
def test_soft_colour_is_lighter_yet_readable(accent):
    soft = soft_colour(accent)

    assert contrast_on_white(soft) >= MIN_CONTRAST
    assert contrast_on_white(soft) <= contrast_on_white(accent)
