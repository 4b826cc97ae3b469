"""The log's filter (a GET form) and the button that sends a message again (its CSRF token is the form)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import Optional

from app.emails.labels import STATUS_LABELS


class EmailFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("", _l("Any status")),
            *(SelectChoice(status.value, label) for status, label in STATUS_LABELS.items()),
        ],
        validators=[Optional()],
    )


class SendAgainForm(FlaskForm):
    """Send one message again."""
