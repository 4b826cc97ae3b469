"""The migration history builds the models' schema exactly, on SQLite and (in CI) on PostgreSQL."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from app.extensions import db


@pytest.fixture
def migration_url(tmp_path):
    url = os.environ.get("TEST_MIGRATION_DATABASE_URL")
    if url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def test_migrations_upgrade_empty_database_matches_models(migration_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=migration_url, UPLOAD_FOLDER=str(tmp_path))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()

    assert differences == []
    assert set(db.metadata.tables) <= tables


def test_migrations_downgrade_to_base_leaves_no_table(migration_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=migration_url, UPLOAD_FOLDER=str(tmp_path))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()

    assert tables == set()
