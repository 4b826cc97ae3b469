"""The language of a name written in a script other than Latin, where its country tells which one it is.

Pure: `name_language("Ηράκλειο", "GR") == "el"`. A page marks such a name with `lang` (the `in_script`
template filter) so that a screen reader reads it with the right voice. A name in Latin letters, or in a
script its country does not settle (Cyrillic in Bosnia and Herzegovina or Montenegro: Serbian, Bosnian or
Montenegrin), gets no `lang`: the page's own language is then the best guess.
"""

from __future__ import annotations

import unicodedata

# (ISO 3166 country, Unicode script) -> BCP 47 language, for the Council of Europe's member states.
LANGUAGES = {
    ("GR", "GREEK"): "el",
    ("CY", "GREEK"): "el",
    ("BG", "CYRILLIC"): "bg",
    ("RS", "CYRILLIC"): "sr",
    ("MK", "CYRILLIC"): "mk",
    ("UA", "CYRILLIC"): "uk",
    ("AM", "ARMENIAN"): "hy",
    ("GE", "GEORGIAN"): "ka",
}
SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN")


def script_of(text: str) -> str | None:
    """The script of the text's first letter ("GREEK", "CYRILLIC", ...), None without a known one."""
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return next((script for script in SCRIPTS if name.startswith(script)), None)
    return None


def name_language(text: str, country: str | None) -> str | None:
    """The language to mark the name with, or None where it is Latin or its country does not tell."""
    script = script_of(text or "")
    if script is None or script == "LATIN" or not country:
        return None
    return LANGUAGES.get((country.upper(), script))
