"""The organiser's publication forms: publish now, or at a set time, with these certificates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from app.validators import WithinYears

CERTIFICATE_LANGUAGES = [
    SelectChoice("en", _l("English")),
    SelectChoice("fr", _l("French")),
    SelectChoice("both", _l("English and French")),
]


class PublishForm(FlaskForm):
    certificate_language = SelectField(_l("Language of the certificates"), choices=CERTIFICATE_LANGUAGES)
    participation = BooleanField(
        _l("Also issue a certificate of participation to every other eligible application"),
    )
    submit = SubmitField(_l("Publish the results now"))


class ScheduleForm(FlaskForm):
    publish_at = DateTimeLocalField(
        _l("Publish at (Strasbourg time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional(), WithinYears()],
        description=_l("Leave empty to cancel a scheduled publication."),
    )
    certificate_language = SelectField(_l("Language of the certificates"), choices=CERTIFICATE_LANGUAGES)
    participation = BooleanField(
        _l("Also issue a certificate of participation to every other eligible application"),
    )
    submit = SubmitField(_l("Save the schedule"))
