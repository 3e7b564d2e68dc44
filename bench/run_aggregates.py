"""Benchmark the dashboard aggregates' upkeep on PostgreSQL (issue 12), run by hand.

Target: with 100,000 persons and 300,000 screenings, keeping the aggregates costs a merged
submission no more than 0.3 ms of CPU.

1. A throw-away PostgreSQL cluster (default durability), migrated, with the area catalogue and
   the bundled M-CHAT-R and PHQ-9 forms; ``bench/seed_pages.py`` seeds the communes of
   province 01 (5 % of the persons with open work), VACUUM ANALYZE.
2. ``rebuild()`` of every commune-year, timed (wall and this process's CPU), as the nightly
   ``rebuild_aggregates`` job does it.
3. ``--n`` submissions merged through ODK Collect's route (Flask's test client, in process),
   from devices of five communes, children (M-CHAT-R) and adults (PHQ-9) with every tenth
   screen-positive, after 100 unmeasured, in blocks of 50 with marking on and off in the
   order on, off, off, on ... (``aggregates.marking``, the benchmark's switch; the first block
   of a pair tends to be slower, whichever it is). CPU per merge = this process's CPU
   time (``time.process_time``) of a block / its size; the cost of marking is the
   difference of the medians (and the median of each marked block minus the unmarked one
   beside it), and, measured directly, the time spent marking (the mapper-event listeners and
   the commit's write of the marks) per merge.
4. The ``refresh_aggregates`` job run until nothing is dirty after the marked merges: its CPU
   amortised over them, and its CPU per commune-year recomputed (the worst amortisation, one
   merge per commune-year per 15 s run).

    .venv/bin/python -m bench.run_aggregates [--persons 100000] [--n 2000]
    .venv/bin/python -m bench.run_aggregates --quick      # 10,000 persons, 400 merges
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, func, select

from bench.seed_pages import counts_in_database, seed
from tests.support.collect import CollectClient
from tests.support.instances import levels, mchat_answers, screening_instance
from tests.support.pg import Cluster

PROVINCE = "01"
COMMUNES = ("00004", "00008", "00025", "00070", "00091")
TARGET_MS = 0.3
BLOCK = 50
WARMUP = 100


def build_app(cluster: Cluster, instance: Path):
    """The app on the cluster, migrated, with the areas, two forms and five devices."""
    from flask_migrate import upgrade

    import forms
    from server import create_app
    from server.boundary import transaction
    from server.services.access import users
    from server.services.access.areas import seed_admin_units
    from server.services.audit import SYSTEM
    from server.services.forms import publishing

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": cluster.url(),
                      "LOG_LEVEL": "WARNING", "PUBLIC_URL": "http://sangloc.bench"})
    forms.validate_xform = lambda xml, required: False  # no JavaRosa: the forms are bundled
    with app.app_context():
        upgrade()
        with transaction():
            seed_admin_units()
        with transaction():
            for form_id in ("mchat_r", "phq9"):
                data = dict(publishing.bundled_definitions())[f"{form_id}.xlsx"]
                xml = forms.convert_xlsform(data, f"{form_id}.xlsx").xml
                publishing.publish_xform(SYSTEM, xml, f"{form_id}.xlsx", strict=False)
        with transaction():
            tokens = [users.create_app_user(SYSTEM, f"bench-{c}", c).token for c in COMMUNES]
    client = app.test_client()
    devices = [CollectClient(client, f"http://sangloc.bench/key/{t}") for t in tokens]
    return app, devices


def vacuum_analyze() -> None:
    from server.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def submission(n: int) -> tuple[int, bytes]:
    """The ``n``-th form: a child's M-CHAT-R or an adult's PHQ-9, every tenth positive; sent
    from device ``n % 5`` for a new person of that device's commune."""
    device = n % len(COMMUNES)
    positive = n % 10 == 0
    started = (date.today() - timedelta(days=n % 60)).isoformat() + "T09:00:00.000+07:00"
    if n % 2:
        form_id, answers, dob = "mchat_r", mchat_answers(9 if positive else 1), \
            date.today() - timedelta(days=600 + n % 200)
    else:
        form_id, answers, dob = "phq9", levels(9, q01=3, q02=3, q03=3, q04=3, q05=3) \
            if positive else levels(9, q01=1), date(1985, 1, 1) + timedelta(days=n % 3000)
    sex = ("male", "female")[n // 2 % 2]
    xml = screening_instance(form_id, answers, dob=dob, sex=sex, name=f"Người thử {n}",
                             commune=COMMUNES[device], start=started,
                             instance_id=f"uuid:bench-{n}")
    return device, xml


class HookClock:
    """CPU spent marking: the mapper-event listeners (swapped for timed copies) and the
    commit's write of the marks (``aggregates._upsert``, swapped too). The commit hook's own
    flush is not counted: without marking, the commit flushes the same objects."""

    def __init__(self) -> None:
        from server.services.programme import aggregate_marks, aggregates

        self.seconds = 0.0
        for model, name, listener in aggregate_marks.LISTENERS:
            event.remove(model, name, listener)
            event.listen(model, name, self.timed(listener))
        aggregates._upsert = self.timed(aggregates._upsert)

    def timed(self, hook):
        def run(*args):
            started = time.process_time()
            try:
                return hook(*args)
            finally:
                self.seconds += time.process_time() - started
        return run


def merge_blocks(app, devices, n: int) -> dict:
    """Merge ``n`` submissions in blocks alternating marking on and off."""
    from server.services.programme import aggregates

    for k in range(WARMUP):  # caches filled, statements prepared: not measured
        device, xml = submission(n + k)
        assert devices[device].submit(xml).status_code == 201
    clock = HookClock()
    cpu: dict[bool, list[float]] = {True: [], False: []}
    hook_seconds, merged = 0.0, {True: 0, False: 0}
    for block in range(n // BLOCK):
        marking = block % 4 in (0, 3)  # on, off, off, on ...: the order within a pair cancels
        aggregates.marking = marking
        before_hooks = clock.seconds
        started = time.process_time()
        for k in range(BLOCK):
            device, xml = submission(block * BLOCK + k)
            answer = devices[device].submit(xml)
            assert answer.status_code == 201, answer.text
        cpu[marking].append((time.process_time() - started) / BLOCK * 1000)
        merged[marking] += BLOCK
        if marking:
            hook_seconds += clock.seconds - before_hooks
    aggregates.marking = True
    on, off = statistics.median(cpu[True]), statistics.median(cpu[False])
    print(f"blocks on {sorted(round(c, 2) for c in cpu[True])}\n"
          f"blocks off {sorted(round(c, 2) for c in cpu[False])}", flush=True)
    return {"merged_on": merged[True], "merged_off": merged[False],
            "cpu_ms_per_merge_on": round(on, 3), "cpu_ms_per_merge_off": round(off, 3),
            "difference_ms": round(on - off, 3),
            # each marked block against the unmarked one beside it: slow drifts cancel
            "paired_difference_ms": round(statistics.median(
                a - b for a, b in zip(cpu[True], cpu[False], strict=True)), 3),
            "hooks_ms_per_merge": round(hook_seconds / merged[True] * 1000, 3)}


def refresh_all() -> dict:
    """The refresh job until nothing is dirty: (CPU s, wall s, commune-years)."""
    from server.jobs import bodies

    cpu, wall, done = time.process_time(), time.perf_counter(), 0
    while True:
        ran = bodies.refresh_aggregates()["recomputed"]
        if not ran:
            break
        done += ran
    return {"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
            "commune_years": done}


def rebuild() -> dict:
    from server.extensions import db
    from server.jobs import bodies
    from server.models import AggregateCount, AggregateValue

    cpu, wall = time.process_time(), time.perf_counter()
    result = bodies.rebuild_aggregates()
    return {**result, "cpu_s": round(time.process_time() - cpu, 1),
            "wall_s": round(time.perf_counter() - wall, 1),
            "count_rows": db.session.scalar(select(func.count(AggregateCount.id))),
            "value_rows": db.session.scalar(select(func.count(AggregateValue.id)))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=2000, help="submissions merged")
    parser.add_argument("--quick", action="store_true", help="10,000 persons, 400 merges")
    args = parser.parse_args()
    if args.quick:
        args.persons, args.n = 10_000, 400
    cluster = Cluster(durable=True).start()
    instance = Path(tempfile.mkdtemp(prefix="sangloc-bench-"))
    report: dict = {}
    try:
        app, devices = build_app(cluster, instance)
        with app.app_context():
            started = time.perf_counter()
            seed(PROVINCE, open_persons=args.persons // 20,
                 closed_persons=args.persons - args.persons // 20)
            vacuum_analyze()
            report["database"] = counts_in_database()
            print(f"seeded in {time.perf_counter() - started:.0f} s: {report['database']}",
                  flush=True)
            report["rebuild"] = rebuild()
            print(f"rebuild: {report['rebuild']}", flush=True)
            vacuum_analyze()
        report["merge"] = merge_blocks(app, devices, args.n)
        with app.app_context():
            refreshed = refresh_all()
        per_year = refreshed["cpu_s"] / max(refreshed["commune_years"], 1) * 1000
        report["refresh"] = {
            "commune_years": refreshed["commune_years"],
            "cpu_ms_amortised_per_merge": round(
                refreshed["cpu_s"] / report["merge"]["merged_on"] * 1000, 3),
            "cpu_ms_per_commune_year": round(per_year, 1),
            "wall_ms_per_commune_year": round(
                refreshed["wall_s"] / max(refreshed["commune_years"], 1) * 1000, 1)}
    finally:
        cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)
    merge = report["merge"]
    print(f"CPU per merge: {merge['cpu_ms_per_merge_on']} ms marking, "
          f"{merge['cpu_ms_per_merge_off']} ms not: difference {merge['difference_ms']} ms "
          f"(paired blocks {merge['paired_difference_ms']} ms); "
          f"in the hooks {merge['hooks_ms_per_merge']} ms (target <= {TARGET_MS} ms)")
    print(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
