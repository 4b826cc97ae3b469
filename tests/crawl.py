"""The page inventory: every page a role reaches by following links, each form's error state, the error pages.

Browser-free, on Flask's test client, so that any check of "every page" can use it (axe-core in
tests/browser/test_axe.py; a search for untranslated text in another language):

    urls = crawl(client, start_urls(role))      # GET pages reached by same-origin links, HTML 200 only
    states = form_states(client, urls)          # forms that answer an empty submission with their errors
    response = states[0].submit(client)         # that error page again, through the test client

The crawl is bounded: at most `per_endpoint` URLs per endpoint (so one application page stands for all of
them), never logout or a download (a `download` link, a PDF, CSV, XLSX or ZIP, an attachment), never the API.
`log_in(client, role)` signs a demo account in through the real login form; ROLES names the account of each.
In another language: `client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"` before crawling.

form_states sends forms, so it can change the data: a form that accepts an empty submission (the
applicant's draft) saves it. Crawl first, then collect the form states.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from app.contests.models import Edition
from app.demo import DEMO_PASSWORD
from app.extensions import db

# The demo account each role signs in with (None: not signed in). The applicant has a draft in the open
# edition and an eligible entry in 2013; the juror chairs the 2013 jury.
ROLES: dict[str, str | None] = {
    "visitor": None,
    "applicant": "demo-region-5@demo.test",
    "juror": "juror1@demo.test",
    "organiser": "organiser@demo.test",
}
# The demo's one edition with everything (applications, sheets, ranking, awards, certificates): it goes first,
# so that it is one of the URLs crawled for each endpoint.
FULL_EDITION = "dosta-2013"
# Pages no link leads to, each answering with its error page: not found, forbidden, method not allowed.
ERROR_URLS = {"not found": "/no-such-page", "forbidden": "/manage/editions", "method not allowed": "/logout"}

SKIPPED_ENDPOINTS = {"auth.logout", "auth.switch_language", "static", "bootstrap.static"}
SKIPPED_PREFIXES = ("/api/", "/attachments/", "/static/", "/bootstrap/")
DOWNLOAD_SUFFIXES = (".pdf", ".csv", ".xlsx", ".zip")
HTML = re.compile(r"^text/html\b")
ERROR_SUMMARY = "data-error-summary"


@dataclass
class _Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    visible: list[tuple[str, str]] = field(default_factory=list)  # (kind, name)
    submit: tuple[str, str] | None = None  # the first named submit button: (name, value)


class _Page(HTMLParser):
    """The links and forms of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._form: _Form | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href") and "download" not in a:
            self.links.append(a["href"])
        elif tag == "form":
            self._form = _Form(action=a.get("action") or "", method=(a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            name = a.get("name")
            kind = (
                tag
                if tag in ("select", "textarea")
                else (a.get("type") or ("submit" if tag == "button" else "text")).lower()
            )
            if kind == "hidden" and name:
                self._form.hidden[name] = a.get("value") or ""
            elif kind == "submit":
                if name and self._form.submit is None:
                    self._form.submit = (name, a.get("value") or "")
            elif name and kind != "button":
                self._form.visible.append((kind, name))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def endpoint_of(client, url: str) -> str | None:
    """The endpoint a same-origin GET of url reaches, or None where none does."""
    try:
        endpoint, _args = client.application.url_map.bind("localhost").match(urlsplit(url).path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return endpoint


def _same_origin(base: str, href: str) -> str | None:
    """The path and query of a same-origin link, without its fragment; None for another origin or scheme."""
    absolute = urlsplit(urljoin("http://localhost" + base, href))
    if absolute.scheme not in ("http", "https") or absolute.netloc != "localhost":
        return None
    return absolute.path + (f"?{absolute.query}" if absolute.query else "")


def _worth_following(client, url: str) -> bool:
    path = urlsplit(url).path
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(DOWNLOAD_SUFFIXES):
        return False
    endpoint = endpoint_of(client, url)
    return endpoint is not None and endpoint not in SKIPPED_ENDPOINTS


def crawl(client, start_urls, *, per_endpoint: int = 2, limit: int = 400) -> list[str]:
    """Every HTML page (GET, 200) reached from start_urls by same-origin links, in the order first found.

    At most per_endpoint URLs per endpoint; a redirect is followed to its target (which is crawled in turn).
    """
    queue = deque(start_urls)
    seen: set[str] = set(start_urls)
    per: Counter[str] = Counter()
    pages: list[str] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        endpoint = endpoint_of(client, url)
        if endpoint is None or per[endpoint] >= per_endpoint:
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            target = _same_origin(url, response.headers["Location"])
            if target and target not in seen and _worth_following(client, target):
                seen.add(target)
                queue.append(target)
            continue
        if response.status_code != 200 or not HTML.match(response.content_type or ""):
            continue
        per[endpoint] += 1
        pages.append(url)
        for href in parse(response.get_data(as_text=True)).links:
            target = _same_origin(url, href)
            if target and target not in seen and _worth_following(client, target):
                seen.add(target)
                queue.append(target)
    return pages


@dataclass(frozen=True)
class FormState:
    """The page at url after its index-th POST form was sent with every visible field left empty."""

    url: str
    index: int
    action: str

    def data(self, client) -> dict[str, str]:
        return _empty_submission(_post_forms(client, self.url)[self.index])

    def submit(self, client):
        return client.post(self.action, data=self.data(client))


def _post_forms(client, url: str) -> list[_Form]:
    return [f for f in parse(client.get(url).get_data(as_text=True)).forms if f.method == "post"]


def _empty_submission(form: _Form) -> dict[str, str]:
    data = dict(form.hidden)
    for kind, name in form.visible:
        if kind == "color":
            data[name] = "#000000"  # never empty: a browser sends black (HTML's value sanitization)
        elif kind not in ("checkbox", "radio", "select", "file"):
            data[name] = ""
    if form.submit:
        data[form.submit[0]] = form.submit[1]
    return data


def form_states(client, urls) -> list[FormState]:
    """The forms on urls that answer an empty submission with their error summary, one per action.

    A form with no field to fill in (a lone button) is not tried; a form that accepts the empty submission
    (answers with a redirect) is left out.
    """
    states: list[FormState] = []
    tried: set[str] = set()
    for url in urls:
        for index, form in enumerate(_post_forms(client, url)):
            action = _same_origin(url, form.action) or url
            if not any(kind not in ("checkbox", "radio", "file") for kind, _ in form.visible):
                continue
            if action in tried:
                continue
            tried.add(action)
            response = client.post(action, data=_empty_submission(form))
            if ERROR_SUMMARY in response.get_data(as_text=True):
                states.append(FormState(url=url, index=index, action=action))
    return states


def start_urls(role: str) -> list[str]:
    """Where a role's crawl starts (needs the app context): the full edition's pages, then the home page."""
    edition = db.session.scalar(select(Edition).where(Edition.slug == FULL_EDITION))
    first = [f"/editions/{FULL_EDITION}/results", f"/editions/{FULL_EDITION}"]
    if role == "organiser" and edition is not None:
        first.insert(0, f"/manage/editions/{edition.id}")
    return [*first, "/"]


def log_in(client, role: str) -> None:
    """Sign the role's demo account in through the login form (a visitor stays anonymous)."""
    email = ROLES[role]
    if email is None:
        return
    page = parse(client.get("/login").get_data(as_text=True))
    token = next(f for f in page.forms if f.method == "post" and ("email", "email") in f.visible)
    response = client.post(
        "/login", data={**token.hidden, "email": email, "password": DEMO_PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 302, f"{email} could not log in ({response.status_code})"


@dataclass(frozen=True)
class RolePages:
    """What one role reaches: its signed-in client, its pages and its forms' error states."""

    client: object
    urls: list[str]
    states: list[FormState]


def inventory(app) -> dict[str, RolePages]:
    """Every role's pages in the app's data (the demo), each with a client signed in as that role."""
    found = {}
    for role in ROLES:
        client = app.test_client()
        log_in(client, role)
        urls = crawl(client, start_urls(role))
        found[role] = RolePages(client, urls, form_states(client, urls))
    return found
