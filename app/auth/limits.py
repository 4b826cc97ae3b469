"""How often one client may try the account forms: the rate limits of logging in, registering and asking for
links, with the keys they count by (Flask-Limiter). The client is its real address: behind a reverse proxy,
the one it forwards (TRUSTED_PROXIES, app/__init__.py).

Logging in counts failures only (a wrong password, an unknown address), so signing in costs nothing, twice:
per client address whatever the account (one client cannot try many accounts) and per account from that
address (one client cannot keep trying one account). Never per account alone: an attacker's failures would
then lock the account's owner out, whose right password from their own computer must always work.

Registering and asking for links are sized for a deadline day, when a regional office or a shared connection
may register twenty municipalities in an hour from one address, and still bounded.
"""

from flask import g, request
from flask_limiter.util import get_remote_address

from app.auth.queries import normalise_email

LOGIN_FAILURES_PER_ADDRESS = "10 per minute; 100 per hour"
LOGIN_FAILURES_PER_ACCOUNT = "5 per minute; 20 per hour"  # from one address
# Registrations that went through (typos cost nothing), and every attempt.
REGISTRATIONS = "30 per hour"
REGISTRATION_ATTEMPTS = "100 per hour"
# Asking for a password reset or a new confirmation link: per client address, and per email address asked
# about from that client (it cannot fill one inbox), whether or not that email has an account.
LINK_REQUESTS_PER_ADDRESS = "30 per hour"
LINK_REQUESTS_PER_EMAIL = "5 per hour"


def submitted_email() -> str:
    """The key of a limit per account from one client: the address typed in the form, and the client's."""
    return f"{normalise_email(request.form.get('email', ''))} from {get_remote_address()}"


def record_failed_login() -> None:
    """Say that this request's login failed: only then do the login limits count it."""
    g.login_failed = True


def login_failed(response) -> bool:
    return g.get("login_failed", False)


def went_through(response) -> bool:
    """A registration or request that was accepted: it answers with a redirect to the next page."""
    return response.status_code == 302
