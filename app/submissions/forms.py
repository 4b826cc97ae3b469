"""The application form (one section per criterion), attachments and withdrawal.

Saving a draft requires nothing: the only validators here refuse what cannot be stored (a year that is
not a number, a text over its length limit). Completeness is checked at submission by
services.missing_items, which lists everything at once.
"""

import re

from flask_babel import format_number, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from app.contests.models import Edition
from app.submissions.enums import FIELDS_OF_ACTION
from app.submissions.services import FIRST_START_YEAR, ApplicationValues
from app.submissions.storage import ACCEPT_ATTRIBUTE

TITLE_MAX = 300  # the column's size
SUMMARY_MAX = 3000
ANSWER_MAX = 5000
DETAILS_MAX = 2000
BUDGET_MAX = 10**12

FIELD_OF_ACTION_LABELS = {
    "education": _l("Education"),
    "housing": _l("Housing"),
    "employment": _l("Employment"),
    "health_social": _l("Health and social services"),
    "security": _l("Security"),
    "culture_leisure": _l("Culture and leisure"),
    "participation": _l("Participation"),
}


def clean_text(value: str | None) -> str:
    """One newline convention (browsers send CRLF), no surrounding blanks: lengths count what people see."""
    if value is None:
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class MaxChars:
    """A length limit whose message says by how much the text is over (no maxlength attribute: a browser
    would silently cut pasted text, and losing words is worse than being told)."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                gettext(
                    "This text has %(count)s characters; the limit is %(limit)s. "
                    "Please shorten it by %(over)s characters.",
                    count=format_number(length),
                    limit=format_number(self.limit),
                    over=format_number(length - self.limit),
                )
            )


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class YearField(IntegerField):
    widget = widgets.TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = int(valuelist[0].strip())
        except ValueError as exc:
            self.data = None
            raise ValueError(gettext("Enter the year with four digits, for example 2011.")) from exc


BUDGET_PATTERN = re.compile(
    r"^(?:€\s*)?(\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+|\d+)\s*(?:€|eur|euros?)?$", re.IGNORECASE
)


class BudgetField(IntegerField):
    """Whole euros; accepts the ways people write amounts: 120000, 120 000, 120,000, 120.000 €."""

    widget = widgets.TextInput()

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip()
        match = BUDGET_PATTERN.match(text)
        if match is None:
            self.data = None
            if text.startswith("-"):
                raise ValueError(gettext("The budget cannot be negative."))
            if re.search(r"\d[.,]\d{1,2}\s*(?:€|eur|euros?)?$", text, re.IGNORECASE):
                raise ValueError(gettext("Give the budget in whole euros, without cents."))
            raise ValueError(gettext("Enter the budget as a whole number of euros, for example 120000."))
        self.data = int(re.sub(r"\D", "", match.group(1)))


def _answer_field_name(criterion_id: int) -> str:
    return f"answer_{criterion_id}"


class ApplicationFormBase(FlaskForm):
    edition: Edition

    def answer_fields(self):
        """(criterion, field) pairs in the edition's order."""
        return [(c, self[_answer_field_name(c.id)]) for c in self.edition.criteria]

    def values(self) -> ApplicationValues:
        return ApplicationValues(
            title=self.title.data,
            summary=self.summary.data,
            answers={c.id: f.data for c, f in self.answer_fields()},
            start_year=self.start_year.data,
            fields_of_action=list(self.fields_of_action.data or []),
            beneficiaries=self.beneficiaries.data,
            budget_eur=self.budget_eur.data,
            partners=self.partners.data,
        )


