#!/usr/bin/env python3
"""Benchmark the screening-records path (issue 5), run by hand.

On a throw-away PostgreSQL cluster with default durability:
1. ``/submission`` with scoring and merging, concurrency 4, on an empty database, using the
   shared load generator against ``anchor_mchat`` (``anchor_screen.xml`` with ``sangloc:item``
   binds to M-CHAT-R and ``sangloc:person`` binds);
2. the same after seeding 100,000 persons and 300,000 screenings (2,000 persons in commune
   00004, the rest across the other communes of province 01; the load's own registrations go
   to a commune of another province);
3. the case-list CSV of commune 00004 over HTTP (p95) and of the whole province in process;
4. ``POST /api/v1/sync`` with 500 submissions (wall time);
5. ``GET /api/v1/cases?flag=refer_immediately`` for a province supervisor (p95).

    .venv/bin/python bench/run_records.py [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run_openrosa import DEFAULT_GENERATOR, free_port, load, sangloc  # noqa: E402
from tests.support.pg import Cluster  # noqa: E402

ANCHOR = ROOT / "tests" / "data" / "anchor_screen.xml"


def anchor_mchat() -> str:
    """anchor_screen bound to M-CHAT-R: same instance shape, so the generator's data fits."""
    xml = ANCHOR.read_text("utf-8").replace('id="anchor_screen"', 'id="anchor_mchat"')
    xml = xml.replace('xmlns:odk="http://www.opendatakit.org/xforms"',
                      'xmlns:odk="http://www.opendatakit.org/xforms" '
                      'xmlns:sangloc="urn:sangloc"', 1)
    for i in range(1, 21):
        xml = xml.replace(f'<bind nodeset="/data/q{i:02d}" ',
                          f'<bind nodeset="/data/q{i:02d}" sangloc:item="mchat_r.q{i:02d}" ')
    for field, role in (("child_name", "full_name"), ("dob", "dob"), ("sex", "sex")):
        xml = xml.replace(f'<bind nodeset="/data/{field}" ',
                          f'<bind nodeset="/data/{field}" sangloc:person="{role}" ')
    return xml


def instance(n: int) -> str:
    answers = "".join(f"<q{i:02d}>{'yes' if (i + n) % 7 else 'no'}</q{i:02d}>"
                      for i in range(1, 21))
    return (f'<data id="anchor_mchat" version="1"><child_name>Trẻ {n}</child_name>'
            f"<dob>2025-01-{1 + n % 28:02d}</dob><sex>female</sex><commune>x</commune>"
            f"{answers}<score>0</score><meta><instanceID>uuid:{uuid.uuid4()}</instanceID>"
            "</meta></data>")


