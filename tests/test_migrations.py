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


# Rows as the schema before French texts (revision 5269d237648d) held them: an edition, a criterion and an
# answer to it, the rows that a rebuilt table must not take with it.
BEFORE_FRENCH = "5269d237648d"
ROWS_BEFORE_FRENCH = (
    "INSERT INTO editions (id, slug, name, ordinal, year, description, reference_prefix, submissions_open_at,"
    " submissions_close_at, judging_close_at, prizes_count, score_min, score_max, score_step, aggregation,"
    " tie_break_criteria, min_sheets_per_entry, reveal_scores_to_jury, ceremony_place, archived, created_at)"
    " VALUES (1, 'dosta-2013', '4th Dosta!-Congress Prize', 4, 2013, 'Over 20 municipalities.', 'DOSTA',"
    " '2013-02-01 08:00:00', '2013-06-30 21:59:00', '2013-09-30 21:59:00', 3, 0, 10, 1, 'mean', '[]', 3,"
    " false, 'Strasbourg', false, '2013-01-01 00:00:00')",
    "INSERT INTO criteria (id, edition_id, name, description, guidance, weight, position)"
    " VALUES (1, 1, 'Integration', 'How does the project...', 'A high score means...', 1, 0)",
    "INSERT INTO organisations (id, name, kind, country, website, created_at)"
    " VALUES (1, 'Obrnice', 'municipality', 'CZ', '', '2013-01-01 00:00:00')",
    "INSERT INTO applications (id, edition_id, organisation_id, number, reference, title, summary,"
    " fields_of_action, beneficiaries, partners, status, eligibility_reason, created_at, updated_at)"
    " VALUES (1, 1, 1, 1, 'DOSTA-2013-001', 'Community life', '', '[]', '', '', 'draft', '',"
    " '2013-03-01 00:00:00', '2013-03-01 00:00:00')",
    "INSERT INTO criterion_answers (id, application_id, criterion_id, text) VALUES (1, 1, 1, 'Our answer.')",
)


def test_migrations_french_texts_keep_existing_rows(migration_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=migration_url, UPLOAD_FOLDER=str(tmp_path))
    with app.app_context():
        upgrade(revision=BEFORE_FRENCH)
        with db.engine.begin() as connection:
            for statement in ROWS_BEFORE_FRENCH:
                connection.execute(text(statement))
        upgrade()
        with db.engine.connect() as connection:
            edition = connection.execute(text("SELECT name, name_fr, ceremony_place_fr FROM editions")).one()
            criterion = connection.execute(text("SELECT name, name_fr, guidance_fr FROM criteria")).one()
            answers = connection.execute(text("SELECT text FROM criterion_answers")).scalars().all()
        db.engine.dispose()

    assert tuple(edition) == ("4th Dosta!-Congress Prize", "", "Strasbourg")
    assert tuple(criterion) == ("Integration", "", "")
    assert answers == ["Our answer."]
