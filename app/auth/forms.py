"""The forms of the account pages: logging in, registering, passwords, invitations and the people filter.

Each form validates and normalises what is typed (emails lower-cased, websites given a scheme, passwords
checked against passwords.py); the wording of refusals that need the database stays in the routes.
"""

import re
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, NumberRange, Optional

from app.auth.enums import AccountStatus, OrganisationKind, Role
from app.auth.labels import ACCOUNT_STATUS_LABELS, KIND_LABELS, ROLE_LABELS
from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from app.countries import is_member_state, member_state_choices
from app.i18n import LANGUAGES, current_language, language_name

PASSWORD_HELP = _l(
    "At least %(min)d characters. A long passphrase of several words is best; very common passwords "
    "are refused.",
    min=MIN_LENGTH,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_filter(value):
    return value.strip().lower() if isinstance(value, str) else value


HAS_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+-]*:")


def _website_filter(value):
    # People type "www.obrnice.cz": an address without a scheme is taken as https. Anything else stays as
    # typed, so that the error shows what was entered.
    value = _strip(value)
    if value and not HAS_SCHEME.match(value) and not any(c.isspace() for c in value):
        value = f"https://{value}"
    return value


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _country_choices(blank_label) -> list[SelectChoice]:
    return _choices([("", blank_label), *member_state_choices(current_language())])


def validate_member_state(form, field):
    if field.data and not is_member_state(field.data):
        raise ValidationError(_l("Choose one of the Council of Europe's member states."))


def validate_website(form, field):
    if not field.data:
        return
    parts = urlsplit(field.data)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname
        or any(c.isspace() for c in field.data)
        or parts.username
    ):
        raise ValidationError(_l("Enter the web address of your website, such as https://www.example.eu."))


def email_field(label=None):
    return EmailField(
        label or _l("Email"),
        validators=[DataRequired(), Length(max=254), Email(message=_l("Enter a valid email address."))],
        filters=[_email_filter],
    )


def name_field(label=None, description=""):
    return StringField(
        label or _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        filters=[_strip],
        description=description,
    )


class NewPasswordMixin:
    """A new password and its confirmation, judged by the password policy against its owner."""

    account = None  # the user whose password this is, when he exists already

    password = PasswordField(_l("New password"), validators=[DataRequired()], description=PASSWORD_HELP)
    password_confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )

    def owner_identity(self) -> tuple[str, str]:
        """(email, name) of the password's owner, which the password must not be."""
        return getattr(self.account, "email", ""), getattr(self.account, "name", "")

    def validate_password(self, field):
        email, name = self.owner_identity()
        problem = password_problem(field.data or "", email=email or "", name=name or "")
        if problem:
            raise ValidationError(problem)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Log in"))


class RegistrationForm(NewPasswordMixin, FlaskForm):
    organisation_name = StringField(
        _l("Name of the municipality or region"),
        validators=[DataRequired(), Length(max=200)],
        filters=[_strip],
        description=_l("As it is written locally, in any alphabet: Ηράκλειο, Şişli, Surčin."),
    )
    kind = RadioField(
        _l("It is a"),
        choices=_choices((kind.value, label) for kind, label in KIND_LABELS.items()),
        default=OrganisationKind.MUNICIPALITY.value,
        validators=[DataRequired()],
    )
    country = SelectField(
        _l("Country"),
        validate_choice=False,  # validate_member_state says it better than "Not a valid choice"
        validators=[DataRequired(message=_l("Choose your country.")), validate_member_state],
        description=_l("The prize is open to the 46 member states of the Council of Europe."),
    )
    population = IntegerField(
        _l("Population"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100_000_000, message=_l("Enter a number of inhabitants, such as 2300.")),
        ],
        description=_l("Optional. Number of inhabitants, digits only."),
    )
    website = StringField(
        _l("Website"),
        validators=[Optional(), Length(max=300), validate_website],
        filters=[_website_filter],
        description=_l("Optional. Such as https://www.obrnice.cz."),
    )
    contact_name = name_field(_l("Your name"), _l("The contact person for the prize."))
    email = email_field(_l("Your email address"))
    password = PasswordField(_l("Password"), validators=[DataRequired()], description=PASSWORD_HELP)
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Register"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(_l("Choose a country"))

    def owner_identity(self) -> tuple[str, str]:
        return self.email.data or "", self.contact_name.data or ""


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm my email address"))


class EmailForm(FlaskForm):
    email = email_field()


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Save the new password"))

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=MAX_LENGTH)]
    )
    submit = SubmitField(_l("Change the password"))

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account


class AcceptInvitationForm(NewPasswordMixin, FlaskForm):
    name = name_field(_l("Your name"), _l("As it should appear to the organisers and the jury."))
    password = PasswordField(_l("Choose a password"), validators=[DataRequired()], description=PASSWORD_HELP)
    password_confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )
    submit = SubmitField(_l("Save and log in"))

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def owner_identity(self) -> tuple[str, str]:
        return getattr(self.account, "email", ""), self.name.data or ""


def language_field(label, description=""):
    """The language of someone's pages and emails; each choice named in its own language."""
    return RadioField(
        label,
        choices=_choices((code, language_name(code).capitalize()) for code in LANGUAGES),
        default=current_language,
        validators=[DataRequired()],
        description=description,
    )


class AccountForm(FlaskForm):
    name = name_field(_l("Your name"))
    language = language_field(_l("Language"), _l("Of these pages and of the emails we send you."))
    submit = SubmitField(_l("Save"))


class InviteColleagueForm(FlaskForm):
    name = name_field(_l("Colleague's name"))
    email = email_field(_l("Colleague's email address"))
    language = language_field(_l("Language of their emails"))
    submit = SubmitField(_l("Send the invitation"))


INVITABLE_ROLES = (Role.JUROR, Role.ORGANISER)


class InvitePersonForm(FlaskForm):
    name = name_field()
    email = email_field()
    role = RadioField(
        _l("Role"),
        choices=_choices((role.value, ROLE_LABELS[role]) for role in INVITABLE_ROLES),
        default=Role.JUROR.value,
        validators=[DataRequired()],
    )
    country = SelectField(
        _l("Country"),
        validate_choice=False,
        validators=[validate_member_state],
        description=_l("Required for jurors: each juror represents a member state."),
    )
    language = language_field(_l("Language of their emails"))
    submit = SubmitField(_l("Send the invitation"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(_l("No country"))

    def validate_country(self, field):
        if self.role.data == Role.JUROR and not field.data:
            raise ValidationError(_l("Choose the juror's country."))


class PeopleFilterForm(FlaskForm):
    """The filters of the people list, read from the query string (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)], filters=[_strip])
    role = SelectField(
        _l("Role"),
        choices=_choices(
            [("", _l("All roles")), *((role.value, label) for role, label in ROLE_LABELS.items())]
        ),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=_choices(
            [("", _l("Any status")), *((s.value, ACCOUNT_STATUS_LABELS[s]) for s in AccountStatus)]
        ),
        validators=[Optional()],
    )
    country = SelectField(_l("Country"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()])

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = _country_choices(_l("All countries"))
        self.organisation.choices = _choices(
            [("", _l("All organisations")), *((str(o.id), f"{o.name} ({o.country})") for o in organisations)]
        )
