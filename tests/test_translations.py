"""The French catalogue is complete, and no interface text escapes gettext.

- Every message that `make translations` extracts has a French translation that is neither empty nor fuzzy,
  with the same placeholders as the English.
- Templates hold no bare English: text between tags and the attributes a person reads or hears (alt,
  title, placeholder, aria-label) are gettext calls. (Text produced by Python, flashes and form labels, is
  checked by the French crawl of every page in tests/test_french_pages.py.)
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "app/translations/fr/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def _keywords() -> list[str]:
    """The extraction keywords, read from the Makefile so that the test and `make translations` agree."""
    line = re.search(r"^BABEL_KEYWORDS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    return line.group(1).split()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", *_keywords()]
        + ["-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as f:
        return [m for m in read_po(f) if m.id]


@pytest.fixture(scope="module")
def french():
    with CATALOGUE.open("rb") as f:
        return read_po(f)


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _strings(message) -> tuple[str, ...]:
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def test_extraction_finds_the_interface(extracted):
    # Guards the test itself: a broken extraction would make every later check pass on nothing.
    assert len(extracted) > 1000
    assert any(_key(m) == "Log in" for m in extracted)


def test_every_extracted_string_is_translated_into_french(extracted, french):
    problems = []
    for message in extracted:
        entry = french.get(message.id)
        if entry is None:
            problems.append(f"missing: {_key(message)!r} ({message.locations[0][0]})")
        elif entry.fuzzy:
            problems.append(f"fuzzy: {_key(message)!r}")
        elif not all(_strings(entry)):
            problems.append(f"untranslated: {_key(message)!r}")
    assert problems == [], "Run `make translations` and translate:\n" + "\n".join(problems)


def test_french_keeps_every_placeholder(french):
    problems = []
    for message in french:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        expected = sorted(PLACEHOLDER.findall(ids[-1]))
        for text in _strings(message):
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                problems.append(f"{_key(message)!r} -> {text!r}")
    assert problems == []


def test_french_plural_forms_are_those_of_french(french):
    assert french.num_plurals == 2
    assert french.plural_expr == "(n > 1)"


# --- No bare text in templates -----------------------------------------------------------------------------

TEMPLATES = ROOT / "templates"
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
READ_ATTRIBUTES = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"')
# Scripts and styles, and commands or code shown as they are typed (<kbd>sha256sum file.pdf</kbd>).
VERBATIM = re.compile(r"<(script|style|kbd|code|samp)\b.*?</\1>", re.S | re.I)
CLASS_BLOCK = re.compile(r"\{%\s*block \w+_class\s*%\}.*?\{%\s*endblock\s*%\}", re.S)
PATH = re.compile(r"/[\w./-]+")
TAG = re.compile(r"<[^>]*>", re.S)
WORD = re.compile(r"[A-Za-z]{2,}")
# What may stand bare: the prize's own name as a brand, symbols and names that are the same in every language.
ALLOWED = {"Dosta"}


def _bare_words(source: str) -> list[str]:
    without_jinja = JINJA.sub(" ", VERBATIM.sub(" ", CLASS_BLOCK.sub(" ", source)))
    without_jinja = PATH.sub(" ", without_jinja)
    attributes = " ".join(READ_ATTRIBUTES.findall(without_jinja))
    text = TAG.sub(" ", without_jinja)
    return [w for w in WORD.findall(text + " " + attributes) if w not in ALLOWED]


def _html_templates() -> list[Path]:
    # The PDF templates are pages too (the jury report, certificates); emails are checked by extraction.
    return sorted(p for p in TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _html_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_text_goes_through_gettext(template):
    assert _bare_words(template.read_text()) == []


def test_bare_word_check_finds_planted_text():
    planted = '<p>{{ _("Saved") }} Submitted</p><img alt="Logo" src="x"><a title="{{ _(\'Home\') }}">x</a>'
    assert _bare_words(planted) == ["Submitted", "Logo"]
