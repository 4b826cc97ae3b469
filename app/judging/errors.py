"""The judging domain's refusal: a DomainError whose message is in the user's words.

Raised by the use cases before anything is committed; the global handler (app/web.py) rolls back, flashes
the message and redirects, unless a route catches it to show the message beside a form field.
"""

from app.web import DomainError


class JudgingError(DomainError):
    """A refused request of the jury's work; `message` says why, for the person who asked."""
