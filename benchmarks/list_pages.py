"""SQL statements and time of every page that lists an edition's entries, jurors or sheets, at two sizes.

Run from the repository root, in `.venv`:

    python benchmarks/list_pages.py [--small 10x5] [--large 1000x30] [--criteria 3]
                                    [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB]
                                    [--page 'progress by entry=/manage/editions/{edition}/progress?by=entry']

It builds two editions in deliberation (benchmarks/large_edition.py: every juror scores every entry) in one
SQLite file of a temporary folder (or the empty database --database-url names; its tables are dropped at the
end): a small one and a large one. Signed in through the real form (the organiser, and a juror for the
juror's dashboard), it views each page of both editions through the whole Flask stack (test client):

- the statements the database ran for the page's first view (after a warm-up view of the edition's
  overview), at both sizes: the goal is the same number;
- at the large size, the time of that first view and of a second one (nothing changed in between), and the
  page's size.

The score-sheet exports are prepared files made by a job: they are made here as the job makes them (the
kind's maker, in a request context, written to a sink), with their statements and time counted the same way.
`--page NAME=URL` adds an organiser's page (`{edition}` in the URL is the edition's id), for pages or filters
that do not exist yet. The output ends with a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import shutil
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import harness

ORGANISER_PAGES = {
    "screening": "/manage/editions/{edition}/screening",
    "jury": "/manage/editions/{edition}/jury",
    "assignments": "/manage/editions/{edition}/assignments",
    "progress": "/manage/editions/{edition}/progress",
    "awards": "/manage/editions/{edition}/awards",
    "ranking": "/manage/editions/{edition}/ranking",
}
JUROR_PAGES = {"juror's dashboard": "/jury"}
EXPORTS = ("sheets_csv", "sheets_xlsx")


class Sink(io.RawIOBase):
    """A binary file that keeps only its size."""

    def __init__(self) -> None:
        super().__init__()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        return len(data)


@contextmanager
def counting(engine):
    """The statements run inside the block (as tests/conftest.py's `counting_queries`)."""
    from sqlalchemy import event

    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def size(text: str) -> tuple[int, int]:
    entries, _, jurors = text.partition("x")
    return int(entries), int(jurors)


def view(client, url: str) -> Callable[[], int]:
    def get() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return len(response.data)

    return get


def export(app, kind: str, edition_id: int) -> Callable[[], int]:
    """Make the prepared file as the job does (`app.prepared.jobs.prepare_file`), into a sink."""

    def make() -> int:
        from app.contests.models import Edition
        from app.extensions import db
        from app.prepared.enums import PreparedKind
        from app.prepared.kinds import maker_of
        from app.ranking.prepared import parameters_for

        with app.test_request_context(headers={"Accept-Language": "en"}):
            edition = db.session.get(Edition, edition_id)
            parameters = parameters_for(PreparedKind(kind), "en", edition.aggregation)
            maker = maker_of(kind)
            maker.stamp(edition_id, parameters)
            out = Sink()
            maker.make(edition_id, parameters, out)
            db.session.remove()
            return out.size

    return make


def measure(app, pages: dict[str, str], sizes: dict[str, tuple[int, int]], criteria: int, seed: int):
    import large_edition

    from app.extensions import db

    editions = {}
    with app.app_context():
        for label, (entries, jurors) in sizes.items():
            print(f"building {entries} entries x {jurors} jurors x {criteria} criteria", flush=True)
            edition_id = large_edition.build(entries, jurors, criteria, seed=seed)
            editions[label] = (edition_id, large_edition.people(edition_id))
        engine = db.engine

    rows: dict[str, dict] = {}
    for label, (edition_id, people) in editions.items():
        organiser, juror = app.test_client(), app.test_client()
        harness.sign_in(organiser, people["organiser"])
        harness.sign_in(juror, people["jurors"][-1])
        actions = {name: view(organiser, url.format(edition=edition_id)) for name, url in pages.items()}
        actions |= {name: view(juror, url.format(edition=edition_id)) for name, url in JUROR_PAGES.items()}
        actions |= {f"export {kind}": export(app, kind, edition_id) for kind in EXPORTS}
        for client in (organiser, juror):  # a warm-up: what any first request of a process does
            view(client, f"/manage/editions/{edition_id}" if client is organiser else "/jury")()
        for name, action in actions.items():
            with counting(engine) as statements:
                first_ms, length = harness.timed_ms(action)
            row = rows.setdefault(name, {})
            row[label] = len(statements)
            if label == "large":
                row["first_ms"], row["bytes"] = first_ms, length
                row["again_ms"] = harness.timed_ms(action)[0]
            print(f"  {label} {name}: {len(statements)} statements, {first_ms:.0f} ms", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=size, default=(10, 5), help="ENTRIESxJURORS (default 10x5)")
    parser.add_argument("--large", type=size, default=(1000, 30), help="ENTRIESxJURORS (default 1000x30)")
    parser.add_argument("--criteria", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="an empty database (default: a SQLite file)")
    parser.add_argument("--page", action="append", default=[], help="NAME=URL, an organiser's page to add")
    args = parser.parse_args()
    pages = dict(ORGANISER_PAGES)
    for extra in args.page:
        name, _, url = extra.partition("=")
        if not url.startswith("/"):
            parser.error(f"--page {extra!r}: give NAME=/url")
        pages[name] = url

    folder = Path(tempfile.mkdtemp(prefix="prizejury-benchmark-"))
    try:
        environment = harness.configure(folder, args.database_url)
        app = harness.make_app()
        try:
            rows = measure(app, pages, {"small": args.small, "large": args.large}, args.criteria, args.seed)
        finally:
            if args.database_url:
                harness.drop_schema(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    small, large = ("x".join(map(str, s)) for s in (args.small, args.large))
    print()
    print(f"{harness.database_label(environment['DATABASE_URL'])}, {args.criteria} criteria")
    print(
        harness.table(
            ["page", f"statements {small}", f"statements {large}", "same", f"time {large}",
             "again", "size"],
            [
                [
                    name,
                    row["small"],
                    row["large"],
                    "yes" if row["small"] == row["large"] else "no",
                    f"{row['first_ms']:,.0f} ms",
                    f"{row['again_ms']:,.0f} ms",
                    f"{row['bytes'] / 1024:,.0f} KB",
                ]
                for name, row in rows.items()
            ],
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
