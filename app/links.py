"""Absolute links for what leaves the site: emails, certificate QR codes, the public API."""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute URL under PUBLIC_BASE_URL.

    Never built from the request's Host header: a forged Host would otherwise put an attacker's address into
    a password-reset email or onto a printed certificate.
    """
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
