"""The one form of a "Prepare" button: which kind of file, and whether to make it again though current."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import InputRequired

from app.prepared.enums import PreparedKind


class PrepareForm(FlaskForm):
    kind = SelectField(
        choices=[kind.value for kind in PreparedKind],
        validators=[InputRequired(message=_l("Choose a file to prepare."))],
    )
    again = BooleanField()
