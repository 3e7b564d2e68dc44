#!/usr/bin/env python3
"""Mixed load on the production layout in small (issue 14), run by hand.

One durable PostgreSQL primary with a streaming standby, one SeaweedFS S3 bucket, and two web
nodes (gunicorn, ``server/gunicorn_conf.py``) with separate instance folders that share only
the database, the bucket and ``SANGLOC_SECRET_KEY``; reads that tolerate lag go to the standby
(``SANGLOC_DATABASE_REPLICA_URL``). For ``--minutes`` (10 by default), at the same time:

- submissions: one ``shared/bench/openrosa_load.py`` per node (HEAD + multipart POST like ODK
  Collect) of ``anchor_mchat`` (scored and merged), at ``--submit-concurrency`` each;
- a supervisor's worklist (``GET /worklist``) and a coordinator's dashboard
  (``GET /admin/dashboard``), signed in through the sign-in page, each on both nodes in turn;
- the sync API's changes feed (``GET /api/v1/sync/changes``) with the device's token;
- attachments: a form with a photo question is sent to node 1 with its photo (stored in the
  bucket), and the form's media file, attached through node 1's instance, is downloaded from
  node 2 and compared byte for byte (reading a submission's photo back through the other node
  is tested in ``tests/integration/test_nodes.py``).

With ``--standby-outage S`` the standby is stopped for S seconds in the middle of the run
(reads fall back to the primary and are counted in ``sangloc_replica_fallbacks_total``).
The figure that matters is errors: any answer other than the expected status is one. Printed:
counts, rates, p95 per kind of request, errors by kind and status, and each node's replica
fallbacks.

    .venv/bin/python -m bench.mixed_load [--minutes 10] [--standby-outage 60]
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run_openrosa import DEFAULT_GENERATOR, free_port, sangloc  # noqa: E402
from bench.run_records import anchor_mchat  # noqa: E402
from tests.support.collect import multipart  # noqa: E402
from tests.support.pg import Cluster, Standby  # noqa: E402
from tests.support.s3 import Seaweed  # noqa: E402
from tests.support.xlsform import photo_form  # noqa: E402

PASSWORD = "mixed-load-Pass-2026"
COMMUNE = "00004"  # a commune of province 01, where the supervisor and coordinator work
OPENROSA = {"X-OpenRosa-Version": "1.0"}
MEDIA = b"\x89PNG\r\n\x1a\n the form's media file, attached through node 1"


class Tally:
    """Thread-safe counts and latencies per kind of request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: Counter[str] = Counter()

    def add(self, kind: str, seconds: float, ok: bool, status: object) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if not ok:
                self.errors[f"{kind} {status}"] += 1


def environment(node: int, port: int, shared: dict[str, str], folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update(shared)
    env.update(SANGLOC_INSTANCE_DIR=str(folder / f"node{node}"), PYTHONPATH=str(ROOT),
               SANGLOC_PUBLIC_URL=f"http://127.0.0.1:{port}")
    return env


def start_node(env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "server" / "gunicorn_conf.py"),
         "-b", f"127.0.0.1:{port}", "wsgi:app"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"node on port {port} not ready")


def signed_in(port: int, username: str) -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"http://127.0.0.1:{port}/sign-in", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": PASSWORD,
                                   "csrf_token": token}).encode()
    answer = opener.open(f"http://127.0.0.1:{port}/sign-in", body, timeout=30)
    if answer.geturl().endswith("/sign-in"):  # refused: the sign-in page again
        raise RuntimeError(f"{username} could not sign in on port {port}")
    return opener


def fetched(opener: urllib.request.OpenerDirector, url: str) -> object:
    """The status of a page read, or "redirected" when it ended elsewhere (the sign-in page
    after a lost session would otherwise count as a 200)."""
    with opener.open(url, timeout=60) as answer:
        answer.read()
        return answer.status if answer.geturl() == url else "redirected"


