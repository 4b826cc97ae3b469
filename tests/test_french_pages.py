"""Every page, in French, has no English left in its interface.

The crawl (tests/crawl.py) visits every page each role reaches in the demo, each form's error state and the
error pages, in French. From each page's visible text (and the attributes people hear: title, alt,
aria-label, placeholder) it first removes what people wrote (every text stored in the database: names,
titles, answers, comments), then looks for:
- any English phrase of the interface, taken from the catalogue (a message whose French differs), and
- English grammar words ("the", "your", "with"...), which no French sentence contains: they catch a string
  that never went through gettext, whichever module it came from.
"""

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import String, Text, select

from app.extensions import db
from tests.conftest import csrf_from
from tests.crawl import ERROR_URLS, ROLES, inventory
from tests.test_translations import CATALOGUE

ENGLISH_WORDS = re.compile(
    r"\b(the|The|your|Your|you|You|with|this|This|these|please|Please|which|from|have|has|been|will|should|"
    r"must|there|their|and|yet|only|already|cannot|can't|don't|isn't)\b"
)
# Statuses, kinds, roles, codes: stored words that no one wrote (they would hide "draft" in "Save draft").
MACHINE_VALUE = re.compile(r"[a-z_]*|.{0,2}")
PLACEHOLDER_OR_MARKUP = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|<[^>]*>|&\w+;")


def english_phrases() -> list[str]:
    """Runs of at least two words from every message whose French is not the English, and that French does not
    use too ("Windows (PowerShell)"): interface phrases."""
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    french = " ".join(
        s for m in catalogue if m.id for s in ((m.string,) if isinstance(m.string, str) else m.string)
    )
    phrases = set()
    for message in catalogue:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for english in ids:
            if english in strings:
                continue
            for piece in PLACEHOLDER_OR_MARKUP.split(english):
                piece = piece.strip(" .,:;!?()«»\"'·–—\n")
                if len(piece.split()) >= 2 and piece not in french:
                    phrases.add(piece)
    return sorted(phrases, key=len, reverse=True)


def written_by_people() -> list[str]:
    """Every text stored in the demo's database, longest first: what people wrote is no interface text."""
    texts = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            texts.update(
                value for value in row if isinstance(value, str) and not MACHINE_VALUE.fullmatch(value)
            )
    return sorted(texts, key=len, reverse=True)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HEARD = {"title", "alt", "aria-label", "placeholder"}


class _FrenchText(HTMLParser):
    """The text people read or hear on a French page, leaving out what is marked as another language
    (`lang="en"` on a certificate's own words, `lang="el"` on a Greek name), scripts and styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, shown)

    def _shown(self) -> bool:
        return all(shown for _tag, shown in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        shown = tag not in ("script", "style", "template") and (lang is None or lang.startswith("fr"))
        if self._shown() and shown:
            self.parts += [value for name, value in attrs if name in HEARD and value]
        if tag not in VOID:
            self.stack.append((tag, shown))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self._shown():
            self.parts.append(data)


def readable_text(page: str) -> str:
    parser = _FrenchText()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def without(text: str, people_texts: list[str]) -> str:
    for value in people_texts:
        if value in text:
            text = text.replace(value, " ")
    return text


def switch_language(client, code: str) -> None:
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post(f"/language/{code}", data={"csrf_token": token, "next": "/"}).status_code == 302


@pytest.fixture(scope="module")
def french_pages(demo_app):
    """(role, what, response) for every page of every role, in French (redirects are no page: left out)."""
    pages = []
    for role, found in inventory(demo_app).items():
        client = found.client
        client.set_cookie("lang", "fr")
        signed_in = ROLES[role] is not None
        if signed_in:  # a signed-in user's preference outranks the cookie: make it French, then put it back
            switch_language(client, "fr")
        try:
            responses = [(url, client.get(url)) for url in found.urls]
            responses += [(f"errors of {state.url}", state.submit(client)) for state in found.states]
            responses += [(name, client.get(url)) for name, url in ERROR_URLS.items()]
        finally:
            if signed_in:
                switch_language(client, "en")
        pages += [(role, what, page) for what, page in responses if not 300 <= page.status_code < 400]
    return pages


@pytest.fixture(scope="module")
def people_texts(demo_app):
    return written_by_people()


def test_crawl_reaches_every_role_and_many_pages(french_pages):
    roles = {role for role, _what, _response in french_pages}
    assert roles == set(ROLES)
    assert len(french_pages) > 100


def test_every_page_is_french(french_pages):
    wrong = [
        what for _role, what, response in french_pages if '<html lang="fr">' not in response.get_data(True)
    ]
    assert wrong == []


def test_no_english_interface_phrase_on_french_pages(french_pages, people_texts):
    phrases = english_phrases()
    found = {}
    for role, what, response in french_pages:
        text = without(readable_text(response.get_data(as_text=True)), people_texts)
        for phrase in phrases:
            if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
                found.setdefault(f"{role} {what}", []).append(phrase)
    assert found == {}, "English on French pages:\n" + "\n".join(f"{page}: {found[page]}" for page in found)


def test_no_english_sentence_on_french_pages(french_pages, people_texts):
    found = {}
    for role, what, response in french_pages:
        text = without(readable_text(response.get_data(as_text=True)), people_texts)
        for match in ENGLISH_WORDS.finditer(text):
            found.setdefault(f"{role} {what}", []).append(text[max(0, match.start() - 40) : match.end() + 40])
    assert found == {}, "English on French pages:\n" + "\n".join(f"{page}: {found[page]}" for page in found)


def test_the_checks_find_planted_english(demo_app, people_texts):
    planted = "<p>Le jury a noté. Please try again.</p><button title='Save draft'>x</button>"
    text = without(readable_text(planted + "<p lang='en'>The certificate's own words</p>"), people_texts)
    assert "The certificate" not in text
    assert ENGLISH_WORDS.search(text)
    assert any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in english_phrases())
