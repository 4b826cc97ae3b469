"""The organisers' form for the accessibility statement's contact."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, StringField, SubmitField
from wtforms.validators import Email, Length, Optional, Regexp

from app.validators import WithinYears


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class AccessibilityContactForm(FlaskForm):
    email = EmailField(
        _l("Email address for accessibility feedback"),
        validators=[
            Optional(),
            Length(max=254),
            Email(message=_l("Enter an email address, such as access@coe.int.")),
        ],
        filters=[_strip],
        description=_l("Shown on the accessibility statement. People write here about a barrier they met."),
    )
    phone = StringField(
        _l("Telephone (optional)"),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^\+?[0-9 ()./-]{6,}$", message=_l("Enter a telephone number, such as +33 3 88 41 20 00.")
            ),
        ],
        filters=[_strip],
    )
    reviewed_on = DateField(
        _l("Statement last reviewed on"),
        validators=[Optional(), WithinYears()],
        description=_l("The day the organisers last checked that the statement is still true."),
    )
    submit = SubmitField(_l("Save"))
