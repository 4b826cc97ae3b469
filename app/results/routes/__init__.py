"""What becomes public: the prize's public pages and API (`public`), and the organiser's publication of an
edition's results (`manage`). One blueprint, two audiences."""

from flask import Blueprint

bp = Blueprint("results", __name__)

from app.results.routes import manage, public  # noqa: E402, F401  (they add their routes to bp)
