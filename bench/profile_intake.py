#!/usr/bin/env python3
"""Profile sangloc's intake path in process with pyinstrument (run by hand, for the notes).

The profile samples this thread's CPU time (``time.thread_time``), so waits on PostgreSQL do
not show; PostgreSQL's own CPU is measured by ``bench/side_by_side.py``.

On a throw-away PostgreSQL cluster: publish ``anchor_screen`` (stored only) and ``anchor_mchat``
(scored and merged), create a device, then send ``--n`` Collect-style submissions (HEAD + POST,
WSGI environs built before timing) of each form straight into the WSGI app, counting SQL
statements per submission and profiling the whole loop. Prints the statement counts, the
in-process CPU per submission, and pyinstrument's text tree (``--html FILE`` for the flame view).

    .venv/bin/python -m bench.profile_intake [--n 300] [--form anchor_mchat] [--html out.html]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run_openrosa import sangloc  # noqa: E402
from bench.run_records import anchor_mchat  # noqa: E402
from tests.support.pg import Cluster  # noqa: E402

ANCHOR = ROOT / "tests" / "data" / "anchor_screen.xml"
GENERATOR_DIR = next(p for p in (ROOT.parent / "shared" / "bench",
                                 ROOT.parent.parent / "shared" / "bench") if p.exists())


def environs(token_path: str, form_id: str, n: int) -> list[tuple[dict, dict]]:
    """(HEAD environ, POST environ) pairs like openrosa_load's, built ahead of timing."""
    from werkzeug.test import EnvironBuilder
    sys.path.insert(0, str(GENERATOR_DIR))
    import openrosa_load as gen
    rng, out = random.Random(), []
    headers = {"X-OpenRosa-Version": "1.0", "User-Agent": gen.USER_AGENT,
               "Date": "Mon, 01 Jan 2024 00:00:00 GMT"}
    path = f"{token_path}/submission"
    for i in range(n):
        _iid, xml = gen.make_instance(rng, form_id, "1")
        body, ctype = gen.multipart(xml, f"{form_id}_{i}.xml")
        head = EnvironBuilder(path=path, method="HEAD", headers=headers,
                              query_string="deviceID=collect:x").get_environ()
        post = EnvironBuilder(path=path, method="POST", headers=headers, data=body,
                              content_type=ctype, query_string="deviceID=collect:x")
        out.append((head, post.get_environ()))
    return out


def drive(app, pairs) -> None:
    statuses: list[str] = []

    def start_response(status, _headers, _exc=None):
        statuses.append(status)

    for head, post in pairs:
        b"".join(app(head, start_response))
        b"".join(app(post, start_response))
        assert statuses[-2].startswith("204") and statuses[-1].startswith("201"), statuses[-2:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--form", default="both", choices=["anchor_screen", "anchor_mchat",
                                                           "both"])
    parser.add_argument("--html", type=Path)
    parser.add_argument("--all", action="store_true", help="show library frames too")
    parser.add_argument("--statements", action="store_true",
                        help="also list the SQL statements of one submission")
    args = parser.parse_args()
    cluster, workdir = Cluster().start(), Path(tempfile.mkdtemp(prefix="sangloc-prof-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
        env.update(SANGLOC_DATABASE_URL=cluster.url(), SANGLOC_INSTANCE_DIR=str(workdir),
                   SANGLOC_LOG_LEVEL="WARNING", SANGLOC_PUBLIC_URL="http://127.0.0.1:9")
        sangloc(env, "init")
        sangloc(env, "forms", "publish", str(ANCHOR))
        (workdir / "anchor_mchat.xml").write_text(anchor_mchat(), "utf-8")
        sangloc(env, "forms", "publish", str(workdir / "anchor_mchat.xml"))
        url = json.loads(sangloc(env, "app-users", "create", "bench", "--commune", "00004",
                                 "--json"))["server_url"]
        os.environ.update(env)
        profile(url.split("127.0.0.1:9", 1)[1], args)
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def profile(token_path: str, args) -> None:
    from pyinstrument import Profiler
    from pyinstrument.stack_sampler import get_stack_sampler
    from sqlalchemy import event

    from server import create_app
    from server.extensions import db
    app = create_app()
    forms_ = ["anchor_screen", "anchor_mchat"] if args.form == "both" else [args.form]
    with app.app_context():
        engine = db.engine
    count, seen = [0], []

    def counted(_conn, _cursor, statement, *_args) -> None:
        count[0] += 1
        seen.append(" ".join(statement.split())[:150])

    event.listen(engine, "before_cursor_execute", counted)
    for form_id in forms_:
        drive(app, environs(token_path, form_id, 30))  # warm up: imports, caches, pool
        if args.statements:
            seen.clear()
            drive(app, environs(token_path, form_id, 1))
            print(f"\n== {form_id}: the statements of one HEAD+POST")
            print("\n".join(f"  {i + 1:2}. {line}" for i, line in enumerate(seen)))
        pairs = environs(token_path, form_id, args.n)
        count[0] = 0
        started, cpu = time.perf_counter(), time.process_time()
        drive(app, pairs[: args.n // 2])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
        print(f"\n== {form_id}: {count[0] / (args.n // 2):.1f} SQL statements per HEAD+POST, "
              f"app CPU {cpu * 1000 / (args.n // 2):.2f} ms/sub without the profiler "
              f"(wall {wall * 1000 / (args.n // 2):.2f} ms)")
        get_stack_sampler().timer_func = time.thread_time  # CPU time, not waiting on PG
        profiler = Profiler(interval=0.0002)
        with profiler:
            drive(app, pairs[args.n // 2:])
        print(profiler.output_text(unicode=True, color=False, show_all=args.all))
        if args.html:
            args.html.with_suffix(f".{form_id}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    sys.exit(main())
