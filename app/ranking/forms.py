"""The jury's awards form: one place and one citation, in English and in French, per eligible entry."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from app.formatting import page_ordinal
from app.i18n import LANGUAGES
from app.ranking.deliberation import CITATION_MAX, JUSTIFICATION_MAX, AwardDecision
from app.ranking.enums import AwardKind
from app.ranking.scores import Entry

MENTION = "mention"


class AwardsForm(FlaskForm):
    """The awards of an edition; `awards_form` adds a place and two citation fields (English, French) per
    entry."""

    justification = TextAreaField(
        _l("Justification"),
        validators=[Optional(), Length(max=JUSTIFICATION_MAX)],
        description=_l(
            "Required when the places depart from the computed ranking. It is kept in the audit log and "
            "printed in the jury report."
        ),
    )
    submit = SubmitField(_l("Save the awards"))

    entry_ids: tuple[int, ...] = ()

    def place_field(self, entry_id: int):
        return self[f"award_{entry_id}"]

    def citation_fields(self, entry_id: int) -> tuple:
        """The entry's citation in English and in French."""
        return tuple(self[f"citation_{language}_{entry_id}"] for language in LANGUAGES)

    def decisions(self) -> list[AwardDecision]:
        """The jury's choices, one per entry given a place or a mention (of the places the form offers: a
        refused form is shown again with its departures from the ranking)."""
        chosen = []
        for entry_id in self.entry_ids:
            place = self.place_field(entry_id)
            value = "" if place.errors else place.data or ""  # a place not offered is no decision
            citations = [field.data or "" for field in self.citation_fields(entry_id)]
            if value == MENTION:
                chosen.append(AwardDecision(entry_id, AwardKind.SPECIAL_MENTION, None, *citations))
            elif value:
                chosen.append(AwardDecision(entry_id, AwardKind.PRIZE, int(value), *citations))
        return chosen


def place_choices(prizes_count: int) -> list[SelectChoice]:
    places = [
        SelectChoice(str(n), _("%(place)s place", place=page_ordinal(n))) for n in range(1, prizes_count + 1)
    ]
    return [SelectChoice("", _("No award")), *places, SelectChoice(MENTION, _("Special mention"))]


def awards_form(
    entries: Iterable[Entry], prizes_count: int, decisions: dict[int, AwardDecision], justification: str = ""
) -> AwardsForm:
    """The awards form for these entries, pre-filled with `decisions` (posted data wins)."""
    entries = list(entries)
    choices = place_choices(prizes_count)

    class Form(AwardsForm):
        entry_ids = tuple(entry.id for entry in entries)

    data = {"justification": justification}
    for entry in entries:
        setattr(
            Form,
            f"award_{entry.id}",
            SelectField(
                _l(
                    "Award for %(reference)s, %(organisation)s",
                    reference=entry.reference,
                    organisation=entry.organisation,
                ),
                choices=choices,
                validate_choice=True,
            ),
        )
        for language, label in (
            ("en", _l("Citation for %(organisation)s in English", organisation=entry.organisation)),
            ("fr", _l("Citation for %(organisation)s in French", organisation=entry.organisation)),
        ):
            field = TextAreaField(
                label, validators=[Optional(), Length(max=CITATION_MAX)], render_kw={"lang": language}
            )
            setattr(Form, f"citation_{language}_{entry.id}", field)
        decision = decisions.get(entry.id)
        if decision is not None:
            data[f"award_{entry.id}"] = MENTION if decision.place is None else str(decision.place)
            data[f"citation_en_{entry.id}"] = decision.citation_en
            data[f"citation_fr_{entry.id}"] = decision.citation_fr
    return Form(data=data)
