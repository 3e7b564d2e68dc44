#!/usr/bin/env python3
"""Side-by-side intake benchmark: sangloc against a bare floor on one durable PostgreSQL (by hand).

One throw-away cluster with PostgreSQL's default durability; three servers under the same
gunicorn settings (``server/gunicorn_conf.py``, ``SANGLOC_WORKERS`` processes):

  A  the floor (``bench/floor_app.py``): multipart + XML parse, one INSERT ... ON CONFLICT DO
     NOTHING, one commit;
  B  sangloc storing ``anchor_screen`` (a form bound to no instrument: stored only);
  C  sangloc storing, scoring and merging ``anchor_mchat`` (the same instance shape bound to
     M-CHAT-R and to a person).

They are driven in turn, A B C A B C ..., each for ``--seconds`` by ``shared/bench/
openrosa_load.py`` (HEAD + multipart POST like ODK Collect) at concurrency 4, so that the noise
of a shared machine falls on all three alike. For each run: submissions/s, p95 of HEAD+POST, and
server CPU per submission: utime+stime (+ reaped children) of the driven gunicorn's master and
workers and of every PostgreSQL process, read from /proc before and after the run, divided by the
submissions it made. Ratios B/A and C/A are taken within each round and reported as medians.

``--seed`` then seeds 100,000 persons and 300,000 screenings (``bench/seed_records.py``, bulk
inserts, not HTTP) and drives A C A C ...; the seeded C/A is compared to the empty one.

    .venv/bin/python -m bench.side_by_side [--rounds N] [--seconds S] [--seed] [--json]

Targets (issue 14): B/A >= 0.66, C/A >= 0.45, seeded C no more than 10% below empty C.
Nothing here is imported by ``server``; it only starts processes on loopback and stops them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run_openrosa import DEFAULT_GENERATOR, load, sangloc  # noqa: E402
from bench.run_records import anchor_mchat, communes_of, seed_database  # noqa: E402
from server.config import DEFAULTS  # noqa: E402
from tests.support.pg import Cluster  # noqa: E402

ANCHOR = ROOT / "tests" / "data" / "anchor_screen.xml"
TICK = os.sysconf("SC_CLK_TCK")
# ``../shared/bench`` beside the checkout (also from a worktree one folder further down)
GENERATOR = next((p for p in (DEFAULT_GENERATOR, ROOT.parent.parent / "shared" / "bench" /
                              "openrosa_load.py") if p.exists()), DEFAULT_GENERATOR)
LABELS = {"A": "floor", "B": "store only", "C": "store+score+merge"}


def tree_cpu(root_pid: int) -> float:
    """CPU seconds (user+system, own and reaped children) of a process and its descendants."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = raw[raw.rindex(")") + 2:].split()
        # fields[1] is ppid; fields[11..14] utime, stime, cutime, cstime (proc(5), from field 3)
        stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]) / TICK)
    total, todo = 0.0, [root_pid]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0.0))[1]
        todo += [child for child, (ppid, _) in stats.items() if ppid == pid]
    return total


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cluster = Cluster(durable=True).start()
        self.workdir = Path(tempfile.mkdtemp(prefix="sangloc-side-"))
        self.servers: dict[str, subprocess.Popen] = {}
        # listening sockets made here and handed to gunicorn (fd://): no other process on the
        # machine can take a port between choosing it and binding it
        self.sockets = {name: socket.create_server(("127.0.0.1", 0)) for name in "AS"}
        self.ports = {name: sock.getsockname()[1] for name, sock in self.sockets.items()}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
        self.env.update(SANGLOC_DATABASE_URL=self.cluster.url(),
                        SANGLOC_INSTANCE_DIR=str(self.workdir), SANGLOC_LOG_LEVEL="WARNING",
                        SANGLOC_PUBLIC_URL=f"http://127.0.0.1:{self.ports['S']}",
                        PYTHONPATH=str(ROOT))
        self.bases: dict[str, str] = {}

    def postmaster(self) -> int:
        return int((self.cluster.data / "postmaster.pid").read_text().split()[0])

    def prepare(self) -> None:
        sangloc(self.env, "init")
        sangloc(self.env, "forms", "publish", str(ANCHOR))
        (self.workdir / "anchor_mchat.xml").write_text(anchor_mchat(), "utf-8")
        sangloc(self.env, "forms", "publish", str(self.workdir / "anchor_mchat.xml"))
        base = json.loads(sangloc(self.env, "app-users", "create", "bench", "--commune",
                                  "00004", "--json"))["server_url"]
        self.bases = {"A": f"http://127.0.0.1:{self.ports['A']}", "B": base, "C": base}
        dsn = self.cluster.url().replace("postgresql+psycopg://", "postgresql://")
        self.servers["A"] = self.gunicorn("A", f"bench.floor_app:create_app({dsn!r})")
        self.servers["S"] = self.gunicorn("S", "wsgi:app")
        self.vacuum()

    def gunicorn(self, name: str, app: str) -> subprocess.Popen:
        fd, port = self.sockets[name].fileno(), self.ports[name]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "server" / "gunicorn_conf.py"),
             "-b", f"fd://{fd}", "-w", str(self.args.workers), app], pass_fds=(fd,),
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL,
            stderr=(self.workdir / f"gunicorn-{port}.log").open("ab"))
        self.servers[f"port{port}"] = server  # stopped in close() whatever happens
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn for {app} exited with {server.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("HEAD", "/")
                connection.getresponse().read()
                connection.close()
                return server
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn for {app} did not start")

    def vacuum(self) -> None:
        """Fresh statistics, and dirty pages written now rather than during a timed run."""
        subprocess.run([str(self.cluster.bindir / "psql"), "-h", str(self.cluster.root), "-U",
                        self.cluster.user, "-d", "postgres", "-q", "-c", "VACUUM ANALYZE",
                        "-c", "CHECKPOINT"], check=True)

    def run(self, label: str, seed: int) -> dict:
        """One timed load against A, B or C with CPU read around it."""
        server = self.servers["A" if label == "A" else "S"]
        if server.poll() is not None:
            log = (self.workdir / f"gunicorn-{self.ports['A' if label == 'A' else 'S']}.log")
            raise RuntimeError(f"server {label} has stopped: {log.read_text()[-3000:]}")
        form_id = {"A": "anchor_screen", "B": "anchor_screen", "C": "anchor_mchat"}[label]
        before = tree_cpu(server.pid) + tree_cpu(self.postmaster())
        result = load(self.args.generator, self.bases[label], n=10_000_000, warmup=20,
                      concurrency=self.args.concurrency, formlist_n=0, form_id=form_id,
                      max_seconds=self.args.seconds + 3, seed=seed)
        cpu = tree_cpu(server.pid) + tree_cpu(self.postmaster()) - before
        made = result["ok"] + result["warmup_ok"]
        return {"label": label, "subs_per_s": result["subs_per_s"],
                "p95_ms": result["submission_ms"]["p95_ms"], "ok": result["ok"],
                "errors": result["error_count"] + sum(result["warmup_errors"].values()),
                "error_samples": result["error_samples"],
                "cpu_ms_per_sub": round(cpu * 1000 / made, 3) if made else None}

    def rounds(self, labels: str, count: int, phase: str) -> list[list[dict]]:
        out = []
        for number in range(count):
            offset = 100_000 if phase == "seeded" else 0  # fresh names and birth dates
            row = [self.run(label, offset + 1000 * number + i) for i, label in enumerate(labels)]
            for r in row:
                r["phase"] = phase
                print(f"  {phase} round {number + 1} {r['label']} {LABELS[r['label']]:18} "
                      f"{r['subs_per_s']}/s  p95 {r['p95_ms']} ms  "
                      f"cpu {r['cpu_ms_per_sub']} ms/sub  errors {r['errors']} "
                      f"{r['error_samples'][:1] if r['errors'] else ''}",
                      file=sys.stderr, flush=True)
            out.append(row)
        return out

    def seed(self) -> float:
        others = [c for c in communes_of(self.env, "01")]
        total = 100_000
        sizes = {c: total // len(others) + (1 if i < total % len(others) else 0)
                 for i, c in enumerate(others)}
        started = time.perf_counter()
        seed_database(self.env, sizes)
        self.vacuum()
        return round(time.perf_counter() - started, 1)

    def close(self) -> None:
        for server in self.servers.values():
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
        self.cluster.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def summarise(rows: list[list[dict]]) -> dict:
    """Per label: pooled rate, median p95, pooled CPU; per round ratios to A, as medians."""
    out: dict = {}
    flat = [r for row in rows for r in row]
    for label in sorted({r["label"] for r in flat}):
        runs = [r for r in flat if r["label"] == label]
        out[label] = {
            "name": LABELS[label],
            "subs_per_s": round(statistics.mean(r["subs_per_s"] for r in runs), 1),
            "p95_ms": round(statistics.median(r["p95_ms"] for r in runs), 1),
            "cpu_ms_per_sub": round(statistics.mean(r["cpu_ms_per_sub"] for r in runs), 2),
            "errors": sum(r["errors"] for r in runs)}
    for label in ("B", "C"):
        ratios = [next(r for r in row if r["label"] == label)["subs_per_s"] / row[0]["subs_per_s"]
                  for row in rows if any(r["label"] == label for r in row)]
        if ratios:
            out[f"{label}/A"] = round(statistics.median(ratios), 3)
            out[f"{label}/A per round"] = [round(x, 3) for x in ratios]
    return out


def report(summary: dict, title: str) -> None:
    print(f"\n{title}")
    for label in ("A", "B", "C"):
        if label in summary:
            s = summary[label]
            print(f"  {label} {s['name']:18} {s['subs_per_s']:8.1f} subs/s  p95 {s['p95_ms']:6.1f}"
                  f" ms  server CPU {s['cpu_ms_per_sub']:5.2f} ms/sub  errors {s['errors']}")
    for key in ("B/A", "C/A"):
        if key in summary:
            print(f"  {key} = {summary[key]:.3f}  (rounds: {summary[key + ' per round']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=15.0, help="timed seconds per run")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=DEFAULTS["WORKERS"])
    parser.add_argument("--seed", action="store_true",
                        help="then seed 100,000 persons / 300,000 screenings and run A C again")
    parser.add_argument("--generator", type=Path, default=GENERATOR)
    parser.add_argument("--json", action="store_true", help="also print one JSON line")
    args = parser.parse_args(argv)
    bench = Bench(args)
    result: dict = {}
    try:
        bench.prepare()
        result["empty"] = summarise(bench.rounds("ABC", args.rounds, "empty"))
        report(result["empty"], f"Empty database, {args.rounds} rounds of {args.seconds:g} s, "
                                f"c={args.concurrency}, {args.workers} workers")
        if args.seed:
            result["seed_seconds"] = bench.seed()
            result["seeded"] = summarise(bench.rounds("AC", args.rounds, "seeded"))
            report(result["seeded"], f"Seeded (100,000 persons, 300,000 screenings; "
                                     f"{result['seed_seconds']} s to seed)")
            change = result["seeded"]["C/A"] / result["empty"]["C/A"] - 1
            result["seeded_vs_empty_C_over_A"] = round(change, 3)
            print(f"  seeded C/A vs empty C/A: {change:+.1%} (target: no worse than -10%)")
    finally:
        bench.close()
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
