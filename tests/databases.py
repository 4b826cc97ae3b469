"""A second, empty database for tests that move data between installations (backups, edition imports)."""

import os
from pathlib import Path

from sqlalchemy import create_engine, text


def empty_database_url(folder: Path) -> str:
    """A new SQLite file; in CI's PostgreSQL pass, the emptied second PostgreSQL database instead."""
    url = os.environ.get("TEST_MIGRATION_DATABASE_URL")
    if not url:
        return f"sqlite:///{folder / 'other.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


class Installations:
    """The apps a test builds beside its own, their database connections closed after it (on PostgreSQL an
    engine left open is a ResourceWarning, raised in whichever later test the garbage collector runs)."""

    def __init__(self):
        self.built = []

    def add(self, app):
        self.built.append(app)
        return app

    def close(self) -> None:
        from app.extensions import db

        for app in self.built:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        self.built.clear()
