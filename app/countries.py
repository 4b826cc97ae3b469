"""The Council of Europe's 46 member states, named as the Council names them."""

import gettext
import unicodedata
from functools import cache

import pycountry

# ISO 3166-1 alpha-2 codes of the member states (since March 2022).
MEMBER_STATES = (
    "AL", "AD", "AM", "AT", "AZ", "BE", "BA", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "GE",
    "DE", "GR", "HU", "IS", "IE", "IT", "LV", "LI", "LT", "LU", "MT", "MD", "MC", "ME", "NL", "MK",
    "NO", "PL", "PT", "RO", "SM", "RS", "SK", "SI", "ES", "SE", "CH", "TR", "UA", "GB",
)  # fmt: skip

# Where the Council's usage differs from ISO's short name.
_ENGLISH_NAMES = {
    "CZ": "Czech Republic",
    "MD": "Republic of Moldova",
    "SK": "Slovak Republic",
    "TR": "Türkiye",
    "GB": "United Kingdom",
    "NL": "Netherlands",
    "MK": "North Macedonia",
}


@cache
def _french() -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"], fallback=True)


def country_name(code: str | None, language: str = "en") -> str:
    """The country's name for display; the code itself when it is unknown."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return code
    if language == "fr":
        return _french().gettext(country.name)
    return _ENGLISH_NAMES.get(country.alpha_2, getattr(country, "common_name", None) or country.name)


def member_state_choices(language: str = "en") -> list[tuple[str, str]]:
    """(code, name) pairs in `language`, in alphabetical order (Émirats beside Espagne, not after Zambie)."""
    pairs = ((code, country_name(code, language)) for code in MEMBER_STATES)
    return sorted(pairs, key=lambda pair: _alphabetical(pair[1]))


def _alphabetical(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def is_member_state(code: str | None) -> bool:
    return bool(code) and code.upper() in MEMBER_STATES
