"""Forms of the certificates: issue or reissue, revoke, and look up a code."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

LANGUAGE_LABELS = {"en": _l("English"), "fr": _l("French"), "both": _l("English and French")}


class IssueForm(FlaskForm):
    language = RadioField(
        _l("Language of the certificates"),
        choices=[SelectChoice(value, label) for value, label in LANGUAGE_LABELS.items()],
        default="en",
        validators=[InputRequired(message=_l("Choose the language of the certificates."))],
    )
    participation = BooleanField(
        _l("Also issue a certificate of participation to every other eligible application"),
    )


class RetryForm(FlaskForm):
    """Render the failed certificates again (the CSRF token is the whole form)."""


class RevokeForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that the certificate stops being valid, and that this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class VerifyForm(FlaskForm):
    """A GET form: looking a code up changes nothing, so it carries no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(message=_l("Enter the code printed under the QR code.")), Length(max=300)],
        description=_l("Printed under the QR code, at the bottom right of the certificate."),
        render_kw={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
    )
