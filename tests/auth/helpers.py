"""Helpers for the account tests: the link inside an email, counting rows, reading pages."""

import re

from sqlalchemy import func, select

from tests.conftest import csrf_from

LINK = re.compile(r"https?://[^/\s]+(/\S+)")


def link_in(message, prefix: str = "/") -> str:
    """The path of the first link in the email that starts with prefix."""
    for path in LINK.findall(message.body):
        if path.startswith(prefix):
            return path
    raise AssertionError(f"no link starting with {prefix!r} in:\n{message.body}")


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def text(response) -> str:
    return response.get_data(as_text=True)


def post_form(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """GET the page holding the form, then POST to url with its CSRF token."""
    token = csrf_from(text(client.get(form_url or url)))
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


def without_csrf(html: str) -> str:
    """The page with its CSRF tokens blanked, to compare two answers."""
    return CSRF_VALUE.sub(r'\1"', html)


def whole_answer(client, url: str, data: dict, *, blank: str = "") -> dict:
    """Everything a client learns from posting the form at url and following the redirect: statuses, headers
    (but the session cookie, whose content is this client's own, and the request's id, new for every
    request) and the page (CSRF tokens and `blank`, the address typed, blanked), to compare two answers."""

    def headers(response) -> list[tuple[str, str]]:
        return sorted(
            (name, value)
            for name, value in response.headers.items()
            if name not in ("Set-Cookie", "X-Request-ID")
        )

    response = post_form(client, url, data)
    page = client.get(response.headers["Location"]) if response.status_code == 302 else response
    body = without_csrf(text(page))
    return {
        "status": response.status_code,
        "headers": headers(response),
        "page status": page.status_code,
        "page headers": headers(page),
        "page": body.replace(blank, "E") if blank else body,
    }
