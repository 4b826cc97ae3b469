"""The demo jury: the 2013 sheets reproduce the published podium; the current edition's jury is ready."""

from collections import defaultdict
from datetime import timedelta
from statistics import mean

import pytest
from sqlalchemy import func, select

from app.contests.models import Edition
from app.demo import DEMO_PASSWORD, load_demo
from app.judging.demo import load_jury_demo
from app.judging.models import Assignment, ConflictOfInterest, JuryMember, ScoreSheet
from app.ranking import scoring
from app.submissions.models import Application
from tests.judging.helpers import page

PODIUM = ["Obrnice", "Heraklion", "Kocaeli"]


@pytest.fixture
def demo(db):
    summary = load_demo()
    db.session.commit()
    if db.session.scalar(select(Edition).where(Edition.slug == "dosta-2013")) is None:
        pytest.skip("app.demo.load_demo does not load the 2013 edition yet")
    return summary


def edition(db, slug):
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def sheets_2013(db):
    """(juror email, organisation name, weighted mean of the sheet) for every counted 2013 sheet."""
    rows = []
    for sheet in db.session.scalars(
        select(ScoreSheet)
        .join(Assignment)
        .join(Application)
        .where(Application.edition_id == edition(db, "dosta-2013").id, Assignment.recused_at.is_(None))
    ):
        weights = {c.id: float(c.weight) for c in sheet.assignment.application.edition.criteria}
        total = sum(weights[s.criterion_id] * float(s.value) for s in sheet.scores) / sum(weights.values())
        rows.append(
            (sheet.assignment.juror.email, sheet.assignment.application.organisation.name, total, sheet)
        )
    return rows


def test_demo_summary_mentions_the_jury(demo):
    assert "the 2013 jury (5 jurors) submitted" in demo
    assert "dosta-2027" in demo


def test_demo_2013_ranking_by_hand_is_obrnice_heraklion_kocaeli(db, demo):
    by_entry = defaultdict(list)
    for _juror, name, total, sheet in sheets_2013(db):
        assert sheet.status == "submitted"
        assert all(score.value is not None for score in sheet.scores)
        by_entry[name].append(total)

    ranking = sorted(by_entry, key=lambda name: mean(by_entry[name]), reverse=True)

    assert ranking[:3] == PODIUM
    means = {name: mean(totals) for name, totals in by_entry.items()}
    assert means["Obrnice"] - means["Heraklion"] >= 0.5
    assert means["Heraklion"] - means["Kocaeli"] >= 0.5
    assert means["Kocaeli"] - max(means[name] for name in ranking[3:]) >= 0.5


def test_demo_2013_podium_is_the_same_under_every_aggregation(db, demo):
    ed = edition(db, "dosta-2013")
    rows = sheets_2013(db)
    names = {sheet.assignment.application_id: name for _j, name, _t, sheet in rows}
    sheets = [
        scoring.Sheet(
            juror_id=sheet.assignment.juror_id,
            entry_id=sheet.assignment.application_id,
            scores={s.criterion_id: float(s.value) for s in sheet.scores},
        )
        for *_rest, sheet in rows
    ]
    criteria = [scoring.Criterion(c.id, float(c.weight), c.position) for c in ed.criteria]

    for method in scoring.METHODS:
        ranking = scoring.rank_entries(
            names,
            sheets,
            criteria,
            scoring.Scale(float(ed.score_min), float(ed.score_max), float(ed.score_step)),
            method,
        )
        assert [names[row.entry_id] for row in ranking.podium] == PODIUM, method
        assert not ranking.fragile, method


def test_demo_2013_juror4_scores_about_two_points_lower(db, demo):
    totals = defaultdict(dict)
    for juror, name, total, _sheet in sheets_2013(db):
        totals[juror][name] = total
    harsh = totals.pop("juror4@demo.test")

    gaps = [
        mean(others[name] for others in totals.values() if name in others) - total
        for name, total in harsh.items()
    ]

    assert 1.5 <= mean(gaps) <= 2.5


def test_demo_2013_one_recusal_with_a_declared_conflict(db, demo):
    recused = db.session.scalars(select(Assignment).where(Assignment.recused_at.is_not(None))).all()

    assert len(recused) == 1
    assert recused[0].recusal_reason
    assert recused[0].sheet is None
    assert recused[0].application.organisation.name not in PODIUM
    conflict = db.session.scalar(select(ConflictOfInterest))
    assert (conflict.juror_id, conflict.application_id) == (recused[0].juror_id, recused[0].application_id)


