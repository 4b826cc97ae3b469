"""The interface's languages and the organisers' texts written in each of them.

Infrastructure: imports no domain. The page's language is chosen by `select_locale` (a signed-in user's
preference, then the `lang` cookie a visitor's switch sets, then the browser's languages, then English).

Texts that organisers write (an edition's name, a criterion's question, a citation) are stored once per
language, as `<field>_en` and `<field>_fr`. `translated(field)` gives the model a `<field>` attribute that
reads in the reader's language and falls back, visibly, to another language when the reader's is empty
(`LocalText.fallback`); it writes and queries the English text, so code that predates the French columns
keeps its meaning.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError, default_locale
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.ext.hybrid import hybrid_property

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def check_catalogues(app: Flask) -> None:
    """Say at start-up when a language's compiled catalogue is missing or older than its source: its pages
    would silently show English (`make install` and `pybabel compile -d app/translations` compile them)."""
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        source = Path(app.root_path) / "translations" / language / "LC_MESSAGES" / "messages.po"
        compiled = source.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
            app.logger.warning(
                "The %s catalogue is not compiled or is out of date: "
                "run `pybabel compile -d app/translations`.",
                language,
            )


def language_name(code: str, in_language: str | None = None) -> str:
    """'English', 'Français'; 'anglais' when named in French."""
    return Locale.parse(code).get_display_name(in_language or code)


def current_language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def command_line_language() -> str:
    """The language of the command line's messages: COMMAND_LINE_LANGUAGE when configured, else the
    system's (LANGUAGE, LC_ALL, LC_MESSAGES, LANG: `LANG=fr_FR.UTF-8 flask ...` speaks French)."""
    configured = current_app.config.get("COMMAND_LINE_LANGUAGE")
    if configured in LANGUAGES:
        return configured
    try:
        system = Locale.parse(default_locale("LC_MESSAGES") or DEFAULT_LANGUAGE).language
    except (ValueError, UnknownLocaleError):
        system = DEFAULT_LANGUAGE
    return system if system in LANGUAGES else DEFAULT_LANGUAGE


def command_request():
    """A request context for a command (links and templates need one), in the command line's language, with
    the public address as its host."""
    return current_app.test_request_context(
        base_url=current_app.config["PUBLIC_BASE_URL"],
        headers={"Accept-Language": command_line_language()},
    )


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    if not has_request_context():
        return command_line_language()
    preferred = getattr(current_user, "language", None)
    if preferred in LANGUAGES:
        return preferred
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


class LocalText(str):
    """A text in one language: `lang` is the language it is written in, `fallback` is True when it stands in
    for a reader's language that has no text."""

    lang: str
    fallback: bool

    def __new__(cls, value: str, lang: str, fallback: bool = False) -> LocalText:
        text = super().__new__(cls, value)
        text.lang = lang
        text.fallback = fallback
        return text

    def __getnewargs__(self) -> tuple[str, str, bool]:  # copy and pickle keep the language
        return (str(self), self.lang, self.fallback)


def pick(texts: dict[str, str], language: str) -> LocalText:
    """The text in `language`, else the first other language's that is not empty (flagged as a fallback)."""
    if texts.get(language):
        return LocalText(texts[language], language)
    for other in LANGUAGES:
        if texts.get(other):
            return LocalText(texts[other], other, fallback=True)
    return LocalText("", language)


def texts_of(obj, field: str) -> dict[str, str]:
    return {language: getattr(obj, f"{field}_{language}") or "" for language in LANGUAGES}


def text_in(obj, field: str, language: str) -> LocalText:
    """`obj`'s `field` in a given language (a certificate's, an email's), with the same fallback."""
    return pick(texts_of(obj, field), language)


def translated(field: str) -> hybrid_property:
    """The `field` attribute of a model with `<field>_en` and `<field>_fr` columns (see the module's doc)."""

    def read(self) -> LocalText:
        return text_in(self, field, current_language())

    def write(self, value: str) -> None:
        setattr(self, f"{field}_{DEFAULT_LANGUAGE}", value)

    def query(cls):
        return getattr(cls, f"{field}_{DEFAULT_LANGUAGE}")

    return hybrid_property(read, write, expr=query)


def marked(text: str) -> Markup:
    """A template filter: the text, and where it stands in for the page's language, marked with `lang` and a
    visible note ('(French only)'), so readers and screen readers both know."""
    if not isinstance(text, LocalText) or not text.fallback:
        return escape(text)
    note = gettext("(%(language)s only)", language=language_name(text.lang, current_language()))
    return Markup('<span lang="{}">{}</span> <span class="fallback-note">{}</span>').format(
        text.lang, text, note
    )
