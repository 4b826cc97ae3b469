"""Who may keep a response: nobody keeps what a signed-in user sees; anyone may briefly keep a public page.

- Every response to a signed-in user (pages, JSON, files) is `private, no-store` with `Vary: Cookie`: a
  shared computer's browser or a proxy must not keep one person's pages for the next.
- A view marked `@public_page` (the home page, the archive, an edition's page, published results, their API,
  a published certificate's verification) answers a visitor who is not signed in with
  `public, max-age=PUBLIC_CACHE_SECONDS`, `Vary: Accept-Language, Cookie` (the page's language comes from
  either) and an ETag of the body it sends, so a client that has it gets a 304. Only a 200 is public: a
  404 for results still under embargo is not, and has no ETag. The ETag is a digest of what the visitor is
  shown, never of anything else, so it says nothing about what is not shown.
- Whatever else a visitor gets (forms with their CSRF token, a page that used the session) is `no-store`,
  unless its view chose its own Cache-Control (a certificate's PDF).
- A public page whose view names the state of what it shows (`shared_page(name, stamp, render)`) is rendered
  once per language and stamp and kept in the shared cache (app/shared_cache.py) for every visitor who is
  not signed in; its ETag derives from the stamp, so a 304 is answered without rendering. A stamp of None
  (results under embargo) keeps nothing. Signed-in users, a visitor with a message waiting and a URL with a
  query string (the language links repeat it) get the page rendered for them, as before.

Static files (the stylesheets and scripts, the same for everyone) keep Flask's own headers, and the health
probes their own `no-store`.
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from pathlib import Path

from flask import Flask, Response, current_app, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_caching import Cache
from flask_login import current_user

from app.i18n import current_language
from app.shared_cache import remember
from app.web import SESSIONLESS_ENDPOINTS

SIGNED_IN = "private, no-store"
NOT_KEPT = "no-store"
# The bodies this process served lately, in front of the shared cache: a kept page then costs no round trip
# to Redis. Their keys name the state they show, like the shared cache's, so neither is ever stale.
recent_bodies = Cache()


def _signed_in() -> bool:
    return current_user.is_authenticated


def public_page(view: Callable) -> Callable:
    """Let shared caches keep the view's 200 answers to visitors who are not signed in, briefly."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        # A page that changed the session (a flashed message read) was for this visitor only. A 304 comes
        # from shared_page, which answers it only when the page is public.
        if response.status_code not in (200, 304) or _signed_in() or session.modified:
            return response
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
        response.vary.update(("Accept-Language", "Cookie"))
        response.add_etag()  # unless shared_page gave the stamp's
        return response.make_conditional(request)

    return wrapper


def shared_page(
    name: str, stamp: str | None, render: Callable[[], ResponseReturnValue], mimetype: str = "text/html"
) -> ResponseReturnValue:
    """The body `render()` makes, kept in the shared cache under `name`, the reader's language and `stamp`
    (what the page shows, in a word that changes whenever any of it does), with an ETag derived from them.

    A visitor whose `If-None-Match` names that ETag gets a 304 and nothing is rendered. The body is the same
    for every visitor who is not signed in; anyone else, and any page with a None stamp (nothing public to
    keep), gets `render()` itself, which may answer otherwise (a 404); with a stamp it returns the body. The
    code's own stamp is part of the key: a new release renders anew.
    """
    if stamp is None or not _shareable():
        return render()
    key = f"page:{name}:{current_language()}:{stamp}:{_code_stamp()}"
    etag = hashlib.blake2b(key.encode(), digest_size=16).hexdigest()
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = Response(_body(key, render), mimetype=mimetype)
    response.set_etag(etag)
    return response


def _body(key: str, render: Callable[[], str]) -> str:
    body = recent_bodies.get(key)
    if body is None:
        body = remember(key, render)
        recent_bodies.set(key, body)
    return body


def _shareable() -> bool:
    """The page would be rendered the same for this request as for any visitor: not signed in (the
    navigation differs), no flashed message waiting (shown once, to this visitor), no query string (the
    language links repeat the URL)."""
    return (
        request.method in ("GET", "HEAD")
        and not request.query_string
        and not _signed_in()
        and "_flashes" not in session
    )


def _code_stamp() -> str:
    """A digest of the code, templates and translations this process runs, computed once per application."""
    stamp = current_app.extensions.get("caching.code_stamp")
    if stamp is None:
        digest = hashlib.blake2b(digest_size=8)
        roots = {Path(current_app.root_path), Path(current_app.root_path, current_app.template_folder or "")}
        for root in sorted(roots):
            for path in sorted(root.rglob("*")):
                if path.suffix in (".py", ".html", ".mo") and path.is_file():
                    digest.update(str(path.relative_to(root)).encode())
                    digest.update(path.read_bytes())
        stamp = current_app.extensions["caching.code_stamp"] = digest.hexdigest()
    return stamp


def register(app: Flask) -> None:
    recent_bodies.init_app(
        app,
        config={
            "CACHE_TYPE": "SimpleCache",
            "CACHE_THRESHOLD": app.config["CACHE_MEMORY_ITEMS"],
            "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_DEFAULT_TIMEOUT"],
        },
    )

    @app.after_request
    def cache_headers(response):
        if request.endpoint in SESSIONLESS_ENDPOINTS:
            return response
        if _signed_in():
            response.headers["Cache-Control"] = SIGNED_IN
            response.vary.add("Cookie")
        elif "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = NOT_KEPT
        return response
