"""Forms of the jury's work: screening, the jury, assignments, score sheets and recusals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import NumberInput

from app.countries import member_state_choices
from app.formatting import format_score, local_score
from app.i18n import current_language

COMMENT_MAX = 5000
REASON_MAX = 2000


class Scale:
    """The edition's scale, as the score form checks it."""

    def __init__(self, minimum: Decimal, maximum: Decimal, step: Decimal):
        self.min = Decimal(minimum)
        self.max = Decimal(maximum)
        self.step = Decimal(step)

    @classmethod
    def of(cls, edition) -> Scale:
        return cls(edition.score_min, edition.score_max, edition.score_step)

    def problem(self, value: Decimal) -> str | None:
        """Why the score is refused, or None."""
        if value < self.min or value > self.max:
            return _l(
                "Give a score from %(min)s to %(max)s: %(value)s is outside the scale.",
                min=local_score(self.min),
                max=local_score(self.max),
                value=local_score(value),
            )
        if (value - self.min) % self.step != 0:
            return _l(
                "Scores go in steps of %(step)s from %(min)s: %(value)s is not one of them.",
                step=local_score(self.step),
                min=local_score(self.min),
                value=local_score(value),
            )
        return None


class ScoreField(Field):
    """A score on the edition's scale: a number input whose min, max and step match the scale."""

    widget = NumberInput()

    def __init__(self, label=None, validators=None, *, scale: Scale, **kwargs):
        render_kw = {
            "min": format_score(scale.min),
            "max": format_score(scale.max),
            "step": format_score(scale.step),
            "inputmode": "decimal",
        }
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)
        self.scale = scale

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_score(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".")
        if not text:
            return
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(_l("Enter a number, such as %(example)s.", example=local_score(self.scale.max)))
        self.data = number

    def pre_validate(self, form):
        if self.data is not None and (problem := self.scale.problem(self.data)):
            raise ValidationError(problem)


class SheetForm(FlaskForm):
    """The fixed part of a score sheet; `sheet_form()` adds one score and one comment per criterion."""

    version = HiddenField(default="0")
    overall_comment = TextAreaField(
        _l("Overall comment"),
        validators=[Length(max=COMMENT_MAX * 2)],
        description=_l("Optional. What the other jurors and the organisers should know about this entry."),
        render_kw={"rows": 4},
    )
    save_draft = SubmitField(_l("Save draft"))
    submit_sheet = SubmitField(_l("Submit score sheet"))

    criterion_ids: list[int] = []

    def score_field(self, criterion_id: int) -> ScoreField:
        return self[f"score_{criterion_id}"]

    def comment_field(self, criterion_id: int) -> TextAreaField:
        return self[f"comment_{criterion_id}"]

    @property
    def sent_version(self) -> int:
        try:
            return int(self.version.data or 0)
        except (TypeError, ValueError):
            return -1  # a tampered version never matches a sheet

    @property
    def submitting(self) -> bool:
        return bool(self.submit_sheet.data)

    def values(self) -> tuple[dict[int, Decimal | None], dict[int, str], str]:
        """(scores, comments, overall comment) as sent."""
        scores = {cid: self.score_field(cid).data for cid in self.criterion_ids}
        comments = {cid: (self.comment_field(cid).data or "").strip() for cid in self.criterion_ids}
        return scores, comments, (self.overall_comment.data or "").strip()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.submitting:
            for cid in self.criterion_ids:
                field = self.score_field(cid)
                if field.data is None and not field.errors:
                    field.errors.append(_l("Give a score for this criterion before submitting the sheet."))
                    valid = False
        return valid


def sheet_form(criteria, scale: Scale, **kwargs) -> SheetForm:
    """A score sheet form for these criteria, on this scale."""

    class EditionSheetForm(SheetForm):
        pass

    for criterion in criteria:
        setattr(
            EditionSheetForm,
            f"score_{criterion.id}",
            ScoreField(
                _l("Score for %(criterion)s", criterion=criterion.name),
                scale=scale,
                description=_l(
                    "From %(min)s to %(max)s, in steps of %(step)s.",
                    min=local_score(scale.min),
                    max=local_score(scale.max),
                    step=local_score(scale.step),
                ),
            ),
        )
        setattr(
            EditionSheetForm,
            f"comment_{criterion.id}",
            TextAreaField(
                _l("Comment on %(criterion)s", criterion=criterion.name),
                validators=[Length(max=COMMENT_MAX)],
                description=_l("Optional."),
                render_kw={"rows": 2},
            ),
        )
    EditionSheetForm.criterion_ids = [criterion.id for criterion in criteria]
    return EditionSheetForm(**kwargs)


class RecusalForm(FlaskForm):
    reason = TextAreaField(
        _l("Why you cannot score this entry impartially"),
        validators=[DataRequired(_l("Say why you have a conflict of interest.")), Length(max=REASON_MAX)],
        description=_l("For example: you advised this municipality, or work with one of its partners."),
        render_kw={"rows": 3},
    )
    recuse = SubmitField(_l("Declare a conflict and recuse myself"))


class ScreeningForm(FlaskForm):
    application_id = HiddenField(validators=[DataRequired()])
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice("eligible", _l("Eligible")), SelectChoice("ineligible", _l("Ineligible"))],
        validators=[InputRequired(_l("Choose eligible or ineligible."))],
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[Length(max=REASON_MAX)],
        description=_l("Required when the application is ineligible; the applicant receives it by email."),
        render_kw={"rows": 2},
    )
    save = SubmitField(_l("Save decision"))

    def validate_reason(self, field):
        if self.decision.data == "ineligible" and not (field.data or "").strip():
            raise ValidationError(_l("Give the reason why the application is ineligible."))


class InviteJurorForm(FlaskForm):
    name = StringField(
        _l("Name"),
        filters=[lambda value: value.strip() if value else value],
        validators=[DataRequired(_l("Give the juror's name.")), Length(max=200)],
    )
    email = EmailField(
        _l("Email"),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[DataRequired(_l("Give the juror's email address.")), Email(), Length(max=254)],
        description=_l("An existing juror account with this address is simply added to the jury."),
    )
    country = SelectField(
        _l("Country"),
        choices=[SelectChoice("", _l("Choose a country"))],
        validators=[
            DataRequired(_l("Choose the juror's country: it decides which entries they may not score."))
        ],
    )
    invite = SubmitField(_l("Invite to the jury"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [
            SelectChoice("", _l("Choose a country")),
            *(SelectChoice(code, name) for code, name in member_state_choices(current_language())),
        ]


class BalancedAssignmentForm(FlaskForm):
    jurors_per_entry = IntegerField(
        _l("Jurors per entry"),
        default=3,
        validators=[
            InputRequired(_l("Say how many jurors should score each entry.")),
            NumberRange(min=1, max=100, message=_l("Choose a number from 1 to 100.")),
        ],
        render_kw={"min": 1, "max": 100},
    )
    balance = SubmitField(_l("Assign automatically"))


class ManualAssignmentForm(FlaskForm):
    juror_id = SelectField(_l("Juror"), coerce=int, validators=[InputRequired()])
    application_id = SelectField(_l("Entry"), coerce=int, validators=[InputRequired()])
    add = SubmitField(_l("Assign"))
