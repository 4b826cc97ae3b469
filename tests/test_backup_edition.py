"""flask backup export-edition / import-edition: one edition, whole, into another installation."""

import json
import re
import tarfile
from pathlib import Path

import pytest
from flask_migrate import stamp, upgrade
from sqlalchemy import func, select, text

from app import create_app
from app.auth.models import User
from app.backup import edition as edition_backup
from app.backup import rows
from app.certificates.models import Certificate
from app.contests.models import Criterion, Edition
from app.extensions import db as _db
from app.judging.models import CriterionScore, ScoreSheet
from app.ranking.models import Award
from app.submissions.models import Application, Attachment
from tests import factories
from tests.conftest import fresh_requests
from tests.databases import Installations, empty_database_url

SLUG = "dosta-2013"
# What differs between two requests of the same page: the CSRF token, the seconds left in the session.
CSRF = re.compile(
    r'(name="csrf_token"[^>]*value=|name="csrf-token" content=|data-csrf=|data-expires-in=)"[^"]*"'
)


def _invoke(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture(scope="module")
def exported(demo_app, tmp_path_factory):
    with demo_app.app_context():
        stamp()
        application = _db.session.scalars(
            select(Application).join(Edition).where(Edition.slug == SLUG).order_by(Application.id)
        ).first()
        factories.attachment(application, data=b"%PDF-1.4\nannex\n%%EOF\n", name="annex.pdf")
        _db.session.commit()
    path = tmp_path_factory.mktemp("edition") / "dosta-2013.tar.gz"
    result = _invoke(demo_app, "backup", "export-edition", SLUG, str(path))
    assert result.exit_code == 0, result.output
    yield path
    with demo_app.app_context(), _db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def _installation(folder: Path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=empty_database_url(folder),
        UPLOAD_FOLDER=str(folder / "uploads"),
        CERTIFICATE_FOLDER=str(folder / "certificates"),
        EXPORT_FOLDER=str(folder / "exports"),
        JOBS_QUEUE_URL=f"sqlite:///{folder / 'jobs.sqlite3'}",
    )
    with app.app_context():
        upgrade()
    return OTHERS.add(fresh_requests(app))


OTHERS = Installations()


@pytest.fixture(autouse=True)
def _close_other_installations():
    yield
    OTHERS.close()


def _edition_counts(app) -> dict[str, int]:
    with app.app_context():
        edition_id = _db.session.scalar(select(Edition.id).where(Edition.slug == SLUG))
        of_edition = Application.edition_id == edition_id
        return {
            "criteria": _db.session.scalar(
                select(func.count(Criterion.id)).where(Criterion.edition_id == edition_id)
            ),
            "applications": _db.session.scalar(select(func.count(Application.id)).where(of_edition)),
            "attachments": _db.session.scalar(
                select(func.count(Attachment.id)).join(Application).where(of_edition)
            ),
            "sheets": _db.session.scalar(
                select(func.count(ScoreSheet.id))
                .join(ScoreSheet.assignment)
                .join(Application)
                .where(of_edition)
            ),
            "scores": _db.session.scalar(
                select(func.sum(CriterionScore.value))
                .join(ScoreSheet)
                .join(ScoreSheet.assignment)
                .join(Application)
                .where(of_edition)
            ),
            "awards": _db.session.scalar(select(func.count(Award.id)).where(Award.edition_id == edition_id)),
            "certificates": _db.session.scalar(
                select(func.count(Certificate.id)).where(Certificate.edition_id == edition_id)
            ),
        }


def _public(client, url: str) -> str:
    return CSRF.sub("", client.get(url).get_data(as_text=True))


def test_every_table_is_either_part_of_an_edition_shared_or_left_out():
    assert edition_backup.unclassified_tables() == set()


def test_export_edition_holds_the_edition_and_no_password(exported):
    with tarfile.open(exported) as tar:
        names = tar.getnames()
        users = [json.loads(line) for line in tar.extractfile("edition/users.jsonl").read().splitlines()]
        editions = [
            json.loads(line) for line in tar.extractfile("edition/editions.jsonl").read().splitlines()
        ]
    assert [row["slug"] for row in editions] == [SLUG]
    assert users and all(row["password_hash"] is None for row in users)
    assert "edition/emails.jsonl" not in names
    assert any(name.startswith("files/certificates/") for name in names)
    assert any(name.startswith("files/uploads/") for name in names)


def test_import_edition_into_another_installation_gives_the_same_edition(exported, demo_app, tmp_path):
    other = _installation(tmp_path)

    result = _invoke(other, "backup", "import-edition", str(exported))

    assert result.exit_code == 0, result.output
    assert _edition_counts(other) == _edition_counts(demo_app)
    for url in (f"/editions/{SLUG}", f"/editions/{SLUG}/results", f"/api/editions/{SLUG}/results"):
        with demo_app.app_context():
            before = _public(demo_app.test_client(), url)
        with other.app_context():
            after = _public(other.test_client(), url)
        assert after == before, url
    with demo_app.app_context():
        codes = _db.session.scalars(
            select(Certificate.verification_code).where(Certificate.sha256.is_not(None))
        ).all()
    with other.app_context():
        client = other.test_client()
        for code in codes:
            pdf = client.get(f"/certificates/{code}.pdf")
            assert pdf.status_code == 200, code
            assert pdf.data.startswith(b"%PDF")


def test_import_edition_keeps_the_tie_break_order_on_the_new_criteria(exported, demo_app, tmp_path):
    other = _installation(tmp_path)
    assert _invoke(other, "backup", "import-edition", str(exported)).exit_code == 0

    def tie_break_names(app):
        with app.app_context():
            edition = _db.session.scalar(select(Edition).where(Edition.slug == SLUG))
            names = {criterion.id: criterion.name_en for criterion in edition.criteria}
            return [names[criterion_id] for criterion_id in edition.tie_break_criteria]

    assert tie_break_names(other) == tie_break_names(demo_app)


def test_import_edition_matches_people_by_email_and_gives_new_ones_no_password(exported, demo_app, tmp_path):
    other = _installation(tmp_path)
    with other.app_context():
        juror = factories.juror(email="JUROR1@demo.test", name="Already here")
        _db.session.commit()
        juror_id = juror.id

    assert _invoke(other, "backup", "import-edition", str(exported)).exit_code == 0

    with other.app_context():
        matching = _db.session.scalars(select(User).where(func.lower(User.email) == "juror1@demo.test")).all()
        assert [user.id for user in matching] == [juror_id]
        assert _db.session.scalar(
            select(func.count(ScoreSheet.id))
            .join(ScoreSheet.assignment)
            .where(text("assignments.juror_id = :juror"))
            .params(juror=juror_id)
        )
        others = _db.session.scalars(select(User).where(User.id != juror_id)).all()
        assert others and all(user.password_hash is None for user in others)


def test_import_edition_refuses_an_installation_that_holds_it_and_changes_nothing(exported, demo_app):
    with demo_app.app_context(), _db.engine.connect() as connection:
        before = rows.row_counts(connection, every_table=True)

    result = _invoke(demo_app, "backup", "import-edition", str(exported))

    assert result.exit_code == 1
    assert "cannot be imported" in result.output
    assert "dosta-2013" in result.output
    with demo_app.app_context(), _db.engine.connect() as connection:
        assert rows.row_counts(connection, every_table=True) == before


def test_export_edition_refuses_an_unknown_address(demo_app, tmp_path):
    result = _invoke(demo_app, "backup", "export-edition", "no-such-edition", str(tmp_path / "x.tar.gz"))
    assert result.exit_code == 1
    assert "No edition has the address no-such-edition" in result.output
    assert not (tmp_path / "x.tar.gz").exists()


def test_import_edition_refuses_a_whole_installation_backup(demo_app, tmp_path):
    path = tmp_path / "backup.tar.gz"
    with demo_app.app_context():
        stamp()
    assert _invoke(demo_app, "backup", "create", str(path)).exit_code == 0

    result = _invoke(_installation(tmp_path), "backup", "import-edition", str(path))

    assert result.exit_code == 1
    assert "format" in result.output


def test_export_and_import_of_an_edition_are_audited(exported, demo_app, tmp_path):
    from app.audit.models import AuditEvent

    with demo_app.app_context():
        exported_events = _db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "edition.exported")
        ).all()
        edition_id = _db.session.scalar(select(Edition.id).where(Edition.slug == SLUG))
    assert [event.edition_id for event in exported_events] == [edition_id]
    other = _installation(tmp_path)
    assert _invoke(other, "backup", "import-edition", str(exported)).exit_code == 0
    with other.app_context():
        event = _db.session.scalars(select(AuditEvent).where(AuditEvent.action == "edition.imported")).one()
        assert event.edition_id == _db.session.scalar(select(Edition.id).where(Edition.slug == SLUG))
