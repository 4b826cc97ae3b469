"""app/languages.py: which names get a lang, and the in_script filter that marks them."""

import pytest

from app.formatting import in_script
from app.languages import name_language, script_of


@pytest.mark.parametrize(
    ("name", "country", "language"),
    [
        ("Ηράκλειο", "GR", "el"),
        ("Λευκωσία", "CY", "el"),
        ("Лом", "BG", "bg"),
        ("Крагујевац", "RS", "sr"),
        ("Скопје", "MK", "mk"),
        ("Київ", "UA", "uk"),
        ("Երևան", "AM", "hy"),
        ("თბილისი", "GE", "ka"),
        ("Heraklion", "GR", None),  # Latin letters: the page's language
        ("Лом", "BA", None),  # Cyrillic in Bosnia and Herzegovina: Serbian or Bosnian, not known
        ("Ηράκλειο", "FR", None),  # Greek in France: not known
        ("Ηράκλειο", None, None),
        ("", "GR", None),
        ("2013 Ηράκλειο", "gr", "el"),  # the first letter counts, the country in either case
    ],
)
def test_name_language(name, country, language):
    assert name_language(name, country) == language


def test_script_of_the_first_letter():
    assert script_of("«Ηράκλειο» Demo") == "GREEK"
    assert script_of("123 —") is None


def test_in_script_wraps_and_escapes():
    assert in_script("Ηράκλειο <b>", "GR") == '<span lang="el">Ηράκλειο &lt;b&gt;</span>'
    assert in_script("Kocaeli", "TR") == "Kocaeli"
    assert in_script(None, "GR") == ""
