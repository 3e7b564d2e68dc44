"""Benchmark the supervisor's web pages on PostgreSQL (issue 11), run by hand.

Target: with 100,000 persons and 300,000 screenings, the worklist of a province supervisor and a
case page each under 150 ms p95 server time, and the worklist's database work does not grow
with the number of closed cases.

1. A throw-away PostgreSQL cluster (default durability), migrated, with the area catalogue.
2. ``bench/seed_pages.py`` seeds the communes of province 01: 5,000 persons with open work and
   95,000 whose work is closed or who had none (about 300,000 screenings), VACUUM ANALYZE.
3. A supervisor of the province signs in through the sign-in form (Flask's test client, in
   process: no network, one request at a time).
4. ``--n`` requests of each page: the worklist (page 1, a commune, ``kind=referral``, page 5)
   and the case page (a case with open work, any case, a case with 40 screenings), each case
   drawn at random; a page slower than ``--budget`` seconds in all gets fewer (at least 5).
   Server time is the whole WSGI call (every hook, the render, the commit), timed by a
   middleware; SQL statements and their time per request come from SQLAlchemy's cursor events,
   this process's CPU time (Python: ORM, templates) from ``time.process_time``.
5. For every further factor of ``--closed`` (default ``1,3``), closed persons (with their
   screenings, closed actions and events) are added until there are that many times the first
   run's, VACUUM ANALYZE, and the pages are measured again.

``--explain`` prints each statement of a worklist request and of a case page (40 screenings) and
EXPLAIN (ANALYZE, BUFFERS) of their slowest SELECTs (a summary line of each is always printed),
``--profile`` the functions where a worklist and a case page spend their time (cProfile),
``--pg-setting random_page_cost=1.1`` runs with a PostgreSQL setting changed.

    .venv/bin/python -m bench.run_pages [--n 200] [--budget 90] [--closed 1,3] [--explain]
                                        [--profile] [--pg-setting NAME=VALUE]
    .venv/bin/python -m bench.run_pages --quick      # 10,000 persons, 30 requests each
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import event, text

from bench.seed_pages import counts_in_database, seed
from tests.support.pg import Cluster

PROVINCE = "01"
PASSWORD = "mật khẩu benchmark đủ dài"
TARGET_MS = 150.0


@dataclass
class Meter:
    """Times each WSGI call and counts (and, when asked, keeps) its SQL statements."""

    inner: object
    ms: float = 0.0
    cpu_ms: float = 0.0  # this process's CPU time: Python, not the database's work
    sql_ms: float = 0.0
    statements: int = 0
    capture: bool = False
    captured: list[tuple[str, object, float]] = field(default_factory=list)

    def __call__(self, environ, start_response):
        self.ms = self.sql_ms = 0.0
        self.statements = 0
        self.captured = []
        started, cpu = time.perf_counter(), time.process_time()
        body = self.inner(environ, start_response)
        try:
            data = b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()
        self.ms = (time.perf_counter() - started) * 1000
        self.cpu_ms = (time.process_time() - cpu) * 1000
        return [data]

    def before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn, cursor, statement, parameters, context, executemany):
        took = (time.perf_counter() - conn.info.pop("bench_started")) * 1000
        self.statements += 1
        self.sql_ms += took
        if self.capture:
            self.captured.append((statement, parameters, took))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(len(ordered) * share) - 1))], 1)


def build_app(cluster: Cluster, instance: Path):
    from flask_migrate import upgrade

    from server import create_app
    from server.boundary import transaction
    from server.extensions import db
    from server.services.access.areas import seed_admin_units
    from server.services.access.users import create_user
    from server.services.audit import SYSTEM

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": cluster.url(),
                      "LOG_LEVEL": "WARNING"})
    meter = Meter(app.wsgi_app)
    app.wsgi_app = meter
    with app.app_context():
        upgrade()
        with transaction():
            seed_admin_units()
        with transaction():
            create_user(SYSTEM, "gs-ha-noi", "supervisor", [PROVINCE], PASSWORD)
        event.listen(db.engine, "before_cursor_execute", meter.before)
        event.listen(db.engine, "after_cursor_execute", meter.after)
    return app, meter


def vacuum_analyze() -> None:
    from server.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def configure(app, settings: list[str]) -> None:
    """Server settings (``name=value``, e.g. ``random_page_cost=1.1`` as on SSD storage) for
    every later connection: ALTER SYSTEM, then a reload."""
    from server.extensions import db

    with app.app_context(), db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT") as connection:
        for setting in settings:
            name, value = setting.split("=", 1)
            if not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"[A-Za-z0-9._]+", value):
                raise SystemExit(f"not a setting: {setting}")
            # a utility statement takes no parameters; both parts are checked above
            connection.exec_driver_sql(f"ALTER SYSTEM SET {name} = '{value}'")
        connection.exec_driver_sql("SELECT pg_reload_conf()")
        db.engine.dispose()
    with app.app_context(), db.engine.connect() as connection:
        for setting in settings:
            name = setting.split("=", 1)[0]
            print(f"{name} = {connection.exec_driver_sql(f'SHOW {name}').scalar()}")


def signed_in_client(app):
    client = app.test_client()
    form = client.get("/sign-in").data
    token = re.search(rb'name="csrf_token" value="([^"]+)"', form).group(1).decode()
    answer = client.post("/sign-in", data={"username": "gs-ha-noi", "password": PASSWORD,
                                           "csrf_token": token})
    assert answer.status_code == 302, answer.status_code
    return client


def targets(app) -> dict[str, object]:
    """What the requests look at: the busiest commune, and cases of each kind."""
    from server.extensions import db

    with app.app_context():
        rows = db.session.execute(text(
            "SELECT p.commune_code, count(DISTINCT a.case_id) FROM actions a "
            "JOIN persons p ON p.id = a.person_id WHERE a.state = 'open' "
            "GROUP BY 1 ORDER BY 2 DESC LIMIT 1")).one()
        open_cases = list(db.session.scalars(text(
            "SELECT DISTINCT case_id FROM actions WHERE state = 'open'")))
        any_cases = list(db.session.scalars(text(
            "SELECT id FROM cases TABLESAMPLE SYSTEM (5) REPEATABLE (7)")))
        heavy = list(db.session.scalars(text(
            "SELECT c.id FROM cases c JOIN screenings s ON s.person_id = c.person_id "
            "GROUP BY c.id HAVING count(*) >= 40")))
    return {"commune": rows[0], "commune_open_cases": rows[1], "open": open_cases,
            "any": any_cases, "heavy": heavy}


def pages(found: dict) -> dict[str, object]:
    """Label -> a path, or a function giving a path per request."""
    rng = random.Random(3)
    return {
        "worklist p1": "/worklist",
        "worklist commune": f"/worklist?commune={found['commune']}",
        "worklist kind=referral": "/worklist?kind=referral",
        "worklist p5": "/worklist?page=5",
        "case (open work)": lambda: f"/cases/{rng.choice(found['open'])}",
        "case (any)": lambda: f"/cases/{rng.choice(found['any'])}",
        "case (40 screenings)": lambda: f"/cases/{rng.choice(found['heavy'])}",
    }


def measure(client, meter: Meter, page, n: int, budget: float) -> dict[str, float]:
    """``n`` requests, or fewer (at least 5) when they take more than ``budget`` seconds."""
    for _ in range(3):  # warm: templates compiled, statement caches filled
        client.get(page() if callable(page) else page)
    times, statements, sql, cpu = [], [], [], []
    ends = time.perf_counter() + budget
    while len(times) < n and (len(times) < 5 or time.perf_counter() < ends):
        answer = client.get(page() if callable(page) else page)
        assert answer.status_code == 200, (page, answer.status_code)
        times.append(meter.ms)
        statements.append(meter.statements)
        sql.append(meter.sql_ms)
        cpu.append(meter.cpu_ms)
    return {"n": len(times), "p50_ms": percentile(times, 0.5), "p95_ms": percentile(times, 0.95),
            "max_ms": round(max(times), 1), "sql_statements": statistics.median(statements),
            "sql_ms_p50": percentile(sql, 0.5), "python_cpu_ms_p50": percentile(cpu, 0.5)}


def explain(app, client, meter: Meter, path: str, *, show: bool) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the SELECTs of one request to ``path``, slowest first."""
    from server.extensions import db

    meter.capture = True
    client.get(path)
    meter.capture = False
    selects = sorted((c for c in meter.captured if c[0].lstrip().upper().startswith(
        ("SELECT", "WITH"))), key=lambda c: -c[2])
    if show:
        print(f"\n=== {path}: {len(meter.captured)} statements, {meter.ms:.0f} ms")
        groups: dict[str, list[float]] = {}
        for statement, _, took in meter.captured:
            groups.setdefault(" ".join(statement.split())[:100], []).append(took)
        for text_, times in sorted(groups.items(), key=lambda g: -sum(g[1])):
            print(f"{len(times):4} x {sum(times):8.1f} ms  {text_}")
    found = []
    with app.app_context(), db.engine.connect() as connection:
        for statement, parameters, took in selects[:4]:
            plan = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).scalar()[0]
            top = plan["Plan"]
            found.append({"query": " ".join(statement.split())[:90], "ms_in_request":
                          round(took, 1), "execution_ms": round(plan["Execution Time"], 1),
                          "rows": top["Actual Rows"], "shared_hit": top["Shared Hit Blocks"],
                          "shared_read": top["Shared Read Blocks"]})
            if show:
                lines = connection.exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).scalars()
                print(f"\n--- {path}: {' '.join(statement.split())[:300]}\n" + "\n".join(lines))
    return found