def application_form(edition: Edition, initial: ApplicationValues | None = None) -> ApplicationFormBase:
    """The form for an application to this edition, one answer section per criterion.

    Fields are created here, in page order, so that the error summary lists them as the page shows them.
    """
    limit_help = _l("Up to %(limit)s characters.", limit=format_number(ANSWER_MAX))
    attrs = {
        "edition": edition,
        "title": StringField(
            _l("Title of the project"),
            validators=[MaxChars(TITLE_MAX)],
            filters=[clean_text],
            description=_l("Up to %(limit)s characters.", limit=TITLE_MAX),
        ),
        "summary": TextAreaField(
            _l("Summary"),
            validators=[MaxChars(SUMMARY_MAX)],
            filters=[clean_text],
            description=_l(
                "What the project does, for whom, and what has changed since it began. "
                "Up to %(limit)s characters.",
                limit=format_number(SUMMARY_MAX),
            ),
            render_kw={"rows": 8, "data-limit": SUMMARY_MAX},
        ),
    }
    for criterion in edition.criteria:
        attrs[_answer_field_name(criterion.id)] = TextAreaField(
            _l("Answer for %(criterion)s", criterion=criterion.name),
            validators=[MaxChars(ANSWER_MAX)],
            filters=[clean_text],
            description=limit_help,
            render_kw={"rows": 10, "data-limit": ANSWER_MAX},
        )
    attrs.update(
        start_year=YearField(
            _l("Start year"),
            validators=[
                Optional(),
                NumberRange(
                    min=FIRST_START_YEAR,
                    max=edition.year,
                    message=_l(
                        "Enter a year from %(first)s to %(last)s.", first=FIRST_START_YEAR, last=edition.year
                    ),
                ),
            ],
            description=_l(
                "The year the project began, from %(first)s to %(last)s.",
                first=FIRST_START_YEAR,
                last=edition.year,
            ),
            render_kw={"inputmode": "numeric", "autocomplete": "off"},
        ),
        fields_of_action=MultiCheckboxField(
            _l("Fields of action"),
            choices=[SelectChoice(code, FIELD_OF_ACTION_LABELS[code]) for code in FIELDS_OF_ACTION],
            description=_l("Tick every field the project works in."),
        ),
        beneficiaries=TextAreaField(
            _l("Beneficiaries"),
            validators=[MaxChars(DETAILS_MAX)],
            filters=[clean_text],
            description=_l(
                "Who benefits, and how many people, Roma and non-Roma. Up to %(limit)s characters.",
                limit=format_number(DETAILS_MAX),
            ),
            render_kw={"rows": 4, "data-limit": DETAILS_MAX},
        ),
        budget_eur=BudgetField(
            _l("Budget in euro"),
            validators=[
                Optional(),
                NumberRange(
                    min=0, max=BUDGET_MAX, message=_l("Enter an amount from 0 to 1,000,000,000,000 euros.")
                ),
            ],
            description=_l("The project's total budget in whole euros, for example 120000."),
            render_kw={"inputmode": "numeric", "autocomplete": "off"},
        ),
        partners=TextAreaField(
            _l("Partners"),
            validators=[MaxChars(DETAILS_MAX)],
            filters=[clean_text],
            description=_l(
                "Roma and non-Roma NGOs, authorities and others who take part. Up to %(limit)s characters.",
                limit=format_number(DETAILS_MAX),
            ),
            render_kw={"rows": 4, "data-limit": DETAILS_MAX},
        ),
    )
    form_class = type("ApplicationForm", (ApplicationFormBase,), attrs)
    if initial is None:
        return form_class()
    data = {
        "title": initial.title,
        "summary": initial.summary,
        "start_year": initial.start_year,
        "fields_of_action": initial.fields_of_action,
        "beneficiaries": initial.beneficiaries,
        "budget_eur": initial.budget_eur,
        "partners": initial.partners,
    }
    data.update({_answer_field_name(cid): text for cid, text in initial.answers.items()})
    return form_class(data=data)


class _FileChosen(FileRequired):
    """FileRequired without the "required" flag: attachments are optional, so no asterisk on the field."""

    def __init__(self, message=None):
        super().__init__(message)
        self.field_flags = {}


class UploadForm(FlaskForm):
    file = FileField(
        _l("Add a file"),
        validators=[_FileChosen(message=_l("Choose a file to attach first."))],
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )


class WithdrawForm(FlaskForm):
    confirm = BooleanField(
        _l(
            "I understand that a withdrawn application is not judged unless we submit it again "
            "before the deadline."
        ),
        validators=[DataRequired(message=_l("Tick the box to confirm that you want to withdraw."))],
    )
