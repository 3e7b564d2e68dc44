"""Benchmark the collaborator's offline web app ``/m/`` (issue 13) in Chromium, run by hand.

Targets: with a commune of 2,000 persons, opening a form for a picked person and the first tap
on an answer respond in under 1 s with Chromium's CPU throttled 4×; syncing 200 queued forms
takes under 30 s against a local server.

1. A throw-away PostgreSQL cluster (default durability); ``sangloc init`` (migrations, areas,
   bundled forms), a collaborator of commune 00004 with a password; ``--persons`` persons of
   that commune seeded by ``bench/seed_pages.py``'s seeder (each with a case and 1-5 scored
   screenings; ``--open-share`` of them with open work: who is due), then ``sangloc serve``.
2. Debian's Chromium (Playwright, headless, 360×780): the collaborator signs in, the app pulls
   the commune's persons and cases (timed: "first pull"), then the CPU is throttled
   (``Emulation.setCPUThrottlingRate``, ``--cpu``) through a DevTools session.
3. ``--runs`` times, for a person drawn at random: (a) from the tap on "start PHQ-9" in the
   person's card until the form's first question is drawn; (b) the first tap on an answer
   (consent "yes") until the engine has updated the form (the consent-method question it makes
   relevant is drawn). The form is then left with "save and exit". Times are wall clock from
   Playwright's side (a click and a wait each add a few ms of driver round trips).
4. Offline, ``--queue`` PHQ-9 forms (valid instances of the published version, as the app's
   export writes them) are imported into the outbox through the app's own "import waiting
   forms" button; then online: (c) from going online until the outbox is empty (auto-sync on
   "online", batches of up to 100), with the CPU still throttled; the server's submission
   count is checked (every form once).

    .venv/bin/python -m bench.run_mobile [--persons 2000] [--runs 10] [--queue 200] [--cpu 4]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.support.instances import levels, screening_instance
from tests.support.live_server import ROOT, LiveServer, free_port
from tests.support.pg import Cluster

COMMUNE = "00004"
USERNAME = "ctv-bench"
PASSWORD = "mật khẩu benchmark đủ dài"
CHROMIUM = "/usr/bin/chromium"
TARGET_S = {"open": 1.0, "tap": 1.0, "sync": 30.0}


def start_server(cluster: Cluster, instance: Path) -> LiveServer:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update({"SANGLOC_INSTANCE_DIR": str(instance), "SANGLOC_DATABASE_URL": cluster.url(),
                "SANGLOC_PORT": str(port), "SANGLOC_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "SANGLOC_LOG_LEVEL": "WARNING"})
    return LiveServer(port, env, instance / "server.log")


def seed_persons(cluster: Cluster, instance: Path, persons: int, open_share: float) -> dict:
    """``persons`` persons of COMMUNE with their cases and screenings (COPY)."""
    from bench.seed_pages import (
        Ids,
        Seeder,
        _advance_sequences,
        _bench_form,
        _next_ids,
        build_pool,
    )
    from server import create_app
    from server.programme import today

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": cluster.url(),
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        rng = random.Random(13)
        seeder = Seeder(rng, build_pool(random.Random(5)), Ids(_next_ids()), today(),
                        _bench_form())
        opened = int(persons * open_share)
        for n in range(persons):
            seeder.person(COMMUNE, open_work=n < opened)
        seeder.flush()
        _advance_sequences()
        return dict(seeder.counts)


def database_facts(cluster: Cluster, instance: Path) -> tuple[list[tuple[str, str]], int, str]:
    """(the commune's persons as (id, full name), the submissions stored, PHQ-9's version)."""
    from sqlalchemy import text

    from server import create_app
    from server.extensions import db

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": cluster.url(),
                      "LOG_LEVEL": "WARNING"})
    with app.app_context():
        rows = db.session.execute(text("SELECT id, full_name FROM persons WHERE commune_code"
                                       " = :c ORDER BY id"), {"c": COMMUNE}).all()
        count = db.session.execute(text("SELECT count(*) FROM submissions")).scalar()
        version = db.session.execute(text(
            "SELECT v.version FROM forms f JOIN form_versions v ON v.id = f.current_version_id"
            " WHERE f.xml_form_id = 'phq9'")).scalar()
        db.engine.dispose()
    return [(r[0], r[1]) for r in rows], count, version


def waiting_file(path: Path, count: int, version: str) -> None:
    """``count`` PHQ-9 forms as the app's export writes them (new persons, random answers)."""
    rng = random.Random(17)
    now = datetime.now(UTC).isoformat()
    items = []
    for n in range(count):
        instance_id = f"uuid:{uuid.uuid4()}"
        answers = levels(9, **{f"q{i:02d}": rng.choice((0, 0, 1, 2)) for i in range(1, 10)})
        xml = screening_instance("phq9", answers, name=f"Người Thử {n:03d}", commune=COMMUNE,
                                 instance_id=instance_id, person_id="new").decode()
        xml = xml.replace('version="2026120101"', f'version="{version}"')
        items.append({"client_id": instance_id, "instance_id": instance_id, "form_id": "phq9",
                      "form_version": version, "xml": xml, "attachments": {},
                      "created_at": now})
    path.write_text(json.dumps({"format": "sangloc-outbox", "version": 1, "exported_at": now,
                                "origin": None, "username": USERNAME, "commune": COMMUNE,
                                "items": items}, ensure_ascii=False))


