"""The organiser's edition form, criteria included."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.contests import services
from app.contests.enums import Aggregation
from app.contests.models import Edition
from app.formatting import format_score, local_time_exists, local_to_utc
from app.validators import WithinYears

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
MAX_WEIGHT = Decimal("9999.99")  # Numeric(6, 2)

DUPLICATE_NAME = {
    "name_en": _l("Give each criterion its own name in English: another one has this name."),
    "name_fr": _l("Give each criterion its own name in French: another one has this name."),
}

AGGREGATION_LABELS = {
    Aggregation.MEAN.value: _l("Mean of the jurors' totals"),
    Aggregation.MEDIAN.value: _l("Median of the jurors' totals"),
    Aggregation.TRIMMED_MEAN.value: _l(
        "Trimmed mean (highest and lowest totals dropped from five sheets on)"
    ),
    Aggregation.ZSCORE.value: _l("Per-juror z-score normalisation (corrects harsh and lenient jurors)"),
}


def _in(language: str, label, length: int, rows: int | None = None):
    """One language of a text organisers write: optional by itself, its input marked with `lang`."""
    kind, render_kw = (TextAreaField, {"rows": rows}) if rows else (StringField, {})
    return kind(label, validators=[Optional(), Length(max=length)], render_kw={**render_kw, "lang": language})


class CriterionForm(Form):
    """One criterion row; a row with no id and no text is an unused 'add' row."""

    id = HiddenField()
    name_en = _in("en", _l("Name in English"), 120)
    name_fr = _in("fr", _l("Name in French"), 120)
    description_en = _in("en", _l("What applicants are asked, in English"), 5000, rows=3)
    description_fr = _in("fr", _l("What applicants are asked, in French"), 5000, rows=3)
    guidance_en = _in("en", _l("Guidance for jurors in English: what a high score means"), 5000, rows=3)
    guidance_fr = _in("fr", _l("Guidance for jurors in French: what a high score means"), 5000, rows=3)
    weight = DecimalField(
        _l("Weight"),
        places=None,
        default=Decimal(1),
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    position = IntegerField(_l("Order"), validators=[Optional()], render_kw={"inputmode": "numeric"})
    remove = BooleanField(_l("Remove this criterion"))

    @property
    def is_blank(self) -> bool:
        texts = (self[name].data for name in services.CRITERION_TEXTS)
        return not (self.id.data or any((text or "").strip() for text in texts))


class EditionForm(FlaskForm):
    # The hints of the texts in two languages are in the template, once for both inputs.
    name_en = _in("en", _l("Name in English"), 200)
    name_fr = _in("fr", _l("Name in French"), 200)
    ordinal = IntegerField(
        _l("Edition number"),
        validators=[InputRequired(), NumberRange(min=1, max=999)],
        description=_l("4 for the 4th edition."),
    )
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=1990, max=9999)])
    slug = StringField(
        _l("Address on the site"),
        validators=[DataRequired(), Length(max=80)],
        description=_l(
            "Lowercase letters, digits and hyphens, for example dosta-2015: /editions/dosta-2015."
        ),
    )
    description_en = _in("en", _l("Description in English"), 10000, rows=4)
    description_fr = _in("fr", _l("Description in French"), 10000, rows=4)
    reference_prefix = StringField(
        _l("Reference prefix"),
        default="DOSTA",
        validators=[DataRequired(), Length(max=12)],
        description=_l("Application references read PREFIX-YEAR-NUMBER, for example DOSTA-2013-007."),
    )

    submissions_open_at = DateTimeLocalField(
        _l("Applications open"), format=DATETIME_FORMATS, validators=[InputRequired(), WithinYears()]
    )
    submissions_close_at = DateTimeLocalField(
        _l("Application deadline"), format=DATETIME_FORMATS, validators=[InputRequired(), WithinYears()]
    )
    judging_close_at = DateTimeLocalField(
        _l("Judging closes"), format=DATETIME_FORMATS, validators=[InputRequired(), WithinYears()]
    )
    results_publish_at = DateTimeLocalField(
        _l("Results to be published"),
        format=DATETIME_FORMATS,
        validators=[Optional(), WithinYears()],
        description=_l("Planned; usually the ceremony. Optional."),
    )

    prizes_count = IntegerField(
        _l("Number of prizes"), default=3, validators=[InputRequired(), NumberRange(min=1, max=20)]
    )
    score_min = DecimalField(
        _l("Lowest score"), places=None, default=Decimal(0), validators=[InputRequired()]
    )
    score_max = DecimalField(
        _l("Highest score"), places=None, default=Decimal(10), validators=[InputRequired()]
    )
    score_step = DecimalField(
        _l("Score step"),
        places=None,
        default=Decimal(1),
        validators=[InputRequired()],
        description=_l("1 for whole points, 0.5 for half points. It must divide the range."),
    )
    aggregation = SelectField(
        _l("How jurors' totals are combined"),
        choices=[SelectChoice(value, label) for value, label in AGGREGATION_LABELS.items()],
        default=Aggregation.MEAN.value,
    )
    min_sheets_per_entry = IntegerField(
        _l("Minimum score sheets per application"),
        default=3,
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        description=_l("Applications with fewer submitted sheets are marked in the ranking."),
    )
    reveal_scores_to_jury = BooleanField(
        _l("Show jurors each other's scores once judging has closed"),
        default=False,
        description=_l("Off by default: jurors see only their own score sheets."),
    )

    ceremony_date = DateField(_l("Ceremony date"), validators=[Optional(), WithinYears()])
    ceremony_place_en = _in("en", _l("Ceremony place in English"), 200)
    ceremony_place_fr = _in("fr", _l("Ceremony place in French"), 200)

    criteria = FieldList(FormField(CriterionForm), min_entries=0, max_entries=30)

    # Set by the route before validation.
    edition: Edition | None = None
    answered: dict[int, int] | None = None

    LOCKED_FIELDS = ("score_min", "score_max", "score_step", "criteria")
    DATE_FIELDS = services.DATE_FIELDS

    @property
    def locked(self) -> bool:
        return "criteria" not in self._fields

    def lock(self) -> None:
        """Leave criteria and scale out of this form: they are shown read-only and never saved."""
        for name in self.LOCKED_FIELDS:
            if name in self._fields:
                delattr(self, name)

    def validate_slug(self, field):
        field.data = (field.data or "").strip()
        if not services.SLUG_PATTERN.match(field.data):
            raise ValidationError(
                _l("Use only lowercase letters, digits and single hyphens, e.g. dosta-2015.")
            )
        if services.slug_taken(field.data, except_id=self.edition.id if self.edition else None):
            raise ValidationError(_l("Another edition already uses this address."))

    def validate_reference_prefix(self, field):
        field.data = (field.data or "").strip().upper()
        if not services.PREFIX_PATTERN.match(field.data):
            raise ValidationError(_l("Use only letters and digits, e.g. DOSTA."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not _given(self.name_en.data, self.name_fr.data):
            valid = self._fail(self.name_en, _l("Give the name in English, in French or in both."))
        valid = self._validate_dates() and valid
        if not self.locked:
            valid = self._validate_scale() and valid
            valid = self._validate_criteria() and valid
        return valid

    def _fail(self, field, message) -> bool:
        field.errors.append(message)
        return False

    def _validate_dates(self) -> bool:
        valid = True
        for name in self.DATE_FIELDS:
            field = self[name]
            if field.errors:  # a year the conversions cannot take: said already, and compared with nothing
                valid = False
                continue
            if field.data is not None and not local_time_exists(field.data):
                valid = self._fail(
                    field, _l("This time does not exist in Strasbourg: the clocks go forward that night.")
                )
        opens, closes = self.submissions_open_at.data, self.submissions_close_at.data
        judging, publish = self.judging_close_at.data, self.results_publish_at.data
        if opens and closes and not opens < closes:
            valid = self._fail(self.submissions_close_at, _l("The deadline must be after applications open."))
        if closes and judging and not closes <= judging:
            valid = self._fail(
                self.judging_close_at, _l("Judging cannot close before the application deadline.")
            )
        if judging and publish and not judging <= publish:
            valid = self._fail(
                self.results_publish_at, _l("Results cannot be published before judging closes.")
            )
        return valid

    def _validate_scale(self) -> bool:
        valid = True
        for field in (self.score_min, self.score_max, self.score_step):
            if field.data is not None and not field.data.is_finite():
                field.data = None
                valid = self._fail(field, _l("Enter a number."))
        low, high, step = self.score_min.data, self.score_max.data, self.score_step.data
        if low is None or high is None or step is None:
            return False  # the field's own message says what is missing
        if low < 0:
            valid = self._fail(self.score_min, _l("The lowest score cannot be negative."))
        if high > 100:
            valid = self._fail(self.score_max, _l("The highest score can be at most 100."))
        if not low < high:
            valid = self._fail(self.score_max, _l("The highest score must be above the lowest score."))
        if step <= 0:
            valid = self._fail(self.score_step, _l("The step must be more than 0."))
        elif low < high and (high - low) % step != 0:
            valid = self._fail(
                self.score_step,
                _l(
                    "The step must divide the range from %(low)s to %(high)s exactly.",
                    low=format_score(low),
                    high=format_score(high),
                ),
            )
        for field in (self.score_min, self.score_max, self.score_step):
            if valid and not _two_decimals(field.data):
                valid = self._fail(field, _l("Use at most two decimals."))
        return valid

    def _validate_criteria(self) -> bool:
        valid = True
        existing = {c.id: c for c in self.edition.criteria} if self.edition else {}
        answered = self.answered or {}
        names: dict[str, set[str]] = {"name_en": set(), "name_fr": set()}
        kept = 0
        for row in self.criteria:
            entry = row.form
            if entry.is_blank:
                continue
            criterion_id = _int_or_none(entry.id.data)
            if entry.id.data and criterion_id not in existing:
                valid = self._fail(entry.name_en, _l("This criterion does not belong to the edition."))
                continue
            if entry.remove.data:
                if criterion_id is not None and answered.get(criterion_id):
                    valid = self._fail(
                        entry.remove,
                        _nl(
                            "%(num)d application answers this criterion: it cannot be removed.",
                            "%(num)d applications answer this criterion: it cannot be removed.",
                            answered[criterion_id],
                        ),
                    )
                continue
            kept += 1
            if not _given(entry.name_en.data, entry.name_fr.data):
                valid = self._fail(
                    entry.name_en, _l("Give the criterion a name in English, in French or in both.")
                )
            for field, taken in ((entry.name_en, names["name_en"]), (entry.name_fr, names["name_fr"])):
                name = (field.data or "").strip().casefold()
                if name and name in taken:
                    valid = self._fail(field, DUPLICATE_NAME[field.short_name])
                taken.add(name)
            weight = entry.weight.data
            if weight is not None and not weight.is_finite():
                weight = entry.weight.data = None
                entry.weight.errors.append(_l("Enter a number."))
            if weight is None:
                if not entry.weight.errors:
                    valid = self._fail(entry.weight, _l("Give a weight, for example 1."))
                else:
                    valid = False
            elif not Decimal(0) < weight <= MAX_WEIGHT:
                valid = self._fail(entry.weight, _l("The weight must be more than 0 (and at most 9999)."))
            elif not _two_decimals(weight):
                valid = self._fail(entry.weight, _l("Use at most two decimals."))
        if kept == 0:
            self.form_errors.append(_l("An edition needs at least one criterion."))
            valid = False
        return valid

    def edition_values(self) -> services.EditionValues:
        """The validated form as values for the services, times converted to UTC."""
        values = {}
        for name in services.EDITION_FIELDS:
            if name not in self._fields:
                continue
            value = self[name].data
            if name in self.DATE_FIELDS:
                value = local_to_utc(value)
            elif isinstance(value, str):
                value = _text(value)
            values[name] = value
        for name in services.EDITION_TEXTS:
            values[name] = values.get(name) or ""
        rows = []
        if not self.locked:
            for order, row in enumerate(self.criteria):
                entry = row.form
                if entry.is_blank:
                    continue
                rows.append(
                    services.CriterionChange(
                        id=_int_or_none(entry.id.data),
                        **{name: _text(entry[name].data) for name in services.CRITERION_TEXTS},
                        weight=entry.weight.data if entry.weight.data is not None else Decimal(1),
                        position=entry.position.data if entry.position.data is not None else 10_000 + order,
                        remove=bool(entry.remove.data),
                    )
                )
        return services.EditionValues(values=values, criteria=rows)


def _text(value: str | None) -> str:
    """Browsers send text areas with CRLF line ends; store LF, without surrounding blanks."""
    return (value or "").replace("\r\n", "\n").strip()


def _given(*texts: str | None) -> bool:
    """True when at least one language has a text."""
    return any((text or "").strip() for text in texts)


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def locked_fields_sent(formdata, edition: Edition) -> bool:
    """True when a request tries to change the scale or the criteria of an edition whose criteria are locked.

    The locked form sends none of these fields; a stale page may send them unchanged, which is harmless.
    """
    for name in ("score_min", "score_max", "score_step"):
        if name in formdata:
            sent = _decimal_or_none(formdata.get(name))
            if sent is None or sent != getattr(edition, name):
                return True
    rows: dict[str, dict[str, str]] = {}
    for key in formdata:
        if key.startswith("criteria-"):
            parts = key.split("-", 2)
            if len(parts) != 3:
                return True
            rows.setdefault(parts[1], {})[parts[2]] = formdata.get(key)
    existing = {str(c.id): c for c in edition.criteria}
    for row in rows.values():
        text = [_text(row.get(name)) for name in services.CRITERION_TEXTS]
        if not row.get("id") and not any(text):
            continue  # an unused "add" row
        criterion = existing.get(row.get("id", ""))
        if criterion is None or row.get("remove") not in (None, "", "n", "no", "false", "off"):
            return True
        if text != [_text(getattr(criterion, name)) for name in services.CRITERION_TEXTS]:
            return True
        if "weight" in row and _decimal_or_none(row["weight"]) != criterion.weight:
            return True
        if "position" in row and row["position"].strip() != str(criterion.position + 1):
            return True
    return False


def _decimal_or_none(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _two_decimals(value: Decimal) -> bool:
    try:
        return value == value.quantize(Decimal("0.01"))
    except ArithmeticError:
        return False
