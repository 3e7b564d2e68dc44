#!/usr/bin/env python3
"""Benchmark sangloc's OpenRosa surface with the shared load generator (run by hand).

For each backend (SQLite, and PostgreSQL on a throw-away cluster): initialise an instance,
publish ``anchor_screen.xml`` as XForm XML, create an app user, start gunicorn on loopback, run
``shared/bench/openrosa_load.py`` (HEAD + multipart POST like ODK Collect) at concurrency 1, 4
and 16, then a sustained run of 10,000 submissions at concurrency 4, then publish more forms
until 50 are listed and time formList. Prints one JSON line per run.

    .venv/bin/python bench/run_openrosa.py                 # both backends, full runs
    .venv/bin/python bench/run_openrosa.py --quick         # small runs, to check the set-up

Targets (issue 3): PostgreSQL sustained c=4 >= 600 submissions/s with p95 < 15 ms; SQLite
>= 300/s; formList p95 < 10 ms with 50 published forms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.pg import Cluster  # noqa: E402  (a throw-away cluster, as the tests use)

VENV_BIN = Path(sys.executable).parent
DEFAULT_GENERATOR = ROOT.parent / "shared" / "bench" / "openrosa_load.py"
ANCHOR = ROOT / "tests" / "data" / "anchor_screen.xml"
LISTED_FORMS = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sangloc(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(VENV_BIN / "sangloc"), *args], env=env, check=True,
                            capture_output=True, text=True, cwd=ROOT)
    return result.stdout


def prepare(env: dict[str, str], workdir: Path) -> str:
    """Initialise, publish the anchor form, create a device; return its server URL."""
    sangloc(env, "init")
    sangloc(env, "forms", "publish", str(ANCHOR))
    created = json.loads(sangloc(env, "app-users", "create", "bench", "--commune", "00004",
                                 "--json"))
    return created["server_url"]


def publish_until_listed(env: dict[str, str], workdir: Path) -> int:
    listed = json.loads(sangloc(env, "forms", "list", "--json"))
    missing = LISTED_FORMS - sum(1 for f in listed if f["state"] == "open")
    template = ANCHOR.read_text("utf-8")
    for index in range(missing):
        path = workdir / f"extra_{index:02d}.xml"
        path.write_text(template.replace('id="anchor_screen"', f'id="bench_extra_{index:02d}"')
                        .replace("Anchor screening form", f"Bench form {index:02d}"), "utf-8")
        sangloc(env, "forms", "publish", str(path))
    return LISTED_FORMS


def start_server(env: dict[str, str], args) -> subprocess.Popen:
    port = args.port
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "server" / "gunicorn_conf.py"),
         "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "-k", args.worker_class,
         "--threads", str(args.threads), "wsgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def load(generator: Path, base: str, **options) -> dict:
    args = [sys.executable, str(generator), "--base", base, "--json"]
    for key, value in options.items():
        args += [f"--{key.replace('_', '-')}", str(value)]
    done = subprocess.run(args, capture_output=True, text=True, check=False)  # 1 = errors
    lines = done.stdout.strip().splitlines()
    if not lines:
        raise RuntimeError(f"load generator failed: {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def run_backend(name: str, url: str | None, args, workdir: Path) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update({"SANGLOC_INSTANCE_DIR": str(workdir / "instance"), "SANGLOC_LOG_LEVEL": "WARNING",
                "SANGLOC_STRICT": "0", "SANGLOC_PUBLIC_URL": f"http://127.0.0.1:{args.port}"})
    if url:
        env["SANGLOC_DATABASE_URL"] = url
    base = prepare(env, workdir)
    server = start_server(env, args)
    results = []
    try:
        scale = 10 if args.quick else 1
        for concurrency, n in () if args.only else ((1, 2000), (4, 4000), (16, 4000)):
            results.append({"backend": name, "run": f"c={concurrency}", **load(
                args.generator, base, n=n // scale, warmup=200 // scale,
                concurrency=concurrency, formlist_n=0)})
        results.append({"backend": name, "run": "sustained c=4", **load(
            args.generator, base, n=10_000 // scale, warmup=200 // scale, concurrency=4,
            formlist_n=0)})
        if args.only:
            return results
        publish_until_listed(env, workdir)
        results.append({"backend": name, "run": f"formList ({LISTED_FORMS} forms)", **load(
            args.generator, base, n=1, warmup=0, concurrency=1, formlist_n=500 // scale)})
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="gthread", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--only", choices=["sustained"], help="run only the sustained c=4 load")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    parser.add_argument("--fast-pg", action="store_true",
                        help="PostgreSQL without fsync (not for reported figures)")
    args = parser.parse_args()
    args.port = args.port or free_port()
    results = []
    for name in (["sqlite", "postgres"] if args.backend == "both" else [args.backend]):
        workdir = Path(tempfile.mkdtemp(prefix=f"sangloc-bench-{name}-"))
        cluster = Cluster(durable=not args.fast_pg).start() if name == "postgres" else None
        try:
            results += run_backend(name, cluster.url() if cluster else None, args, workdir)
        finally:
            if cluster:
                cluster.stop()
            shutil.rmtree(workdir, ignore_errors=True)
    for result in results:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