def timed(tally: Tally, kind: str, call) -> None:
    started = time.perf_counter()
    try:
        status = call()
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        status = type(error).__name__
    tally.add(kind, time.perf_counter() - started, status in (200, 201), status)


def page_reader(ports: list[int], username: str, path: str, tally: Tally, stop: threading.Event,
                pause: float) -> None:
    openers = [signed_in(port, username) for port in ports]
    turn = 0
    while not stop.is_set():
        url, opener = f"http://127.0.0.1:{ports[turn % 2]}{path}", openers[turn % 2]
        turn += 1
        timed(tally, path, lambda url=url, opener=opener: fetched(opener, url))
        stop.wait(pause)


def changes_reader(ports: list[int], token: str, tally: Tally, stop: threading.Event,
                   pause: float) -> None:
    turn = 0
    while not stop.is_set():
        port = ports[turn % 2]
        turn += 1

        def call(port=port):
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/sync/changes",
                                             headers={"Authorization": f"Bearer {token}"})
            return urllib.request.urlopen(request, timeout=60).status
        timed(tally, "/api/v1/sync/changes", call)
        stop.wait(pause)


def photo_submission(photo: bytes) -> tuple[bytes, str]:
    """A multipart body as Collect sends it: a ``photo_visit`` instance and the photo it names."""
    xml = ("<?xml version='1.0' ?><data id=\"photo_visit\" version=\"1\">"
           "<child_name>Mixed</child_name><commune/><photo>paper.jpg</photo><photo2/>"
           f"<note_text/><meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>")
    return multipart(xml.encode(), {"paper.jpg": photo})


def attachment_traffic(ports: list[int], token_path: str, tally: Tally, stop: threading.Event,
                       pause: float) -> None:
    """A photo sent to node 1, and the media file attached through node 1 read from node 2."""
    while not stop.is_set():
        def send():
            body, kind = photo_submission(b"\xff\xd8\xff\xe0" + secrets.token_bytes(20_000))
            request = urllib.request.Request(
                f"http://127.0.0.1:{ports[0]}{token_path}/submission", data=body,
                headers={**OPENROSA, "Content-Type": kind})
            return urllib.request.urlopen(request, timeout=60).status

        def media():
            request = urllib.request.Request(
                f"http://127.0.0.1:{ports[1]}{token_path}/forms/photo_visit/attachments/logo.png",
                headers=OPENROSA)
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status if answer.read() == MEDIA else "other bytes"
        timed(tally, "photo POST (node 1)", send)
        timed(tally, "media GET (node 2)", media)
        stop.wait(pause)


def outage(standby: Standby, at: float, seconds: float, stop: threading.Event,
           log: list[str]) -> None:
    if stop.wait(at):
        return
    standby.stop_server()
    log.append(f"standby stopped at {at:.0f} s")
    stop.wait(seconds)
    standby.start_server()
    log.append(f"standby started again at {at + seconds:.0f} s")


