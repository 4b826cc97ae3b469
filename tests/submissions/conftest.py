"""Fixtures of the submissions tests."""

import pytest


@pytest.fixture
def request_context(app):
    """Translated messages need a request: the app chooses the language from Accept-Language."""
    with app.test_request_context():
        yield
