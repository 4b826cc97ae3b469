"""Extreme input to every form field, query parameter and URL argument: never a 500, and a refused form
changes nothing.

What is fuzzed is found, not listed: every route of the application (its url_map: each argument of each
rule), and every page each role reaches in the demo (tests/crawl.py, starting for the organiser and the
juror with an edition in judging and one in deliberation added to it), with every form on it (POST and
GET: each input, select, textarea, hidden field and file name) and every query parameter the application
reads (the names in its source, in its links and in its GET forms).

One test per role and kind of value (integers huge, negative and zero; decimals, NaN and infinities; dates
and datetimes from year 1 to 9999; over-long, blank and unicode strings with NUL and control characters).
Each hypothesis example visits every page with the query parameters set and sends every form once, as the
page would send it, with some fields replaced: the first (derandomized, the simplest) replaces every field
a person types into by the kind's first special value and keeps the page's choices; the next mixes. A
refused POST (400, 409, 422, or the page again with its error summary) must leave every table's row count
and the audit log as they were.

Deterministic and quick: ``derandomize=True``, no example database, two examples per kind, no shrinking
(the demo's data changes as forms are accepted, so a replay would not be the same request). Every 500 found
is reported at the end, with the request that caused it.
"""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from tests import factories
from tests.crawl import ERROR_SUMMARY, ROLES, crawl, endpoint_of, log_in, start_urls
from tests.submissions.files import PDF

APP = Path(__file__).resolve().parent.parent / "app"
PATH_EXAMPLES = 8
# Never sent: signing out would end the role's session, and the token is what lets the form in at all.
SKIPPED_ACTIONS = ("/logout",)
UNTOUCHED_FIELDS = {"csrf_token"}
REFUSED = (400, 409, 422)

# --- Extreme values -----------------------------------------------------------------------------------------

HUGE_INTEGERS = [int("9" * 60), -(2**63) - 1, 2**63, 2**31, -(2**31), 2**31 - 1, 10**30, 0, -1, 1]
SPECIAL_NUMBERS = [
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "inf",
    "-inf",
    "Infinity",
    "-Infinity",
    "1e999999",
    "-1E+308",
]
SPECIAL_NUMBERS += ["1e-999999", "0.0000000001", "-0", "0x10", "1_000", "١٢٣", "12,5", " 7 ", "+-1", "1e"]
SPECIAL_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "0000-00-00", "2013-02-30", "99999-01-01"]
SPECIAL_DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "1899-12-31T23:59", "2013-03-31T02:30"]
SPECIAL_DATETIMES += ["0001-01-01T00:00:00", "9999-12-31 23:59", "2013-13-01T25:61"]
LONG_STRINGS = ["é\x00" * 5_000, "x" * 300, "9" * 10_000, "🎉" * 20_000, "a\u0301" * 3_000]
BLANKS = [" ", "\t", "\u00a0", "\u2029"]  # a select's Optional() lets these through unchecked

integers = st.one_of(st.sampled_from(HUGE_INTEGERS), st.integers(-(10**40), 10**40)).map(str)
decimals = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(SPECIAL_NUMBERS),
)


def _iso_date(day) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _iso_datetime(moment) -> str:
    return f"{_iso_date(moment)}T{moment.hour:02d}:{moment.minute:02d}"


dates = st.one_of(st.sampled_from(SPECIAL_DATES), st.dates().map(_iso_date))
datetimes = st.one_of(st.sampled_from(SPECIAL_DATETIMES), st.datetimes().map(_iso_datetime))
texts = st.one_of(
    st.sampled_from(LONG_STRINGS + BLANKS),
    st.text(max_size=40),  # any code point but surrogates: NUL, controls, right-to-left marks included
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), max_size=10),
)
# Fields a person types into; the others (select, checkbox, radio, hidden, file) carry the page's choices.
TYPED = {"text", "textarea", "number", "date", "datetime-local", "email", "search", "tel", "url", "password"}
TYPED |= {"color", "month", "week", "time"}
KINDS = {"integer": integers, "decimal": decimals, "date": dates, "datetime": datetimes, "text": texts}
# Per role and kind of value: a few examples, each sending every form once and visiting every page once.
# The first example hypothesis makes (derandomized) is its simplest: every field at once, each given the
# first of the special values above; the next ones mix kept fields and random values of the kind.
EXAMPLES_PER_KIND = 2


# --- Forms as the pages have them ---------------------------------------------------------------------------


@dataclass
class Form:
    url: str  # the page it is on
    action: str
    method: str
    values: MultiDict = field(default_factory=MultiDict)  # what the page would send
    fields: list[tuple[str, str]] = field(default_factory=list)  # (kind, name), each name once
    submits: list[tuple[str, str]] = field(default_factory=list)  # (name, value) of each named button

    @property
    def key(self) -> tuple:
        return (self.method, _route(self.action), tuple(sorted(name for _, name in self.fields)))