def timed_get(port: int, path: str, headers: dict, n: int) -> list[float]:
    times = []
    for _ in range(n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.status
        connection.close()
    return times


def p95(values: list[float]) -> float:
    return round(sorted(values)[max(0, int(len(values) * 0.95) - 1)], 1)


def vacuum_analyze(cluster) -> None:
    """Fresh statistics before a timed run, as a running server would have them."""
    subprocess.run([str(cluster.bindir / "psql"), "-h", str(cluster.root), "-U", cluster.user,
                    "-d", "postgres", "-q", "-c", "VACUUM ANALYZE"], check=True)


SERVERS: list[subprocess.Popen] = []  # stopped in main's finally, whatever happens


def start(env, port, workers=3):
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c",
         str(ROOT / "server" / "gunicorn_conf.py"), "-b", f"127.0.0.1:{port}", "-w",
         str(workers), "wsgi:app"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    SERVERS.append(server)
    time.sleep(3)
    return server


def seed_database(env, sizes):
    code = ("import json,sys; from server import create_app; from bench.seed_records import seed;"
            "app=create_app();ctx=app.app_context();ctx.push();"
            f"print(seed('anchor_mchat', json.loads({json.dumps(json.dumps(sizes))})))")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def communes_of(env, province: str) -> list[str]:
    rows = json.loads(sangloc(env, "areas", "list", "--province", province, "--json"))
    return [r["code"] for r in rows if len(r["code"]) == 5]


def province_case_list(env) -> list[str]:
    """The case list of every commune of province 01, in process: (max ms of 5, rows)."""
    code = ("import time; from server import create_app; from server.services.cases import "
            "case_list; from server.services.access.scope import scope_for_areas; "
            "app=create_app(); ctx=app.app_context(); ctx.push();"
            "cs=scope_for_areas(['01']); ts=[]\n"
            "for _ in range(5):\n t=time.perf_counter(); d=case_list.case_list_csv(cs); "
            "ts.append((time.perf_counter()-t)*1000)\n"
            "print(round(max(ts)), d.count(b'\\n'))")
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.split()


def time_sync(port: int, auth: dict, count: int) -> tuple[float, dict]:
    """One POST /api/v1/sync with ``count`` submissions: (seconds, statuses)."""
    body = json.dumps({"submissions": [{"client_id": str(i), "xml": instance(i)}
                                       for i in range(count)]})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("POST", "/api/v1/sync", body, {**auth, "Content-Type": "application/json"})
    results = json.loads(connection.getresponse().read())["results"]
    seconds = round(time.perf_counter() - started, 2)
    return seconds, {s: sum(r["status"] == s for r in results)
                     for s in ("accepted", "duplicate", "rejected")}


def summarise(report: dict) -> dict:
    return {
        "submissions_per_s_empty": report["submission_empty_db"]["subs_per_s"],
        "submissions_per_s_seeded": report["submission_seeded_db"]["subs_per_s"],
        "p95_ms_seeded": report["submission_seeded_db"]["submission_ms"]["p95_ms"],
        "errors_empty": report["submission_empty_db"]["errors"],
        "errors_seeded": report["submission_seeded_db"]["errors"],
        "error_samples": report["submission_seeded_db"].get("error_samples"),
        "seed_seconds": report["seed_seconds"],
        "case_list_commune_p95_ms": p95(report["case_list_commune_ms"]),
        "case_list_province_max_ms": report["case_list_province_max_ms"],
        "case_list_province_rows": report["case_list_province_rows"],
        "sync_500_seconds": report["sync_500_seconds"], "sync": report["sync_statuses"],
        "cases_flag_p95_ms": p95(report["cases_flag_ms"]),
        "cases_flag_median_ms": round(statistics.median(report["cases_flag_ms"]), 1)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    scale = 20 if args.quick else 1
    cluster, workdir, port = Cluster(durable=True).start(), Path(tempfile.mkdtemp()), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update(SANGLOC_DATABASE_URL=cluster.url(), SANGLOC_INSTANCE_DIR=str(workdir),
               SANGLOC_LOG_LEVEL="WARNING", SANGLOC_PUBLIC_URL=f"http://127.0.0.1:{port}",
               PYTHONPATH=str(ROOT))
    report = {}
    try:
        sangloc(env, "init")
        (workdir / "anchor_mchat.xml").write_text(anchor_mchat(), "utf-8")
        sangloc(env, "forms", "publish", str(workdir / "anchor_mchat.xml"))
        # the load registers its persons in another province, so that commune 00004 keeps
        # exactly its 2,000 seeded persons for the case-list measurement
        base = json.loads(sangloc(env, "app-users", "create", "bench", "--commune", "02680",
                                  "--json"))["server_url"]
        reader = json.loads(sangloc(env, "app-users", "create", "reader", "--commune", "00004",
                                    "--json"))["server_url"]
        sangloc(env, "users", "create", "gs", "--role", "supervisor", "--area", "01")
        token = json.loads(sangloc(env, "api-tokens", "create", "gs", "--json"))["token"]
        auth = {"Authorization": f"Bearer {token}"}
        run = {"n": 5000 // scale, "warmup": 1000 // scale, "concurrency": 4, "formlist_n": 0,
               "form_id": "anchor_mchat"}
        vacuum_analyze(cluster)
        server = start(env, port)
        report["submission_empty_db"] = load(DEFAULT_GENERATOR, base, **run)
        server.terminate()
        server.wait()
        others = [c for c in communes_of(env, "01") if c != "00004"]
        total = 100_000 // scale
        sizes = {"00004": 2000 // scale}
        for i, commune in enumerate(others):
            sizes[commune] = (total - sizes["00004"]) // len(others) + \
                (1 if i < (total - sizes["00004"]) % len(others) else 0)
        started = time.perf_counter()
        seed_database(env, sizes)
        report["seed_seconds"] = round(time.perf_counter() - started, 1)
        vacuum_analyze(cluster)
        server = start(env, port)
        report["submission_seeded_db"] = load(DEFAULT_GENERATOR, base, **run)
        path = reader.split(f":{port}", 1)[1]
        report["case_list_commune_ms"] = timed_get(port, f"{path}/forms/mchat_r/"
                                                   "attachments/cases.csv",
                                                   {"X-OpenRosa-Version": "1.0"}, 30)
        report["cases_flag_ms"] = timed_get(port, "/api/v1/cases?flag=refer_immediately",
                                            auth, 50)
        report["sync_500_seconds"], report["sync_statuses"] = time_sync(port, auth, 500 // scale)
        server.terminate()
        server.wait()
        report["case_list_province_max_ms"], report["case_list_province_rows"] = \
            province_case_list(env)
    finally:
        for server in SERVERS:
            if server.poll() is None:
                server.terminate()
                server.wait(timeout=30)
        cluster.stop()
    print(json.dumps(summarise(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
