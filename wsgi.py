"""Entry point for `flask` and for gunicorn (`gunicorn wsgi:app`)."""

from dotenv import load_dotenv

load_dotenv()  # before the app reads its configuration from the environment

from app import create_app  # noqa: E402

app = create_app()
