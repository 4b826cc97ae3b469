"""The organiser's ranking page of a large edition against the raw SQL that computes the same means.

Run from the repository root, in `.venv`:

    python benchmarks/ranking.py [--entries 1000 --jurors 30 --criteria 3] [--runs 3]
                                 [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB]
                                 [--redis redis://127.0.0.1:6379/N]

It builds the large edition (benchmarks/large_edition.py: every juror scores every entry, in deliberation)
in a SQLite file of a temporary folder and, when --database-url names an empty PostgreSQL database, there
too (its tables are dropped at the end). On each database, in the same run:

1. SQL: the median of --runs executions of one `GROUP BY` that computes every entry's weighted mean from
   the criterion scores (only submitted sheets of non-recused assignments to eligible entries by members of
   the jury, as the app counts them), after one warm-up; its means must agree with the app's aggregates
   (`app.ranking.scores`) to 1e-6, or the run stops;
2. cold: the ranking page through the whole Flask stack (test client, the organiser signed in), the first
   view after a change (an entry made ineligible and eligible again through the screening use case, so
   whatever the app keeps for the edition's state no longer applies); the median of --runs;
3. warm: the same page viewed again, nothing changed; the median of --runs; the page's size in bytes;
4. memory: in a separate process (the same database), RSS after signing in and viewing the edition's
   overview twice (at rest), then after viewing the ranking page three times and a garbage collection.

The shared cache is each process's memory unless --redis names a Redis database (it is not flushed: keys
name the data's state). Each database's results end in one line:
`ranking DB: sql S ms; cold C ms (C/S x); warm W ms (W/S x); page P KB; worker +M MB`
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import harness

# Every entry's weighted mean over the sheets that count (all sheets are complete in the large edition, so
# the mean of the sheets' weighted totals is the sum of weighted scores over the sum of weights).
RAW_MEANS = """
SELECT a.application_id, SUM(s.value * c.weight) / SUM(c.weight)
FROM criterion_scores s
JOIN score_sheets sh ON sh.id = s.sheet_id
JOIN assignments a ON a.id = sh.assignment_id
JOIN applications ap ON ap.id = a.application_id
JOIN criteria c ON c.id = s.criterion_id
JOIN jury_members j ON j.edition_id = ap.edition_id AND j.user_id = a.juror_id
WHERE ap.edition_id = :edition AND ap.status = 'eligible' AND sh.status = 'submitted'
  AND a.recused_at IS NULL AND s.value IS NOT NULL
GROUP BY a.application_id
"""


def raw_means(edition_id: int) -> dict[int, float]:
    from sqlalchemy import text

    from app.extensions import db

    rows = db.session.execute(text(RAW_MEANS), {"edition": edition_id}).all()
    db.session.rollback()  # each run starts a transaction of its own
    return {application_id: float(mean) for application_id, mean in rows}


def app_means(edition_id: int) -> dict[int, float]:
    """The app's own aggregates (the edition's method, the mean), by application id."""
    from app.contests.models import Edition
    from app.extensions import db
    from app.ranking.numbers import rank
    from app.ranking.scores import load_scores

    ranking = rank(load_scores(db.session.get(Edition, edition_id)))
    return {row.entry_id: float(row.aggregate) for row in ranking.rows}


def check_agreement(edition_id: int) -> None:
    raw, computed = raw_means(edition_id), app_means(edition_id)
    if raw.keys() != computed.keys():
        raise SystemExit(f"the SQL ranks {len(raw)} entries, the app {len(computed)}")
    worst = max(abs(raw[key] - computed[key]) for key in raw)
    if worst > 1e-6:
        raise SystemExit(f"the SQL and the app disagree by up to {worst}")
    print(f"  the SQL's {len(raw)} means agree with the app's to {worst:.1e}", flush=True)


def make_a_change(app, edition_id: int) -> None:
    """An entry made ineligible, then eligible again, through the app's screening use case (two commits)."""
    from sqlalchemy import select

    from app.auth.enums import Role
    from app.auth.models import User
    from app.extensions import db
    from app.judging.screening import screen
    from app.submissions.models import Application

    with app.test_request_context():
        application = db.session.scalars(
            select(Application)
            .where(Application.edition_id == edition_id)
            .order_by(Application.number.desc())
        ).first()
        organiser = db.session.scalars(select(User).where(User.role == Role.ORGANISER)).first()
        screen(application, False, "A change for the benchmark.", organiser)
        db.session.commit()
        screen(application, True, "", organiser)
        db.session.commit()
        db.session.remove()


def page(client, url: str) -> bytes:
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return response.data


