"""Benchmark the province dashboard on PostgreSQL (issue 12), run by hand.

Target: with 100,000 persons and 300,000 screenings, the province dashboard renders in under
500 ms p95 server time. The dashboard reads aggregates, never screenings, so what matters is
the volume of ``agg_counts`` / ``agg_values`` rows of a province-year and of open overdue
actions; the screenings themselves only matter through those.

Either (default) a throw-away PostgreSQL cluster, migrated, with the area catalogue, where
``bench/seed_pages.py`` seeds the records of province 01 (``--persons``, about 3 screenings
each, with their open and closed actions: the overdue snapshot reads those) and
``bench/seed_aggregates.py`` the aggregates 300,000 screenings would give (``--screenings``
over ``--years`` years, sparse where communes are small) and the population numbers; or
with ``--from-records`` the aggregates are the ``rebuild_aggregates`` job's own, made from
those records (slower to set up; seed_pages writes no referrals, so the cascade cells are
empty, fewer rows than the synthetic ones); or ``--url`` a database already seeded and
aggregated (``sangloc jobs run rebuild_aggregates``),
where only a coordinator is added (``--seed-aggregates`` writes synthetic aggregates there
too). Then ``--n`` times each, for the current year of the province:

- the service alone: ``indicators.compute`` (every indicator, every commune), timed in
  process, with its SQL statements and their time;
- the full page: ``GET /admin/dashboard`` through Flask's test client as a signed-in
  coordinator (every hook, the render, the audit row, the commit), timed by a WSGI middleware,
  with this process's CPU time apart (on a busy machine, wall time also counts the waits).

The machine's load average is printed with the figures: they mean little without it.

    .venv/bin/python -m bench.run_dashboard [--n 50] [--persons 100000] [--screenings 300000]
    .venv/bin/python -m bench.run_dashboard --quick          # 10,000 persons, 20 requests
    .venv/bin/python -m bench.run_dashboard --url postgresql+psycopg://... [--seed-aggregates]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, func, select

from bench.run_pages import Meter, percentile, vacuum_analyze
from tests.support.pg import Cluster

PROVINCE = "01"
USERNAME = "dp-bench"
PASSWORD = "mật khẩu benchmark đủ dài"
TARGET_MS = 500.0


def build_app(url: str, instance: Path, *, migrate: bool):
    from flask_migrate import upgrade

    from server import create_app
    from server.boundary import transaction
    from server.extensions import db
    from server.models import User
    from server.services.access.areas import seed_admin_units
    from server.services.access.users import create_user
    from server.services.audit import SYSTEM

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": url,
                      "LOG_LEVEL": "WARNING"})
    meter = Meter(app.wsgi_app)
    app.wsgi_app = meter
    with app.app_context():
        if migrate:
            upgrade()
            with transaction():
                seed_admin_units()
        if db.session.scalar(select(User.id).where(User.username == USERNAME)) is None:
            with transaction():
                create_user(SYSTEM, USERNAME, "coordinator", [PROVINCE], PASSWORD)
        event.listen(db.engine, "before_cursor_execute", meter.before)
        event.listen(db.engine, "after_cursor_execute", meter.after)
    return app, meter


def volumes(year: int) -> dict[str, int]:
    from server.extensions import db
    from server.models import AggregateCount, AggregateValue, Screening

    def rows(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    this_year = (AggregateCount.province_code == PROVINCE,
                 func.extract("year", AggregateCount.month) == year)
    return {"screenings": rows(Screening), "agg_counts": rows(AggregateCount),
            "agg_values": rows(AggregateValue),
            "agg_counts_province_year": rows(AggregateCount, *this_year)}


def time_service(app, meter: Meter, n: int) -> dict[str, float]:
    from server.extensions import db
    from server.programme import today
    from server.services.access.scope import scope_for_areas
    from server.services.programme import indicators
    from server.services.programme.indicator_queries import Slice
    from server.services.programme.periods import year_period

    times, sql_ms, statements = [], [], []
    with app.test_request_context("/admin/dashboard"):
        scope = scope_for_areas([PROVINCE])
        ask = indicators.Ask(PROVINCE, None, year_period(today().year), Slice())
        for _ in range(n):
            meter.sql_ms, meter.statements = 0.0, 0
            started = time.perf_counter()
            board = indicators.compute(scope, ask, today(), "vi")
            times.append((time.perf_counter() - started) * 1000)
            sql_ms.append(meter.sql_ms)
            statements.append(meter.statements)
            db.session.rollback()
    rows = sum(len(found.table.rows) for found in board.indicators)
    return _summary(times, sql_ms, statements) | {"table_rows": rows}


def time_page(app, meter: Meter, n: int) -> dict[str, float]:
    client = app.test_client()
    form = client.get("/sign-in").data
    token = re.search(rb'name="csrf_token" value="([^"]+)"', form).group(1).decode()
    answer = client.post("/sign-in", data={"username": USERNAME, "password": PASSWORD,
                                           "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    times, sql_ms, statements, cpu_ms, size = [], [], [], [], 0
    for _ in range(n):
        page = client.get(f"/admin/dashboard?province={PROVINCE}")
        assert page.status_code == 200, page.data[:500]
        size = len(page.data)
        times.append(meter.ms)
        sql_ms.append(meter.sql_ms)
        statements.append(meter.statements)
        cpu_ms.append(meter.cpu_ms)
    return _summary(times, sql_ms, statements) | {
        "cpu_p50_ms": percentile(cpu_ms, .5), "cpu_p95_ms": percentile(cpu_ms, .95),
        "html_kb": round(size / 1024)}


def _summary(times: list[float], sql_ms: list[float], statements: list[int]) -> dict:
    return {"n": len(times), "p50_ms": percentile(times, .5), "p95_ms": percentile(times, .95),
            "max_ms": round(max(times), 1), "sql_p50_ms": percentile(sql_ms, .5),
            "sql_statements": max(statements)}


def seed(app, args, *, records: bool) -> None:
    from bench.seed_aggregates import seed_aggregates
    from bench.seed_pages import seed as seed_records
    from server.programme import today

    with app.app_context():
        if records:
            started = time.perf_counter()
            written = seed_records(PROVINCE, open_persons=int(args.persons * .05),
                                   closed_persons=args.persons - int(args.persons * .05))
            print(f"records: {written} in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        year = today().year
        written = seed_aggregates(PROVINCE, list(range(year - args.years + 1, year + 1)),
                                  args.screenings // args.years, today(),
                                  cells=not args.from_records)
        print(f"aggregates: {written} in {time.perf_counter() - started:.0f} s", flush=True)
        if args.from_records:
            from server.jobs import bodies

            started = time.perf_counter()
            rebuilt = bodies.rebuild_aggregates()
            print(f"rebuild_aggregates from the records: {rebuilt} in "
                  f"{time.perf_counter() - started:.0f} s", flush=True)
        vacuum_analyze()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=50, help="requests of each kind")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--screenings", type=int, default=300_000)
    parser.add_argument("--years", type=int, default=3, help="years the screenings span")
    parser.add_argument("--url", help="an existing PostgreSQL database (not changed but for "
                                      "a coordinator, and --seed-aggregates)")
    parser.add_argument("--seed-aggregates", action="store_true")
    parser.add_argument("--from-records", action="store_true",
                        help="aggregates rebuilt from the seeded records by the job, not "
                             "synthetic (seed_pages writes no referrals: the cascade is empty)")
    parser.add_argument("--quick", action="store_true", help="10,000 persons, 20 requests")
    args = parser.parse_args()
    if args.quick:
        args.persons, args.screenings, args.n = 10_000, 30_000, 20
    cluster = None if args.url else Cluster(durable=True).start()
    instance = Path(tempfile.mkdtemp(prefix="sangloc-bench-"))
    try:
        app, meter = build_app(args.url or cluster.url(), instance, migrate=cluster is not None)
        if cluster is not None or args.seed_aggregates:
            seed(app, args, records=cluster is not None)
        from server.programme import today

        with app.app_context():
            report = {"database": volumes(today().year)}
        print(f"database: {report['database']}", flush=True)
        time_service(app, meter, 3)  # warm caches and compiled statements
        report["service"] = time_service(app, meter, args.n)
        print(f"service (indicators.compute): {json.dumps(report['service'])}", flush=True)
        report["page"] = time_page(app, meter, args.n)
        print(f"page (GET /admin/dashboard):  {json.dumps(report['page'])}", flush=True)
    finally:
        if cluster is not None:
            cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)
    report["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report["cpus"] = os.cpu_count()
    verdict = "under" if report["page"]["p95_ms"] < TARGET_MS else "OVER"
    print(f"page p95 {report['page']['p95_ms']} ms: {verdict} the {TARGET_MS:.0f} ms target "
          f"(load average {report['load_average']} on {report['cpus']} CPUs)")
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
