"""Form validators every domain's forms share: numbers and dates within what the application can compute with.

A date in year 1 or 9999 parses, then overflows the moment it is converted to or from Strasbourg time (or
compared with a UTC instant); a number past the database's column overflows when it is stored or compared in
SQL. These validators turn such input into a message on its field before anything uses it.

Infrastructure: it imports no domain.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

FIRST_YEAR = 1900
LAST_YEAR = 2999


class WithinYears:
    """A date or datetime field's value, when given, falls in FIRST_YEAR to LAST_YEAR (whole years)."""

    def __init__(self, first: int = FIRST_YEAR, last: int = LAST_YEAR):
        self.first, self.last = first, last

    def __call__(self, form, field) -> None:
        value = field.data
        if not isinstance(value, date):  # empty, or not a date: the field's own message says so
            return
        if not self.first <= value.year <= self.last:
            raise ValidationError(
                _l("Enter a date between the years %(first)d and %(last)d.", first=self.first, last=self.last)
            )