class _Forms(HTMLParser):
    """Every form of a page with the values the browser would send: checked boxes, selected options."""

    def __init__(self, url: str):
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def _field(self, kind: str, name: str) -> None:
        if name not in {n for _, n in self._form.fields}:
            self._form.fields.append((kind, name))

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(self.url, a.get("action") or self.url, (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image"):
                self._form.submits.append((name, a.get("value", "")))
                return
            if kind == "button":
                return
            self._field(kind, name)
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form.values.add(name, a.get("value") or "on")
            elif kind != "file":
                self._form.values.add(name, a.get("value", ""))
        elif tag == "button" and (a.get("type") or "submit").lower() == "submit":
            self._form.submits.append((name, a.get("value", "")))
        elif tag == "select":
            self._field("select", name)
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._field("textarea", name)
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = [value for value, selected in self._options if selected] or [
                value for value, _ in self._options[:1]
            ]
            for value in chosen:
                self._form.values.add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.values.add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def _route(url: str) -> str:
    """A URL's path with its numbers as placeholders: the forms of two people are one form."""
    return re.sub(r"/\d+(?=/|$)", "/<n>", urlsplit(url).path)


def _absolute(page: str, href: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("#"):
        return None
    if not parts.path.startswith("/"):
        return urlsplit(page).path + (f"?{parts.query}" if parts.query else "") if not parts.path else None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# Query parameter names the application reads: in its source, and in the links and GET forms of its pages.
SOURCE_PARAMETERS = re.compile(r"request\.(?:args|values)(?:\.get\(|\[)\s*\"(\w+)\"")


def source_parameters() -> set[str]:
    names = {"page", "next"}
    for path in APP.rglob("*.py"):
        names.update(SOURCE_PARAMETERS.findall(path.read_text(encoding="utf-8")))
    return names


@dataclass
class Targets:
    client: object
    pages: list[str]  # one URL per endpoint
    forms: list[Form]
    parameters: set[str]


def discover(app, role: str, first_urls: list[str]) -> Targets:
    client = app.test_client()
    log_in(client, role)
    pages = crawl(client, [*first_urls, *start_urls(role)], per_endpoint=1)
    forms: dict[tuple, Form] = {}
    parameters = source_parameters()
    for url in pages:
        parser = _Forms(url)
        parser.feed(client.get(url).get_data(as_text=True))
        for form in parser.forms:
            form.action = _absolute(url, form.action) or url
            if form.action.startswith(SKIPPED_ACTIONS) or not (form.fields or form.submits):
                continue
            forms.setdefault(form.key, form)
            if form.method == "get":
                parameters.update(name for _, name in form.fields)
        for href in parser.links:
            if (target := _absolute(url, href)) is not None:
                parameters.update(name for name, _ in parse_qsl(urlsplit(target).query))
    return Targets(client, pages, list(forms.values()), parameters)


# --- What a refused request must leave alone ----------------------------------------------------------------


def fingerprint() -> tuple:
    """The number of rows of every table and the last audit event: what any change would move."""
    db.session.rollback()
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    )
    return (*counts, db.session.scalar(select(func.max(AuditEvent.id))))


def _answer(request, failures: list[str]) -> tuple[int, bool]:
    """The status of a request and whether it was a refusal; an exception (the testing configuration lets
    it through) is a 500 whose traceback's last line is kept."""
    try:
        response = request()
    except Exception as error:  # noqa: BLE001 - any exception here is what the test looks for
        db.session.rollback()
        failures.append(f"{type(error).__name__}: {str(error)[:200]}")
        return 500, False
    status = response.status_code
    refused = status in REFUSED or (status == 200 and ERROR_SUMMARY in response.get_data(as_text=True))
    return status, refused


def _described(method: str, url: str, data) -> str:
    shown = {k: (v if len(str(v)) < 60 else f"{str(v)[:57]}...") for k, v in (data or {}).items()}
    return f"{method.upper()} {url} {shown}"


def _send(client, form: Form, data: MultiDict):
    if form.method == "get":
        return client.get(form.action.split("?")[0], query_string=data)
    return client.post(form.action, data=data)


def _submission(draw, form: Form, values, choices) -> tuple[MultiDict, dict]:
    """The form as its page sends it, some fields replaced by extreme values; and what was replaced."""
    data = MultiDict(form.values)
    changed = {}
    for kind, name in form.fields:
        if name in UNTOUCHED_FIELDS:
            continue
        value = draw(values if kind in TYPED else choices, label=name)
        if value is None:
            continue
        data.poplist(name)
        if kind == "file":
            data.add(name, (io.BytesIO(PDF), value or "empty-name"))
        else:
            data.add(name, value)
        changed[name] = value
    if form.submits:
        name, value = draw(st.sampled_from(form.submits), label="button")
        data.add(name, value)
    return data, changed


@pytest.fixture(scope="module")
def live_editions(demo_app) -> dict[str, int]:
    """Beside the demo (whose full edition is published), an edition in judging and one in deliberation
    with the demo's juror on their juries: their score sheets, screening, jury, ranking, awards and
    publication forms are the ones that take numbers and dates."""
    juror = db.session.scalar(select(User).where(User.email == ROLES["juror"]))
    found = {}
    for phase in ("judging", "deliberation"):
        edition = factories.edition(phase=phase)
        factories.jury_member(edition, juror, is_chair=True)
        for _ in range(3):
            assignment = factories.assignment(
                factories.application(edition_=edition, status="eligible"), juror
            )
            if phase == "deliberation":
                factories.score_sheet(assignment)
            else:
                found.setdefault("sheet", assignment.id)
        factories.application(edition_=edition, status="submitted")  # one left to screen
        found[phase] = edition.id
    db.session.commit()
    return found


@pytest.fixture(scope="module")
def targets(demo_app, live_editions):
    """Every role's pages and forms, found before any form is sent; the organiser's crawl starts with the
    editions in judging and deliberation (one URL per endpoint: the first found)."""
    first = {
        "organiser": [f"/manage/editions/{live_editions[phase]}" for phase in ("judging", "deliberation")],
        "juror": [f"/jury/entries/{live_editions['sheet']}"],
    }
    return {role: discover(demo_app, role, first.get(role, [])) for role in ROLES}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", list(ROLES))
def test_no_form_field_or_query_parameter_gives_a_500(targets, role, kind):
    found = targets[role]
    client = found.client
    failures: list[str] = []
    changed_on_refusal: list[str] = []
    examples = itertools.count()
    # None: the field as the page has it. Typed fields are first given the kind's extremes (the simplest
    # example); choices, hidden fields and files keep theirs first, so the rest of the form gets through.
    values = st.one_of(KINDS[kind], st.none())
    choices = st.one_of(st.none(), KINDS[kind])

    @settings(
        max_examples=EXAMPLES_PER_KIND,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def send_everything(data):
        next(examples)
        parameters = {
            name: value
            for name in sorted(found.parameters)
            if (value := data.draw(values, label=f"?{name}")) is not None
        }
        for url in found.pages:
            query = {**dict(parse_qsl(urlsplit(url).query)), **parameters}
            status, _refused = _answer(
                lambda: client.get(url.split("?")[0], query_string=query),  # noqa: B023
                failures,
            )
            if status >= 500:
                failures.append(f"{status} {_described('get', url, parameters)}")
        for form in found.forms:
            sent, changed = _submission(data.draw, form, values, choices)
            before = fingerprint()
            status, refused = _answer(lambda: _send(client, form, sent), failures)  # noqa: B023
            if status >= 500:
                failures.append(f"{status} {_described(form.method, form.action, changed)}")
            elif refused and form.method == "post" and fingerprint() != before:
                changed_on_refusal.append(f"{status} {_described(form.method, form.action, changed)}")

    send_everything()

    assert next(examples) == EXAMPLES_PER_KIND
    assert not failures, "500s:\n" + "\n".join(failures)
    assert not changed_on_refusal, "refused but changed:\n" + "\n".join(changed_on_refusal)
    assert found.forms and found.pages
    home = start_urls(role)[-1]
    assert client.get(home).status_code == 200
    if ROLES[role] is not None:
        assert client.get("/account").status_code == 200  # still signed in: every request was the role's


# --- Every route's URL arguments ----------------------------------------------------------------------------

path_values = {
    "int": st.one_of(st.sampled_from([0, 2**31 - 1, 2**31, 2**63, 10**30]), st.integers(0, 10**40)).map(str),
    "default": st.one_of(
        st.sampled_from(["x" * 2000, "..", "%00", "é" * 500, "9" * 60, "-1", " "]),
        st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#%"), min_size=1, max_size=30),
    ),
}


RULE_ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _converter(rule, name: str) -> str:
    """'int' for an <int:...> argument, else 'default' (strings, slugs, codes, paths)."""
    for converter, argument in RULE_ARGUMENT.findall(rule.rule):
        if argument == name:
            return "int" if converter == "int" else "default"
    return "default"


def _build(rule, values: dict[str, str]) -> str:
    """The rule's URL with these values, quoted as a browser would, whether or not the rule accepts them."""
    return RULE_ARGUMENT.sub(lambda match: quote(values[match.group(2)], safe=""), rule.rule)


def test_every_routes_url_arguments_never_give_a_500(demo_app):
    client = demo_app.test_client()
    log_in(client, "organiser")
    rules = [rule for rule in demo_app.url_map.iter_rules() if rule.arguments and rule.endpoint != "static"]
    failures: list[str] = []

    @settings(
        max_examples=PATH_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def visit_every_rule(data):
        for rule in rules:
            values = {}
            for name in sorted(rule.arguments):
                values[name] = data.draw(path_values[_converter(rule, name)], label=f"{rule.endpoint}:{name}")
            url = _build(rule, values)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                status, _refused = _answer(lambda: client.open(url, method=method), failures)  # noqa: B023
                if status >= 500:
                    failures.append(f"{status} {method} {url}")

    visit_every_rule()

    assert rules
    assert not failures, "500s:\n" + "\n".join(failures)
    assert endpoint_of(client, "/manage/people") == "auth.people"
