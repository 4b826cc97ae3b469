"""The ranking and the score sheets as CSV and XLSX, and the jury report as PDF.

A table's rows are an iterable consumed once, row by row: CSV is written as the rows come, XLSX with
openpyxl's write-only workbook (rows streamed to a temporary file, never a sheet held in memory), so that
writing the score sheets takes the same memory for 50 sheets or 50,000. Column widths are therefore set
from the header and the kind of column, not measured on the data.

Spreadsheet cells are user text (an organisation may be named "=HYPERLINK(...)"): a text cell that a
spreadsheet would read as a formula is prefixed with a single quote. The jury report is laid out by
WeasyPrint, which may read only files under app/ (the shipped fonts): no network, no other file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from app.countries import country_name
from app.formatting import utc_to_local
from app.ranking import scoring
from app.ranking.scores import SheetRecord
from app.ranking.view import RankingView, method_label

APP_DIR = Path(__file__).resolve().parents[1]
FONTS_DIR = APP_DIR / "certificates" / "assets" / "fonts"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPORT_FILE_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".css": "text/css", ".svg": "image/svg+xml"}

Cell = str | int | float | Decimal | datetime | None


NUMBER_WIDTH = 10
TEXT_WIDTH = 30
LONG_TEXT_WIDTH = 50


@dataclass(frozen=True)
class Table:
    """A header row and data rows (an iterable read once), ready for CSV or XLSX.

    `widths` gives some columns' widths in the XLSX (by column index); the others fit their heading."""

    title: str
    header: tuple[str, ...]
    rows: Iterable[tuple[Cell, ...]]
    widths: dict[int, int] = field(default_factory=dict)


def neutralise(value: Cell) -> Cell:
    """A text cell a spreadsheet would run as a formula, made plain text with a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _rounded(value: float | None, places: int = 2) -> Decimal | None:
    return None if value is None else round(Decimal(repr(value)), places)


def _local(value: datetime | None) -> datetime | None:
    """A UTC instant as Strasbourg wall-clock time without a zone (spreadsheets know no zones)."""
    local = utc_to_local(value)
    return None if local is None else local.replace(microsecond=0)


def ranking_table(view: RankingView) -> Table:
    criteria = view.scores.criteria
    header = (
        _("Rank"),
        _("Reference"),
        _("Organisation"),
        _("Country"),
        _("Aggregate (%(method)s)", method=method_label(view.method)),
        *(_("Mean: %(criterion)s", criterion=c.name) for c in criteria),
        _("Sheets"),
        _("Below the minimum of sheets"),
        _("Standard deviation"),
        *(_("Rank under %(method)s", method=method_label(m)) for m in scoring.METHODS),
        _("Best rank with one juror left out"),
        _("Worst rank with one juror left out"),
        _("Podium robust"),
        _("Why not"),
    )
    return Table(
        _("Ranking"), header, _ranking_rows(view), {1: 16, 2: TEXT_WIDTH, 3: 16, len(header) - 1: 60}
    )


def _ranking_rows(view: RankingView) -> Iterable[tuple[Cell, ...]]:
    criteria = view.scores.criteria
    for row in view.rows:
        ranked = row.ranked
        yield (
            ranked.rank,
            row.entry.reference,
            row.entry.organisation,
            country_name(row.entry.country),
            _rounded(ranked.aggregate, 3),
            *(_rounded(ranked.criterion_means.get(c.id), 3) for c in criteria),
            ranked.sheet_count,
            _("yes") if ranked.below_min_sheets else _("no"),
            _rounded(ranked.total_std, 3),
            *(ranked.ranks_by_method[m] for m in scoring.METHODS),
            ranked.rank_interval[0],
            ranked.rank_interval[1],
            _("no") if ranked.podium_fragile else _("yes"),
            "; ".join(row.reasons),
        )


def sheets_table(records: Iterable[SheetRecord], criteria: Sequence) -> Table:
    header = (
        _("Reference"),
        _("Organisation"),
        _("Country"),
        _("Juror"),
        _("Juror's country"),
        _("Status"),
        _("Recused"),
        _("Submitted (Strasbourg time)"),
        _("Total"),
        *(part for c in criteria for part in (c.name, _("Comment: %(criterion)s", criterion=c.name))),
        _("Overall comment"),
    )
    comments = {9 + 2 * index + 1: LONG_TEXT_WIDTH for index in range(len(criteria))}
    widths = {0: 16, 1: TEXT_WIDTH, 2: 16, 3: 24, 4: 16, 7: 18, **comments, len(header) - 1: LONG_TEXT_WIDTH}
    return Table(_("Score sheets"), header, _sheet_rows(records, [c.id for c in criteria]), widths)


def _sheet_rows(records: Iterable[SheetRecord], criterion_ids: list[int]) -> Iterator[tuple[Cell, ...]]:
    """One row per sheet; the words and country names looked up once, not once per sheet."""
    yes, no = _("yes"), _("no")
    countries: dict[str | None, str] = {}

    def country(code: str | None) -> str:
        if code not in countries:
            countries[code] = country_name(code)
        return countries[code]

    for record in records:
        yield (
            record.entry_reference,
            record.organisation,
            country(record.country),
            record.juror,
            country(record.juror_country),
            record.status,
            yes if record.recused else no,
            _local(record.submitted_at),
            _rounded(record.total, 3),
            *(
                part
                for cid in criterion_ids
                for part in (_rounded(record.scores.get(cid)), record.comments.get(cid, ""))
            ),
            record.overall_comment,
        )


def _csv_value(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralise(value)


def write_csv(table: Table, out: BinaryIO) -> None:
    """UTF-8 with a byte order mark, so that spreadsheet programs read diacritics and other scripts; written
    row by row."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow([_csv_value(cell) for cell in table.header])
        for row in table.rows:
            writer.writerow([_csv_value(cell) for cell in row])
        text.flush()
    finally:
        text.detach()  # `out` stays open: its owner closes it


