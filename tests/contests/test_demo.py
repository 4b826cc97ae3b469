"""The demo data: history exactly as published, the 2013 edition in full, an edition open now, accounts."""

import pytest
from sqlalchemy import func, select

from app.auth.enums import Role
from app.auth.models import Organisation, User
from app.auth.passwords import verify_password
from app.contests.models import Edition
from app.db import utcnow
from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoAlreadyLoaded, demo_accounts_text, load_demo
from app.ranking.models import Award
from app.submissions.models import Application

# seeds/past-laureates.md: (place, laureate, country) per year.
LAUREATES = {
    2007: [(1, "Vitez", "BA"), (2, "Banja Luka", "BA")],
    2009: [(1, "Mostar", "BA"), (1, "Prijedor", "BA"), (2, "Volos", "GR"), (3, "Lom", "BG")],
    2011: [
        (1, "Jyväskylä", "FI"), (1, "Surčin (Belgrade)", "RS"), (2, "Southwark (London)", "GB"),
        (3, "Community of Madrid", "ES"),
    ],
    2013: [(1, "Obrnice", "CZ"), (2, "Heraklion", "GR"), (3, "Kocaeli", "TR")],
    2015: [(1, "Ghent", "BE"), (2, "Kragujevac", "RS"), (2, "Reggio nell'Emilia", "IT"), (3, "Madrid", "ES")],
    2017: [(1, "Şişli", "TR"), (2, "Volos", "GR"), (3, "Gliwice", "PL")],
}  # fmt: skip


@pytest.fixture
def demo(db):
    summary = load_demo()
    db.session.commit()
    return summary


def _edition(db, slug: str) -> Edition:
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def test_demo_laureates_match_the_public_record(demo, db):
    rows = db.session.execute(
        select(Edition.year, Award.place, Organisation.name, Organisation.country)
        .join(Award, Award.edition_id == Edition.id)
        .join(Organisation, Organisation.id == Award.organisation_id)
        .order_by(Edition.year, Award.place, Organisation.name)
    ).all()

    loaded: dict[int, list] = {}
    for year, place, name, country in rows:
        loaded.setdefault(year, []).append((place, name, country))
    assert loaded == LAUREATES


def test_demo_past_editions_are_archived_history(demo, db):
    past = db.session.scalars(select(Edition).where(Edition.archived.is_(True)).order_by(Edition.year)).all()

    assert [(e.ordinal, e.year, e.slug) for e in past] == [
        (1, 2007, "dosta-2007"),
        (2, 2009, "dosta-2009"),
        (3, 2011, "dosta-2011"),
        (5, 2015, "dosta-2015"),
        (6, 2017, "dosta-2017"),
    ]
    assert all(e.results_published_at is not None and e.ceremony_place == "Strasbourg" for e in past)
    assert all(e.ceremony_date.month in (9, 10, 11) for e in past)
    archived_awards = db.session.scalars(
        select(Award).join(Edition, Edition.id == Award.edition_id).where(Edition.archived.is_(True))
    ).all()
    assert {(a.application_id, a.citation) for a in archived_awards} == {(None, "")}
    deadline_2015 = _edition(db, "dosta-2015").submissions_close_at
    assert deadline_2015.isoformat() == "2015-06-30T21:59:00+00:00"  # 23:59 in Strasbourg


def test_demo_organisations_are_distinct_where_the_record_says(demo, db):
    volos = db.session.scalars(select(Organisation).where(Organisation.name == "Volos")).all()
    madrid = db.session.scalars(select(Organisation).where(Organisation.name.like("%Madrid%"))).all()

    assert len(volos) == 1
    assert sorted((o.name, o.kind) for o in madrid) == [
        ("Community of Madrid", "region"),
        ("Madrid", "municipality"),
    ]
    assert db.session.scalar(select(Organisation.kind).where(Organisation.name == "Kocaeli")) == "region"


def test_demo_2013_edition_in_full(demo, db):
    edition = _edition(db, "dosta-2013")
    applications = db.session.scalars(select(Application).where(Application.edition_id == edition.id)).all()
    countries = {a.organisation.country for a in applications}

    assert edition.name == "4th Dosta!-Congress Prize for Municipalities"
    assert (edition.ordinal, edition.year, edition.prizes_count, edition.aggregation) == (4, 2013, 3, "mean")
    assert (edition.score_min, edition.score_max, edition.score_step, edition.min_sheets_per_entry) == (
        0,
        10,
        1,
        3,
    )
    assert str(edition.ceremony_date) == "2013-10-30"
    assert "Strasbourg" in edition.ceremony_place and "25th session" in edition.ceremony_place
    assert edition.is_published
    assert [c.name for c in edition.criteria] == ["Integration", "Anti-discrimination", "Awareness-raising"]
    assert all(c.description and c.guidance for c in edition.criteria)
    assert len(applications) >= 21
    assert len(countries) >= 15
    assert sorted(a.status for a in applications).count("ineligible") == 1
    assert {a.status for a in applications} == {"eligible", "ineligible"}
    assert all(a.eligibility_reason for a in applications if a.status == "ineligible")
    assert all(
        edition.submissions_open_at < a.submitted_at < edition.submissions_close_at for a in applications
    )
    assert sorted(a.reference for a in applications)[:2] == ["DOSTA-2013-001", "DOSTA-2013-002"]
    assert all(len(a.answers) == 3 and all(x.text for x in a.answers) for a in applications)


