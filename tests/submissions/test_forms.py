"""app/submissions/forms.py: the budget and year fields read what people type."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from app.submissions.enums import FIELDS_OF_ACTION
from app.submissions.forms import FIELD_OF_ACTION_LABELS, BudgetField, YearField, clean_text


class AmountsForm(Form):
    budget = BudgetField()
    year = YearField()


@pytest.mark.parametrize(
    ("typed", "euros"),
    [
        ("120000", 120000),
        ("120 000", 120000),
        ("120,000", 120000),
        ("120.000 €", 120000),
        ("€ 1,250,000", 1250000),
        ("120'000 EUR", 120000),
        ("120\u202f000", 120000),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_budget_accepts_the_ways_people_write_amounts(app, typed, euros, request_context):
    form = AmountsForm(MultiDict({"budget": typed}))

    assert form.validate() is True
    assert form.budget.data == euros


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1200.50", "Give the budget in whole euros, without cents."),
        ("1,5 €", "Give the budget in whole euros, without cents."),
        ("-5000", "The budget cannot be negative."),
        ("120 thousand", "Enter the budget as a whole number of euros, for example 120000."),
        ("12,00,000", "Enter the budget as a whole number of euros, for example 120000."),
    ],
)
def test_budget_refuses_what_is_not_whole_euros_and_keeps_the_text(app, typed, message, request_context):
    form = AmountsForm(MultiDict({"budget": typed}))

    assert form.validate() is False
    assert form.budget.errors == [message]
    assert form.budget._value() == typed


def test_year_not_a_number_has_its_message(app, request_context):
    form = AmountsForm(MultiDict({"year": "two thousand"}))

    assert form.validate() is False
    assert form.year.errors == ["Enter the year with four digits, for example 2011."]


def test_clean_text_counts_newlines_once_and_drops_surrounding_blanks():
    assert clean_text("  first line\r\nsecond\rthird \n") == "first line\nsecond\nthird"


def test_every_field_of_action_has_a_label():
    assert list(FIELD_OF_ACTION_LABELS) == list(FIELDS_OF_ACTION)