def _xlsx_value(value: Cell) -> Cell:
    if isinstance(value, str):
        # openpyxl refuses control characters; a formula-looking text stays text.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(tables: Iterable[Table], out: BinaryIO) -> None:
    """One worksheet per table, streamed: bold frozen header, filters, column widths set beforehand."""
    workbook = Workbook(write_only=True)
    for table in tables:
        sheet = workbook.create_sheet(title=table.title[:31])
        for index, heading in enumerate(table.header):
            width = table.widths.get(index) or min(max(NUMBER_WIDTH, len(str(heading)) + 2), 60)
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([_header_cell(sheet, heading) for heading in table.header])
        count = 0
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, cell) for cell in row])
            count += 1
        if count:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.header))}{count + 1}"
    workbook.save(out)


def _header_cell(sheet, heading: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, _xlsx_value(heading))
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor="0B2A5B")
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _xlsx_cell(sheet, value: Cell) -> Cell | WriteOnlyCell:
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return _xlsx_value(value)


# --- The jury report --------------------------------------------------------------------------------------


PDF_VARIANT = "pdf/ua-1"


class ReportFileRefused(ValueError):
    """The jury report tried to load something other than the app's own files."""


class ReportFetcher(URLFetcher):
    """Lets WeasyPrint read the app's own fonts and styles under app/, and nothing else (no network)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost") or parts.query:
            raise ReportFileRefused(f"not a file of the app: {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(APP_DIR) or path.suffix not in REPORT_FILE_TYPES or not path.is_file():
            raise ReportFileRefused(f"not a file of the app: {url}")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": REPORT_FILE_TYPES[path.suffix]})


def jury_report_pdf(html: str) -> bytes:
    """Lay out the jury report's HTML; relative URLs resolve against the shipped fonts.

    A tagged PDF/UA-1 document: its structure follows the HTML's headings, lists and tables, and it takes its
    title from <title> and its language from <html lang>, so that a screen reader can read it.
    """
    document = HTML(string=html, base_url=FONTS_DIR.as_uri() + "/", url_fetcher=ReportFetcher())
    return document.write_pdf(pdf_variant=PDF_VARIANT)
