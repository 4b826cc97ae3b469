"""app/i18n.py: organisers' texts read in the reader's language, with a visible fallback."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.contests.models import Edition
from app.i18n import LocalText, marked, text_in


def _read(item, field: str, language: str) -> LocalText:
    with force_locale(language):
        return getattr(item, field)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "4th Dosta!-Congress Prize"), ("fr", "4e Prix Dosta!-Congrès")],
)
def test_translated_reads_the_readers_language(make, language, expected):
    edition = make.edition(name_en="4th Dosta!-Congress Prize", name_fr="4e Prix Dosta!-Congrès")

    text = _read(edition, "name", language)

    assert (text, text.lang, text.fallback) == (expected, language, False)


def test_translated_falls_back_to_english_for_a_french_reader(make):
    edition = make.edition(ceremony_place_en="Strasbourg, 25th session", ceremony_place_fr="")

    text = _read(edition, "ceremony_place", "fr")

    assert (text, text.lang, text.fallback) == ("Strasbourg, 25th session", "en", True)


def test_translated_falls_back_to_french_for_an_english_reader(make):
    edition = make.edition(name_en="", name_fr="Prix Dosta!-Congrès")

    text = _read(edition, "name", "en")

    assert (text, text.lang, text.fallback) == ("Prix Dosta!-Congrès", "fr", True)


def test_translated_empty_in_both_languages_is_empty_and_no_fallback(make):
    edition = make.edition(description_en="", description_fr="")

    text = _read(edition, "description", "fr")

    assert (text, text.lang, text.fallback) == ("", "fr", False)


def test_translated_writes_and_queries_the_english_text(make, db):
    edition = make.edition(name_fr="Nom français")

    edition.name = "English name"
    db.session.flush()

    assert (edition.name_en, edition.name_fr) == ("English name", "Nom français")
    assert db.session.scalar(select(Edition.id).where(Edition.name == "English name")) == edition.id


def test_text_in_gives_the_asked_language_whatever_the_page(make):
    edition = make.edition(name_en="English name", name_fr="Nom français")

    with force_locale("en"):
        text = text_in(edition, "name", "fr")

    assert (text, text.lang, text.fallback) == ("Nom français", "fr", False)


def test_marked_fallback_carries_lang_and_a_visible_note(app):
    with app.test_request_context(), force_locale("en"):
        html = marked(LocalText("Prix Dosta!-Congrès", "fr", fallback=True))

    assert (
        html == '<span lang="fr">Prix Dosta!-Congrès</span> <span class="fallback-note">(French only)</span>'
    )


def test_marked_text_in_the_page_language_is_plain_and_escaped(app):
    with app.test_request_context(), force_locale("en"):
        html = marked(LocalText("Roma & Travellers", "en"))

    assert html == "Roma &amp; Travellers"