def measure(database_url: str | None, redis_url: str | None, args) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="prizejury-benchmark-"))
    try:
        environment = harness.configure(folder, database_url, redis_url)
        label = harness.database_label(environment["DATABASE_URL"])
        app = harness.make_app()
        try:
            return measure_on(app, label, args)
        finally:
            if database_url:
                harness.drop_schema(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure_on(app, label: str, args) -> dict:
    import large_edition

    from app.extensions import db

    print(
        f"{label}: building {args.entries} entries x {args.jurors} jurors x {args.criteria} criteria",
        flush=True,
    )
    with app.app_context():
        build_ms, edition_id = harness.timed_ms(
            lambda: large_edition.build(args.entries, args.jurors, args.criteria, seed=args.seed)
        )
        print(f"  built in {build_ms / 1000:.1f} s", flush=True)
        organiser = large_edition.people(edition_id)["organiser"]
        check_agreement(edition_id)
        raw_means(edition_id)  # warm-up: the database's pages in memory, the statement prepared
        sql_ms = harness.median_ms(lambda: raw_means(edition_id), args.runs)
        db.session.remove()

    client = app.test_client()
    harness.sign_in(client, organiser)
    url = f"/manage/editions/{edition_id}/ranking"
    cold = []
    for _ in range(args.runs):
        make_a_change(app, edition_id)
        cold.append(harness.timed_ms(lambda: page(client, url))[0])
    body = page(client, url)
    warm_ms = harness.median_ms(lambda: page(client, url), args.runs)
    cold_ms = sorted(cold)[len(cold) // 2]
    rest, after = worker_memory(edition_id, organiser)
    result = {
        "database": label,
        "sql_ms": sql_ms,
        "cold_ms": cold_ms,
        "warm_ms": warm_ms,
        "page_bytes": len(body),
        "rss_rest_mb": rest,
        "rss_after_mb": after,
    }
    print(
        f"ranking {label}: sql {sql_ms:.1f} ms; cold {cold_ms:.0f} ms ({cold_ms / sql_ms:.1f} x); "
        f"warm {warm_ms:.0f} ms ({warm_ms / sql_ms:.1f} x); page {len(body) / 1024:.0f} KB; "
        f"worker +{after - rest:.1f} MB ({rest:.0f} MB at rest)",
        flush=True,
    )
    return result


def worker_memory(edition_id: int, organiser: str) -> tuple[float, float]:
    """RSS at rest and after the ranking page, in a fresh process on the same database."""
    child = subprocess.run(
        [sys.executable, __file__, "--memory-of", str(edition_id), "--organiser", organiser],
        env=os.environ,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise SystemExit(f"the memory check failed:\n{child.stderr}")
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    return figures["rest"], figures["after"]


def memory_child(edition_id: int, organiser: str) -> None:
    """The process `worker_memory` starts: prints {"rest": MB, "after": MB}."""
    app = harness.make_app(fresh_schema=False)
    client = app.test_client()
    harness.sign_in(client, organiser)
    for _ in range(2):
        page(client, f"/manage/editions/{edition_id}")
    gc.collect()
    rest = harness.rss_mb()
    for _ in range(3):
        page(client, f"/manage/editions/{edition_id}/ranking")
    gc.collect()
    print(json.dumps({"rest": rest, "after": harness.rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--jurors", type=int, default=30)
    parser.add_argument("--criteria", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (the median is shown)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database, measured after SQLite")
    parser.add_argument("--redis", help="a Redis URL for the shared cache (default: each process's memory)")
    parser.add_argument("--memory-of", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--organiser", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        memory_child(args.memory_of, args.organiser)
        return
    if args.entries < 4 or args.jurors < 1 or args.runs < 1:
        parser.error("at least 4 entries, 1 juror and 1 run")
    results = [measure(None, args.redis, args)]
    if args.database_url:
        results.append(measure(args.database_url, args.redis, args))
    print()
    print(
        harness.table(
            ["database", "raw SQL", "page, cold", "cold / SQL", "page, warm", "warm / SQL", "page size",
             "worker memory"],
            [
                [
                    result["database"],
                    f"{result['sql_ms']:.1f} ms",
                    f"{result['cold_ms']:.0f} ms",
                    f"{result['cold_ms'] / result['sql_ms']:.1f} x",
                    f"{result['warm_ms']:.0f} ms",
                    f"{result['warm_ms'] / result['sql_ms']:.1f} x",
                    f"{result['page_bytes'] / 1024:,.0f} KB",
                    f"+{result['rss_after_mb'] - result['rss_rest_mb']:.1f} MB",
                ]
                for result in results
            ],
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
