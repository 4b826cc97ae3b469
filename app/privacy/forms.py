"""The erasure's confirmation (the name typed again) and the "Prepare" button of a data file."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, ValidationError


def _same_name(a: str, b: str) -> bool:
    def key(text: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())

    return key(a) == key(b)


class EraseForm(FlaskForm):
    """Typing the name shows the organiser knows whom they erase; it cannot be undone."""

    confirm_name = StringField(
        _l("Type the name to confirm"),
        validators=[InputRequired(message=_l("Type the name exactly as shown to confirm the erasure."))],
    )

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def validate_confirm_name(self, field):
        if not _same_name(field.data, self.expected):
            raise ValidationError(_l("The name typed does not match. Type it exactly as shown."))


class PrepareDataForm(FlaskForm):
    """Asking for a data file (its CSRF token is the form); `again` makes a new one though current."""

    again = BooleanField()