def test_demo_2013_every_eligible_entry_to_every_unconflicted_juror(db, demo):
    ed = edition(db, "dosta-2013")
    members = db.session.scalars(select(JuryMember).where(JuryMember.edition_id == ed.id)).all()
    eligible = db.session.scalars(
        select(Application).where(Application.edition_id == ed.id, Application.status == "eligible")
    ).all()
    assigned = {
        tuple(row) for row in db.session.execute(select(Assignment.juror_id, Assignment.application_id))
    }

    assert sorted(m.user.email for m in members) == [f"juror{n}@demo.test" for n in range(1, 6)]
    assert sorted(m.user.country for m in members) == sorted(["FR", "DE", "IT", "SE", "PL"])
    assert [m.user.email for m in members if m.is_chair] == ["juror1@demo.test"]
    for member in members:
        for application in eligible:
            same_country = member.user.country == application.organisation.country
            assert ((member.user_id, application.id) in assigned) == (not same_country)
    assert (
        db.session.scalar(select(func.count()).select_from(Assignment))
        == db.session.scalar(select(func.count()).select_from(ScoreSheet)) + 1
    )


def test_demo_juror1_sees_2013_entries_with_submitted_sheets(client, auth, db, demo):
    auth.login("juror1@demo.test", DEMO_PASSWORD)

    html = page(client.get("/jury"))

    ed = edition(db, "dosta-2013")
    references = db.session.scalars(
        select(Application.reference).where(Application.edition_id == ed.id, Application.status == "eligible")
    ).all()
    assert ed.name in html
    for reference in references:
        assert reference in html
    assert f"{len(references)} of {len(references)} submitted" in html
    assignment = db.session.scalar(
        select(Assignment)
        .join(Application)
        .where(Application.edition_id == ed.id, Assignment.juror.has(email="juror1@demo.test"))
    )
    entry = page(client.get(f"/jury/entries/{assignment.id}"))
    assert "Judging has closed: this sheet is frozen." in entry
    assert "Submitted on" in entry


def test_demo_current_edition_has_its_jury_and_says_what_is_pending(client, auth, db, demo):
    current = edition(db, "dosta-2027")
    members = db.session.scalars(select(JuryMember).where(JuryMember.edition_id == current.id)).all()
    auth.login("organiser@demo.test", DEMO_PASSWORD)

    html = page(client.get(f"/manage/editions/{current.id}/progress"))

    assert len(members) == 5 and [m.user.email for m in members if m.is_chair] == ["juror1@demo.test"]
    assert "screen the applications for eligibility, then assign" in html
    assert "5 jurors on the jury." in html


def test_demo_current_edition_can_be_judged_once_submissions_close(client, auth, db, demo, outbox):
    current = edition(db, "dosta-2027")
    # Move the clock past the close of submissions: the same as moving the edition's dates back.
    shift = current.submissions_close_at - current.submissions_open_at
    for name in ("submissions_open_at", "submissions_close_at", "judging_close_at", "results_publish_at"):
        setattr(current, name, getattr(current, name) - shift - timedelta(days=1))
    db.session.commit()
    submitted = db.session.scalars(
        select(Application).where(Application.edition_id == current.id, Application.status == "submitted")
    ).all()
    auth.login("organiser@demo.test", DEMO_PASSWORD)
    screening = f"/manage/editions/{current.id}/screening"
    for application in submitted:
        auth.post(screening, {"application_id": str(application.id), "decision": "eligible", "reason": ""})
    auth.post(
        f"/manage/editions/{current.id}/assignments/all",
        form_url=f"/manage/editions/{current.id}/assignments",
    )
    auth.logout()

    auth.login("juror1@demo.test", DEMO_PASSWORD)
    dashboard = page(client.get("/jury"))
    assignment = db.session.scalar(
        select(Assignment)
        .join(Application)
        .where(Application.edition_id == current.id, Assignment.juror.has(email="juror1@demo.test"))
    )
    from tests.judging.helpers import post_sheet

    response = post_sheet(auth, assignment, list(current.criteria), [8, 7, 9], submit=True)

    assert f"0 of {len(submitted)} submitted" in dashboard
    assert response.status_code == 302
    sheet = db.session.scalar(select(ScoreSheet).where(ScoreSheet.assignment_id == assignment.id))
    assert sheet.status == "submitted"


def test_load_jury_demo_without_the_demo_data_does_nothing(db):
    assert load_jury_demo() == ""
    assert db.session.scalar(select(func.count()).select_from(JuryMember)) == 0
