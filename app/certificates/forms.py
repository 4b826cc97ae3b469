"""Forms of the certificates: issue or reissue, revoke, look up a code, and an edition's design."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, ColorField, FieldList, Form, FormField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from app.certificates.design import (
    MAX_PICTURE_BYTES,
    CheckedPicture,
    DesignValues,
    PictureRefused,
    SignatoryValues,
    check_picture,
)
from app.certificates.look import HEX_COLOUR, MIN_CONTRAST, contrast_on_white
from app.certificates.models import MAX_SIGNATORIES

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


# --- The certificate design ---------------------------------------------------------------------------------

PICTURE_ACCEPT = "image/png,image/jpeg,.png,.jpg,.jpeg"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.strip().lower() if isinstance(value, str) else value


def _text(label, length: int, description=None) -> StringField:
    return StringField(
        label, validators=[Optional(), Length(max=length)], filters=[_strip], description=description
    )


class _PictureField(FileField):
    """An optional PNG or JPEG upload, checked by its content; ``picture`` holds it once it passed."""

    picture: CheckedPicture | None = None

    def pre_validate(self, form) -> None:
        self.picture = None
        upload = self.data
        if upload is None or not getattr(upload, "filename", ""):
            return
        data = upload.stream.read(MAX_PICTURE_BYTES + 1)
        try:
            self.picture = check_picture(data, upload.filename)
        except PictureRefused as refusal:
            raise ValidationError(str(refusal)) from None


class _ContrastOnWhite:
    """The accent colour is the colour of the main text: it must read on white (WCAG AA, 4.5 to 1)."""

    def __call__(self, form, field) -> None:
        if not HEX_COLOUR.fullmatch(field.data or ""):
            return  # the format's own message says what is wrong
        if (ratio := contrast_on_white(field.data)) < MIN_CONTRAST:
            raise ValidationError(
                _(
                    "This colour is too light to read on white (contrast %(ratio)s to 1; at least 4.5 to 1 "
                    "is needed): choose a darker one.",
                    ratio=f"{ratio:.1f}",
                )
            )


class SignatoryForm(Form):
    name = _text(_l("Name"), 200)
    title_en = _text(_l("Title in English"), 300)
    title_fr = _text(_l("Title in French"), 300)
    signature = _PictureField(
        _l("Signature (PNG or JPEG, up to 2 MB)"),
        description=_l("A scan of the signature, on a white or transparent background."),
        render_kw={"accept": PICTURE_ACCEPT},
    )
    remove_signature = BooleanField(_l("Remove the signature"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        given = self.name.data or self.signature.picture is not None
        if valid and given and not (self.title_en.data or self.title_fr.data):
            self.title_en.errors.append(_("Give the signatory's title, in English, French or both."))
            return False
        return valid


class DesignForm(FlaskForm):
    accent_colour = ColorField(
        _l("Accent colour"),
        validators=[
            InputRequired(message=_l("Choose a colour.")),
            Regexp(r"^#[0-9a-f]{6}$", message=_l("Give a colour as # followed by six hexadecimal digits.")),
            _ContrastOnWhite(),
        ],
        filters=[_lower],
        description=_l("The colour of the frame, the headings, the names and the QR code."),
    )
    awarding_body_en = _text(_l("Awarding body in English"), 300)
    awarding_body_fr = _text(_l("Awarding body in French"), 300)
    prize_name_en = _text(_l("Prize name in English"), 200)
    prize_name_fr = _text(_l("Prize name in French"), 200)
    logo = _PictureField(
        _l("Logo (PNG or JPEG, up to 2 MB)"),
        description=_l("Printed at the top left. SVG drawings are not accepted: export them as PNG."),
        render_kw={"accept": PICTURE_ACCEPT},
    )
    logo_text_en = _text(
        _l("What the logo shows, in English"), 200, _l("Read out by screen readers in place of the logo.")
    )
    logo_text_fr = _text(_l("What the logo shows, in French"), 200)
    remove_logo = BooleanField(_l("Remove the logo"))
    signatories = FieldList(
        FormField(SignatoryForm), min_entries=MAX_SIGNATORIES, max_entries=MAX_SIGNATORIES
    )

    def values(self) -> DesignValues:
        return DesignValues(
            accent_colour=self.accent_colour.data,
            awarding_body_en=self.awarding_body_en.data or "",
            awarding_body_fr=self.awarding_body_fr.data or "",
            prize_name_en=self.prize_name_en.data or "",
            prize_name_fr=self.prize_name_fr.data or "",
            logo_text_en=self.logo_text_en.data or "",
            logo_text_fr=self.logo_text_fr.data or "",
            logo=self.logo.picture,
            remove_logo=self.remove_logo.data,
            signatories=tuple(
                SignatoryValues(
                    name=entry.form.name.data or "",
                    title_en=entry.form.title_en.data or "",
                    title_fr=entry.form.title_fr.data or "",
                    signature=entry.form.signature.picture,
                    remove_signature=entry.form.remove_signature.data,
                )
                for entry in self.signatories
            ),
        )