def fallbacks(port: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    found = re.search(r"^sangloc_replica_fallbacks_total (\S+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def prepare(env: dict[str, str], folder: Path) -> tuple[str, str]:
    """Initialise the database through node 1; return the device's server URL and token."""
    sangloc(env, "init")
    (folder / "anchor_mchat.xml").write_text(anchor_mchat(), "utf-8")
    sangloc(env, "forms", "publish", str(folder / "anchor_mchat.xml"))
    (folder / "photo_visit.xlsx").write_bytes(photo_form())
    (folder / "logo.png").write_bytes(MEDIA)
    sangloc(env, "forms", "publish", str(folder / "photo_visit.xlsx"))
    sangloc(env, "forms", "attach", "photo_visit", str(folder / "logo.png"))
    base = json.loads(sangloc(env, "app-users", "create", "mixed", "--commune", COMMUNE,
                              "--json"))["server_url"]
    for username, role in (("gs-mixed", "supervisor"), ("dp-mixed", "coordinator")):
        subprocess.run([str(Path(sys.executable).parent / "sangloc"), "users", "create",
                        username, "--role", role, "--area", "01", "--password-stdin"],
                       input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True,
                       capture_output=True)
    return base, base.rstrip("/").rsplit("/", 1)[-1]


def submitters(base: str, ports: list[int], args, seconds: float) -> list[subprocess.Popen]:
    origin = urllib.parse.urlsplit(base)
    return [subprocess.Popen(
        [sys.executable, str(args.generator), "--base",
         origin._replace(netloc=f"127.0.0.1:{port}").geturl(), "--form-id", "anchor_mchat",
         "--n", "10000000", "--warmup", "0", "--concurrency", str(args.submit_concurrency),
         "--formlist-n", "0", "--max-seconds", str(seconds), "--json"],
        stdout=subprocess.PIPE, text=True) for port in ports]


def summary(tally: Tally, loads: list[dict], seconds: float) -> dict:
    kinds = {kind: {"n": len(times), "per_s": round(len(times) / seconds, 2),
                    "p95_ms": round(statistics.quantiles(times, n=20)[18] * 1000, 1)
                    if len(times) >= 20 else None}
             for kind, times in tally.times.items()}
    submitted = sum(load.get("ok", 0) for load in loads)
    submission_errors = {f"submission {status}": count for load in loads
                         for status, count in (load.get("errors") or {}).items()}
    return {"seconds": round(seconds), "submissions": submitted,
            "submissions_per_s": round(submitted / seconds, 2), "requests": kinds,
            "errors": {**dict(tally.errors), **submission_errors}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--submit-concurrency", type=int, default=2)
    parser.add_argument("--standby-outage", type=float, default=0.0)
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="sangloc-mixed-"))
    primary = Cluster(durable=True).start()
    standby = s3 = None
    nodes: list[subprocess.Popen] = []
    try:
        standby = Standby(primary).start()
        s3 = Seaweed(bucket="sangloc-mixed").start()
        shared = {"SANGLOC_DATABASE_URL": primary.url(),
                  "SANGLOC_DATABASE_REPLICA_URL": standby.url(),
                  "SANGLOC_SECRET_KEY": secrets.token_hex(32), "SANGLOC_LOG_LEVEL": "WARNING",
                  **{f"SANGLOC_{k}": v for k, v in s3.settings("mixed").items()}}
        ports = [free_port(), free_port()]
        envs = [environment(i + 1, port, shared, folder) for i, port in enumerate(ports)]
        base, token = prepare(envs[0], folder)
        nodes = [start_node(env, port) for env, port in zip(envs, ports, strict=True)]
        seconds = args.minutes * 60
        tally, stop, log = Tally(), threading.Event(), []
        threads = [
            threading.Thread(target=page_reader, args=(ports, "gs-mixed", "/worklist", tally,
                                                       stop, 0.5)),
            threading.Thread(target=page_reader, args=(ports, "dp-mixed", "/admin/dashboard",
                                                       tally, stop, 1.0)),
            threading.Thread(target=changes_reader, args=(ports, token, tally, stop, 1.0)),
            threading.Thread(target=attachment_traffic, args=(
                ports, urllib.parse.urlsplit(base).path.rstrip("/"), tally, stop, 1.0))]
        if args.standby_outage:
            threads.append(threading.Thread(target=outage, args=(
                standby, seconds / 2, args.standby_outage, stop, log)))
        started = time.monotonic()
        loads = submitters(base, ports, args, seconds)
        for thread in threads:
            thread.start()
        outputs = [json.loads(p.communicate(timeout=seconds + 120)[0].strip().splitlines()[-1])
                   for p in loads]
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        result = summary(tally, outputs, time.monotonic() - started)
        result["events"] = log
        result["replica_fallbacks"] = [fallbacks(port) for port in ports]
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0 if not result["errors"] else 1
    finally:
        for node in nodes:
            node.terminate()
            node.wait(timeout=30)
        for server in (s3, standby):
            if server is not None:
                server.stop()
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
