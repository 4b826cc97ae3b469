"""What every route does the same way: load the object or 404, check access or 403, and turn a use case's
refusal into a message on the page the user came from.

Infrastructure: it knows requests and the database session, and no domain.
"""

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context

from app.extensions import db

M = TypeVar("M")

# Endpoints that answer without a session or a signed-in user, and set their own cache headers: static files
# (the same for everyone) and the health probes (app/ops/health.py; a load balancer asks every few seconds).
SESSIONLESS_ENDPOINTS = frozenset({"static", "bootstrap.static", "ops.healthz", "ops.readyz"})


class DomainError(Exception):
    """A use case refused what was asked; `message` is already in the user's words and language.

    Services raise it (or a subclass) before anything is committed. Unless the route catches it to show the
    message beside a form field, the handler below rolls back, flashes the message and redirects.
    """

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def load_or_404(model: type[M], object_id: int, predicate: Callable[..., bool] | None = None) -> M:
    """The row of `model` with `object_id` (404 if there is none), refused with 403 unless
    `predicate(current_user, row)` holds."""
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    if predicate is not None and not predicate(current_user, row):
        abort(403)
    return row


# Far past the last page of any list here, and far below what an SQL OFFSET can hold.
MAX_PAGE = 100_000


def page_number() -> int:
    """The list page asked for in ``?page=``: 1 when absent, not a number or below 1; 404 past MAX_PAGE (an
    offset the database cannot take would otherwise overflow: a 500). Give it to ``db.paginate(page=...)``."""
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(404)
    return max(page, 1)


def back_to(endpoint: str, **values: Any) -> None:
    """Where a DomainError raised in this request sends the user (default: the page they came from)."""
    g.back_url = url_for(endpoint, **values)


def same_site_referrer() -> str | None:
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc != request.host or not parts.path.startswith("/") or parts.path.startswith("//"):
        return None  # another site, or a path a browser would read as one ("//elsewhere.example")
    return parts.path + (f"?{parts.query}" if parts.query else "")


def register_domain_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        flash(error.message, "error")
        return redirect(g.get("back_url") or same_site_referrer() or request.script_root + "/")


@pass_context
def page_has_errors(context) -> bool:
    """Whether a form of the page being rendered has errors (its title then starts with "Error:").

    Every form of the template's context counts, whatever its name, and so do a `problems` list (the
    awards form's refusals that belong to no one field) and a `conflict` (a score sheet not saved because it
    changed elsewhere).
    """
    if context.get("problems") or context.get("conflict") is not None:
        return True
    return any(isinstance(value, FlaskForm) and value.errors for value in context.values())
