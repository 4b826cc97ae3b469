"""Until publication, only organisers see scores, comments and decisions: every GET route is searched."""

import itertools

import pytest
from sqlalchemy import select

from app.judging.models import Assignment, CriterionScore, ScoreSheet
from app.prepared.enums import PreparedKind
from app.prepared.requests import request_file
from app.ranking.models import Award

COMMENT = "PLANTED-COMMENT-Q7X2"
OVERALL = "PLANTED-OVERALL-H3M9"
CITATION = "PLANTED-CITATION-Z9K4"
JUSTIFICATION = "PLANTED-JUSTIFICATION-W5T1"
DECISIONS = (CITATION, JUSTIFICATION)


@pytest.fixture
def planted(small, db):
    """Juror Three's comments on Obrnice, and an award with its citation and justification."""
    three_on_a = db.session.scalars(
        select(Assignment).where(
            Assignment.application_id == small.id_of("A"), Assignment.juror_id == small.jurors["three"].id
        )
    ).one()
    sheet = three_on_a.sheet
    sheet.overall_comment = OVERALL
    sheet.scores[0].comment = COMMENT
    award = Award(
        edition_id=small.edition.id,
        organisation_id=small.entries["A"].organisation_id,
        application_id=small.id_of("A"),
        kind="prize",
        place=1,
        citation=CITATION,
        justification=JUSTIFICATION,
    )
    db.session.add(award)
    db.session.commit()
    return small, three_on_a, sheet, award


def prepare_files(small, app, db) -> list[int]:
    """The score sheets (CSV) and the jury report prepared for the organisers (made at once: JOBS_EAGER)."""
    ids = []
    with app.test_request_context():
        for kind, name in ((PreparedKind.SHEETS_CSV, "sheets.csv"), (PreparedKind.JURY_REPORT, "report.pdf")):
            prepared, _new = request_file(
                kind, small.edition.id, parameters={"language": "en"}, download_name=name, user_id=None
            )
            ids.append(prepared.id)
    db.session.commit()
    return ids


def candidate_values(small, three_on_a, sheet, award, db, file_ids=()) -> dict[str, list]:
    """Real ids for the URL arguments of every route; the planted objects first."""
    assignments = db.session.scalars(
        select(Assignment.id).where(Assignment.application_id == small.id_of("A")).order_by(Assignment.id)
    ).all()
    sheets = db.session.scalars(
        select(ScoreSheet.id).join(Assignment).where(Assignment.application_id == small.id_of("A"))
    ).all()
    score_ids = db.session.scalars(select(CriterionScore.id).where(CriterionScore.sheet_id == sheet.id)).all()
    edition, entry = small.edition, small.entries["A"]
    return {
        "edition_id": [edition.id],
        "slug": [edition.slug],
        "application_id": [entry.id],
        "entry_id": [entry.id],
        "assignment_id": assignments,
        "sheet_id": sheets,
        "score_id": score_ids,
        "award_id": [award.id],
        "organisation_id": [entry.organisation_id],
        "juror_id": [small.jurors["three"].id],
        "user_id": [small.jurors["three"].id, small.organiser.id],
        "person_id": [small.jurors["three"].id],
        "member_id": [small.jurors["three"].id],
        "criterion_id": [c.id for c in edition.criteria][:1],
        "reference": [entry.reference],
        "year": [edition.year],
        "file_id": list(file_ids),
        # Anything else: each of the ids above, or the edition's slug for a text argument.
        "*int": sorted({edition.id, entry.id, three_on_a.id, sheet.id, award.id, small.jurors["three"].id}),
        "*str": [edition.slug, entry.reference],
    }


def get_urls(app, values: dict[str, list]) -> list[str]:
    """Every GET URL of the app, its arguments filled with real values (every combination)."""
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.endswith(".static"):
                continue
            choices = []
            for name in sorted(rule.arguments):
                converter = rule._converters[name]
                numeric = (
                    type(converter).__name__.endswith("IntConverter") or "Int" in type(converter).__name__
                )
                default = values["*int"] if numeric else values["*str"]
                choices.append([(name, value) for value in values.get(name, default)])
            for combination in itertools.product(*choices):
                urls.append(adapter.build(rule.endpoint, dict(combination), method="GET"))
    return sorted(set(urls))


def leaks(client, urls, secrets) -> list[tuple[str, str]]:
    found = []
    for url in urls:
        body = client.get(url).get_data()
        found += [(url, secret) for secret in secrets if secret.encode() in body]
    return found


def test_organiser_sees_what_is_planted(client, auth, planted, app, db):
    small = planted[0]
    auth.login(small.organiser.email)

    sheets_id, report_id = prepare_files(small, app, db)
    sheets = client.get(f"/manage/editions/{small.edition.id}/files/{sheets_id}", buffered=True).get_data()
    sheets = sheets.decode("utf-8-sig")
    awards = client.get(f"/manage/editions/{small.edition.id}/awards").get_data(as_text=True)

    assert COMMENT in sheets and OVERALL in sheets
    assert CITATION in awards and JUSTIFICATION in awards


def test_nothing_confidential_reaches_anonymous_applicant_or_juror(client, auth, planted, app, db):
    small, three_on_a, sheet, award = planted
    file_ids = prepare_files(small, app, db)
    urls = get_urls(app, candidate_values(small, three_on_a, sheet, award, db, file_ids))
    assert any("/ranking" in url for url in urls) and any("/api/editions" in url for url in urls)
    assert any(f"/files/{file_ids[0]}" in url for url in urls)
    secrets = (COMMENT, OVERALL, *DECISIONS)

    found = {"anonymous": leaks(client, urls, secrets)}
    # The laureate-to-be, and a juror who scored the same entry as Juror Three (not the chair).
    for role, user in (("applicant", small.applicants["A"]), ("juror", small.jurors["two"])):
        auth.login(user.email)
        found[role] = leaks(client, urls, secrets)
        auth.logout()

    assert found == {"anonymous": [], "applicant": [], "juror": []}


def test_chair_sees_decisions_but_no_fellow_comment(client, auth, planted, app, db):
    small, three_on_a, sheet, award = planted
    urls = get_urls(app, candidate_values(small, three_on_a, sheet, award, db))
    auth.login(small.jurors["one"].email)

    found = leaks(client, urls, (COMMENT, OVERALL))

    assert found == []
    assert CITATION in client.get(f"/manage/editions/{small.edition.id}/awards").get_data(as_text=True)


def test_published_edition_shows_citation_but_no_comment(client, auth, planted, app, db):
    small, three_on_a, sheet, award = planted
    small.edition.results_published_at = small.edition.judging_close_at
    db.session.commit()
    urls = get_urls(app, candidate_values(small, three_on_a, sheet, award, db))

    found = leaks(client, urls, (COMMENT, OVERALL, JUSTIFICATION))

    assert found == []
    assert CITATION in client.get(f"/editions/{small.edition.slug}/results").get_data(as_text=True)
