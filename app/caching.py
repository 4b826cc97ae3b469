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

Static files (the stylesheets and scripts, the same for everyone) keep Flask's own headers, and the health
probes their own `no-store`.
"""

from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, make_response, request, session
from flask_login import current_user

from app.web import SESSIONLESS_ENDPOINTS

SIGNED_IN = "private, no-store"
NOT_KEPT = "no-store"


def _signed_in() -> bool:
    return current_user.is_authenticated


def public_page(view: Callable) -> Callable:
    """Let shared caches keep the view's 200 answers to visitors who are not signed in, briefly."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        # A page that changed the session (a flashed message read) was for this visitor only.
        if response.status_code != 200 or _signed_in() or session.modified:
            return response
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PUBLIC_CACHE_SECONDS"]
        response.vary.update(("Accept-Language", "Cookie"))
        response.add_etag()
        return response.make_conditional(request)

    return wrapper


def register(app: Flask) -> None:
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
