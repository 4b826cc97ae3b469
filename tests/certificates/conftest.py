"""Fixtures: a published edition with a joint place and its people, with or without its certificates.

The helpers that build and read them are in tests/certificates/helpers.py.
"""

from __future__ import annotations

import ctypes.util
import importlib

import pytest
from flask import g

import app as app_package
from app.certificates.issue import issue_certificates
from app.extensions import mail as mail_extension
from tests.certificates.helpers import build_published


@pytest.fixture(autouse=True, scope="session")
def _mail_module_imported_once():
    # app/__init__.py reads the Flask-Mail extension from the package global `mail`, which the first import
    # of the app.mail module replaces by that module: import it once and put the extension back (as
    # tests/auth/conftest.py does). Drop once app/__init__.py no longer reads a global named `mail`.
    importlib.import_module("app.mail")
    app_package.mail = mail_extension


def _forget_the_previous_request():
    # The app fixture keeps one app context for the whole test, so requests would share one `g` (Flask-Login's
    # user among them); each request starts with an empty `g`, as in production.
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(app):
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_the_previous_request)
    return app


@pytest.fixture
def published(make, db):
    item = build_published(make)
    db.session.commit()
    return item


@pytest.fixture
def issued(published, db):
    """The published edition with its three award certificates issued and committed."""
    issue_certificates(published.edition)
    db.session.commit()
    return published


@pytest.fixture
def reproducible_fonts(monkeypatch):
    """Font subsets without the time in them.

    WeasyPrint subsets fonts with the system's HarfBuzz-Subset library (README, production); without it, it
    falls back to fontTools, which stamps each subset with the current time unless SOURCE_DATE_EPOCH
    (reproducible-builds.org) gives another.
    """
    if ctypes.util.find_library("harfbuzz-subset") is None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1383134400")