def test_demo_2013_laureates_have_their_applications_and_citations(demo, db):
    edition = _edition(db, "dosta-2013")
    awards = db.session.scalars(
        select(Award).where(Award.edition_id == edition.id).order_by(Award.place)
    ).all()

    assert [(a.place, a.organisation.name, a.kind) for a in awards] == [
        (1, "Obrnice", "prize"),
        (2, "Heraklion", "prize"),
        (3, "Kocaeli", "prize"),
    ]
    assert all(a.application is not None and a.application.status == "eligible" for a in awards)
    assert all(a.citation for a in awards)
    obrnice = awards[0].application
    assert obrnice.title == "Community life in Obrnice – an integrated approach"
    assert (obrnice.start_year, obrnice.organisation.population) == (2007, 2300)
    assert set(obrnice.fields_of_action) >= {"education", "housing", "employment", "security"}
    assert "I am a Roma" in awards[1].application.summary
    assert awards[1].organisation.population == 170000


def test_demo_others_are_plainly_fictional(demo, db):
    names = set(db.session.scalars(select(Organisation.name)))
    real = {name for laureates in LAUREATES.values() for _place, name, _country in laureates}

    assert names - real == {n for n in names if n.startswith(("Demo Municipality ", "Demo Region "))}
    assert "Demo Municipality 4" in names and "Demo Region 5" in names


def test_demo_current_edition_accepts_applications_now(demo, db):
    edition = _edition(db, "dosta-2027")
    days_left = (edition.submissions_close_at - utcnow()).days
    applications = db.session.scalars(select(Application).where(Application.edition_id == edition.id)).all()

    assert edition.accepts_applications()
    assert edition.name == "Dosta!-Congress Prize for Municipalities 2027 (demo edition)"
    assert (edition.ordinal, edition.year) == (7, 2027)
    assert 59 <= days_left <= 60
    assert [c.name for c in edition.criteria] == ["Integration", "Anti-discrimination", "Awareness-raising"]
    assert sorted((a.organisation.name, a.status) for a in applications) == [
        ("Demo Municipality 4", "submitted"),
        ("Demo Municipality 6", "submitted"),
        ("Demo Region 5", "draft"),
    ]


def test_demo_accounts_exist_with_the_demo_password(demo, db, client, auth):
    users = {u.email: u for u in db.session.scalars(select(User))}

    assert set(users) == {email for email, _role, _where in DEMO_ACCOUNTS}
    assert users["organiser@demo.test"].role == Role.ORGANISER
    assert users["organiser@demo.test"].name == "Demo Organiser"
    assert [(users[f"juror{i}@demo.test"].country) for i in range(1, 6)] == ["FR", "DE", "IT", "SE", "PL"]
    assert users["obrnice@demo.test"].organisation.name == "Obrnice"
    assert users["demo-municipality-4@demo.test"].organisation.name == "Demo Municipality 4"
    assert all(u.email_confirmed_at is not None and u.active for u in users.values())
    assert len({u.password_hash for u in users.values()}) == 1
    assert verify_password(users["juror3@demo.test"].password_hash, DEMO_PASSWORD)
    response = auth.login("obrnice@demo.test", DEMO_PASSWORD)
    assert response.status_code == 302


def test_demo_accounts_text_lists_every_account(demo):
    text = demo_accounts_text()

    assert DEMO_PASSWORD in text
    for email, _role, _where in DEMO_ACCOUNTS:
        assert email in text
    assert "Obrnice (Czech Republic)" in text


def test_demo_load_twice_is_refused(demo, db):
    before = db.session.scalar(select(func.count()).select_from(Application))

    with pytest.raises(DemoAlreadyLoaded, match="already loaded"):
        load_demo()

    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Application)) == before


def test_demo_summary_is_one_line(demo):
    assert "\n" not in demo
    assert demo.startswith("7 editions")


def test_demo_public_pages_show_the_history(demo, client):
    home = client.get("/").get_data(as_text=True)
    archive = client.get("/editions").get_data(as_text=True)

    assert "Dosta!-Congress Prize for Municipalities 2027 (demo edition)" in home
    for name in ("Jyväskylä", "Surčin (Belgrade)", "Obrnice", "Şişli", "Reggio nell&#39;Emilia"):
        assert name in archive
    assert archive.count("Joint 1st place") == 4
    assert archive.count("Joint 2nd place") == 2
    assert "21 applications" in archive or "22 applications" in archive


def test_demo_cli_load_then_refuses_a_second_time(app, db):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo", "load"])
    second = runner.invoke(args=["demo", "load"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith("Demo loaded: 7 editions")
    assert second.exit_code == 1
    assert "The demo is already loaded: edition 'dosta-2013' exists." in second.output
    assert (
        db.session.scalar(select(func.count()).select_from(Edition).where(Edition.slug == "dosta-2013")) == 1
    )


def test_demo_texts_written_in_english_and_french(demo, db):
    editions = db.session.scalars(select(Edition)).all()
    citations = db.session.scalars(select(Award).where(Award.citation != "")).all()

    assert all(e.name_en and e.name_fr and e.description_en and e.description_fr for e in editions)
    assert all(e.ceremony_place_en and e.ceremony_place_fr for e in editions)
    assert all(c.name_fr and c.description_fr and c.guidance_fr for e in editions for c in e.criteria)
    assert len(citations) == 3 and all(a.citation_fr for a in citations)
    edition = _edition(db, "dosta-2013")
    assert (edition.name_fr, edition.ceremony_place_fr) == (
        "4e Prix Dosta!-Congrès pour les municipalités",
        "Strasbourg, 25e session du Congrès",
    )
    assert [c.name_fr for c in edition.criteria] == [
        "Intégration",
        "Lutte contre la discrimination",
        "Sensibilisation",
    ]
    assert _edition(db, "dosta-2007").name_fr == "1er Prix Dosta!-Congrès pour les municipalités"