def figures(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (f"p50 {statistics.median(ordered) * 1000:6.0f} ms   p95 {p95 * 1000:6.0f} ms   "
            f"max {ordered[-1] * 1000:6.0f} ms   (n={len(ordered)})")


def run_browser(server: LiveServer, people: list[tuple[str, str]], version: str, args,
                work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser.mobile_support import App

    report: dict = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox"])
        try:
            phone = App(browser, server)
            phone.page.set_default_timeout(120_000)
            started = time.perf_counter()
            phone.sign_in(USERNAME, PASSWORD)
            phone.tab("people")
            phone.page.locator("[data-person-id]").first.wait_for()
            report["first_pull_s"] = time.perf_counter() - started
            cdp = phone.context.new_cdp_session(phone.page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu})
            report["open"], report["tap"] = measure_forms(phone, people, args.runs)
            report["sync_s"] = measure_sync(phone, args.queue, work, version)
            phone.close()
        finally:
            browser.close()
    return report


def measure_forms(phone, people, runs: int) -> tuple[list[float], list[float]]:
    page = phone.page
    rng = random.Random(23)
    opened, tapped = [], []
    for _ in range(runs):
        person_id, name = rng.choice(people)
        phone.tab("people")
        page.locator("#people-search").fill(name)
        page.locator(f'[data-person-id="{person_id}"]').first.click()
        start = page.locator('button[data-start-form="phq9"]').first
        start.wait_for()
        began = time.perf_counter()
        start.click()
        page.locator("#form-host .odk-form .question-container").first.wait_for()
        opened.append(time.perf_counter() - began)
        answer = phone.question("Anh/chị có đồng ý").locator("label.value-option",
                                                              has_text="Có, đồng ý")
        began = time.perf_counter()
        answer.click()
        phone.question("Cách ghi nhận sự đồng ý").wait_for()
        tapped.append(time.perf_counter() - began)
        phone.save_and_exit()
    return opened, tapped


def measure_sync(phone, count: int, work: Path, version: str) -> float:
    path = work / "sangloc-cho-gui-bench.json"
    waiting_file(path, count, version)
    phone.offline()
    phone.tab("home")
    phone.page.locator("#import-waiting").set_input_files(str(path))
    phone.wait_waiting(count, seconds=300)
    began = time.perf_counter()
    phone.online()
    phone.wait_waiting(0, seconds=600)
    return time.perf_counter() - began


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--persons", type=int, default=2000)
    parser.add_argument("--open-share", type=float, default=0.15)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--queue", type=int, default=200)
    parser.add_argument("--cpu", type=float, default=4)
    args = parser.parse_args()
    cluster = Cluster(durable=True).start()
    instance = Path(tempfile.mkdtemp(prefix="sangloc-bench-mobile-"))
    server = start_server(cluster, instance)
    try:
        server.sangloc("init", timeout=600)
        server.sangloc("users", "create", USERNAME, "--role", "collaborator", "--area",
                       COMMUNE, "--password-stdin", input=PASSWORD + "\n")
        began = time.perf_counter()
        written = seed_persons(cluster, instance, args.persons, args.open_share)
        print(f"seeded {written} in {time.perf_counter() - began:.0f} s", flush=True)
        people, submissions_before, version = database_facts(cluster, instance)
        server.start("--no-scheduler")
        report = run_browser(server, people, version, args, instance)
        _, submissions_after, _ = database_facts(cluster, instance)
    finally:
        server.stop()
        cluster.stop()
        shutil.rmtree(instance, ignore_errors=True)
    print(f"\ncommune {COMMUNE}: {len(people)} persons; Chromium CPU throttled {args.cpu:g}x")
    print(f"first pull after sign-in (no throttling): {report['first_pull_s']:.1f} s")
    print(f"(a) open a form for a picked person:  {figures(report['open'])}"
          f"   target < {TARGET_S['open']:.0f} s")
    print(f"(b) first tap until the engine updated: {figures(report['tap'])}"
          f"   target < {TARGET_S['tap']:.0f} s")
    stored = submissions_after - submissions_before
    print(f"(c) sync {args.queue} queued forms: {report['sync_s']:.1f} s"
          f"   target < {TARGET_S['sync']:.0f} s; server stored {stored} (expected {args.queue})")
    print(json.dumps({"persons": len(people), "cpu": args.cpu,
                      "open_ms": [round(v * 1000) for v in report["open"]],
                      "tap_ms": [round(v * 1000) for v in report["tap"]],
                      "sync_s": round(report["sync_s"], 2), "stored": stored}))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
