"""Posting score sheets as a browser would, and looking at the database before and after."""

import re

from sqlalchemy import text

VERSION_INPUT = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def page(response) -> str:
    return response.get_data(as_text=True)


def entry_url(assignment) -> str:
    return f"/jury/entries/{assignment.id}"


def version_on(html: str) -> str:
    match = VERSION_INPUT.search(html)
    assert match, "no version field in the page"
    return match.group(1) or match.group(2)


def sheet_form(criteria, scores, comments=None, overall="", version="0", submit=False) -> dict:
    """The fields a browser sends from the score form; scores in criterion order (None: left empty)."""
    data = {"version": version, "overall_comment": overall}
    comments = comments or [""] * len(criteria)
    for criterion, score, comment in zip(criteria, scores, comments, strict=True):
        data[f"score_{criterion.id}"] = "" if score is None else str(score)
        data[f"comment_{criterion.id}"] = comment
    data["submit_sheet" if submit else "save_draft"] = "Submit score sheet" if submit else "Save draft"
    return data


def post_sheet(auth, assignment, criteria, scores, submit=False, version=None, **fields):
    """Open the entry page (its CSRF token and sheet version), then send the score form from it."""
    html = page(auth.client.get(entry_url(assignment)))
    if version is None:
        version = version_on(html) if 'name="version"' in html else "0"
    data = sheet_form(criteria, scores, version=version, submit=submit, **fields)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    data["csrf_token"] = token.group(1) if token else auth.csrf("/jury")
    return auth.client.post(f"{entry_url(assignment)}/sheet", data=data)


def snapshot(db) -> dict:
    """Everything a refused request must leave untouched: sheets, scores, assignments, conflicts, audit."""
    db.session.rollback()  # what is committed, as the next request would see it
    queries = {
        "sheets": "SELECT id, assignment_id, status, overall_comment, version FROM score_sheets",
        "scores": "SELECT id, sheet_id, criterion_id, value, comment FROM criterion_scores",
        "assignments": "SELECT id, application_id, juror_id, recused_at, recusal_reason FROM assignments",
        "conflicts": "SELECT id, juror_id, application_id, reason FROM conflicts_of_interest",
        "audit": "SELECT id, action FROM audit_events",
    }
    return {name: sorted(map(tuple, db.session.execute(text(sql)))) for name, sql in queries.items()}