def profile(client, path: str, n: int = 20) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
    stats.print_stats(30)
    return out.getvalue()


def run_factor(app, meter, args, factor: int) -> dict:
    from server.extensions import db

    with app.app_context():
        vacuum_analyze()
        database = counts_in_database()
        db.session.remove()
    found = targets(app)
    client = signed_in_client(app)
    report = {"database": database, "commune": found["commune"],
              "commune_open_cases": found["commune_open_cases"], "pages": {}}
    for label, page in pages(found).items():
        report["pages"][label] = measure(client, meter, page, args.n, args.budget)
        print(f"{factor}x {label:24} {json.dumps(report['pages'][label])}", flush=True)
    report["explain"] = {path: explain(app, client, meter, path, show=args.explain)
                         for path in ("/worklist", "/worklist?kind=referral",
                                      f"/cases/{found['heavy'][0]}")}
    if args.profile:
        print(profile(client, "/worklist"))
        print(profile(client, f"/cases/{found['heavy'][0]}"))
    return report


def print_summary(reports: dict[int, dict]) -> None:
    print("\nserver time per request (ms) and SQL statements per request")
    print(f"{'page':26}" + "".join(f"{f'{f}x n':>6}{'p50/p95/max':>22}{'sql':>5}"
                                   for f in reports))
    labels = next(iter(reports.values()))["pages"]
    for label in labels:
        cells = ""
        for report in reports.values():
            page = report["pages"][label]
            cells += f"{page['n']:>6}{page['p50_ms']:>8}/{page['p95_ms']:>6}/" \
                     f"{page['max_ms']:>6}{page['sql_statements']:>5g}"
        print(f"{label:26}{cells}")
    for factor, report in reports.items():
        slow = [k for k, v in report["pages"].items() if v["p95_ms"] > TARGET_MS]
        print(f"{factor}x: {report['database']}; p95 over {TARGET_MS:.0f} ms: {slow or 'none'}")
        for path, queries in report["explain"].items():
            for query in queries:
                print(f"  {factor}x {path}: {query}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=200, help="requests per page")
    parser.add_argument("--budget", type=float, default=90,
                        help="seconds per page: a slow page gets fewer requests (at least 5)")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--open-share", type=float, default=0.05)
    parser.add_argument("--closed", default="1,3", help="factors of closed work to measure")
    parser.add_argument("--pg-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="a PostgreSQL setting, e.g. random_page_cost=1.1 (repeatable)")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--quick", action="store_true", help="10,000 persons, 30 requests")
    args = parser.parse_args()
    if args.quick:
        args.persons, args.n = 10_000, 30
    factors = [int(f) for f in args.closed.split(",")]
    open_persons = int(args.persons * args.open_share)
    closed_persons = args.persons - open_persons
    cluster = Cluster(durable=True).start()
    instance = Path(tempfile.mkdtemp(prefix="sangloc-bench-"))
    reports: dict[int, dict] = {}
    try:
        app, meter = build_app(cluster, instance)
        configure(app, args.pg_setting)
        done = 0
        for factor in factors:
            started = time.perf_counter()
            with app.app_context():
                written = seed(PROVINCE, open_persons=0 if done else open_persons,
                               closed_persons=closed_persons * factor - done,
                               heavy=0 if done else 20, seed_value=11 + factor)
            done = closed_persons * factor
            print(f"{factor}x: seeded {written} in {time.perf_counter() - started:.0f} s",
                  flush=True)
            reports[factor] = run_factor(app, meter, args, factor)
    finally:
        cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)
    print_summary(reports)
    print(json.dumps({str(k): {"pages": v["pages"], "database": v["database"]}
                      for k, v in reports.items()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
