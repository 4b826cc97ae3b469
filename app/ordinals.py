"""Ordinal numbers in the prize's languages: '1st', '2nd', '11th'; '1er', '2e'.

Pure (standard library only), so that the certificate renderer, which loads without Flask, and the pages,
which pass the page's language (`app.formatting.page_language()`), write them the same way.
"""


def ordinal(number: int, language: str) -> str:
    """`number` as an ordinal in `language` ('en' or 'fr'; a French locale such as 'fr_FR' is French)."""
    if language.startswith("fr"):
        return "1er" if number == 1 else f"{number}e"
    suffix = "th" if number % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
