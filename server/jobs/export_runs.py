"""The export worker's loop: each export in short units of work, so the page sees progress.

``run_exports`` claims queued exports one at a time (``services/exports/work.py``: of two
workers exactly one gets each), counts its rows, then writes the file a page at a time into a
temporary folder, committing ``rows_done`` after each page. The finished file goes to the blob
store and the export is marked done; any error marks it failed with a problem code (a Problem's
own, else 500.144) and the log gets its type only, never the rows. A worker that finds its
export taken over (it was too slow to beat) drops its file and moves on. With a read replica
(``server/replica.py``) the counting and the pages are read from the standby once it has
replayed past the claim (so the export and every row written before it was asked are there;
it waits up to ``REPLAY_WAIT`` seconds for that, else reads the primary); the claim and the
progress are written to the primary. A standby lost during an export (shut down, connection
dropped) does not fail it: the export is made again from the primary.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import uuid
from pathlib import Path
from typing import Any

from server import problems
from server.boundary import transaction
from server.problems import Problem
from server.replica import on_standby, standby_lost, write_mark
from server.services.exports import files, work
from server.services.ops.job_runs import describe_error
from server.storage import BlobStore

log = logging.getLogger("sangloc.jobs")
MAX_PER_RUN = 20  # exports one run makes at most; the next run takes the rest
REPLAY_WAIT = 2.0  # seconds an export waits for the read replica to replay its claim


def run_exports(blobs: BlobStore, holder: str | None = None) -> dict[str, Any]:
    """Make the waiting exports; counts of each ending. ``holder`` names this worker
    (``host:pid:uuid``, new for each run, by default)."""
    holder = holder or f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    counts = {"done": 0, "failed": 0, "lost": 0}
    for _ in range(MAX_PER_RUN):
        with transaction():
            export_id = work.claim_next(holder)
        if export_id is None:
            break
        ending = on_standby(lambda export_id=export_id: run_export(export_id, blobs, holder),
                            after=write_mark(), wait=REPLAY_WAIT)
        counts[ending] += 1
    return counts


def run_export(export_id: int, blobs: BlobStore, holder: str) -> str:
    """Make one claimed export: ``done``, ``failed`` or ``lost`` (taken over)."""
    try:
        with transaction():
            plan = work.begin(export_id)
        with tempfile.TemporaryDirectory(prefix="sangloc-export-") as folder:
            path = Path(folder) / f"export.{plan.format}"
            if not _write(plan, path, holder):
                return "lost"
            sha256 = blobs.put_file(path)
            with transaction():
                finished = work.finish(export_id, holder, sha256, path.stat().st_size)
        return "done" if finished else "lost"
    except Problem as problem:
        code = problem.code
    except Exception as exc:
        if standby_lost(exc):
            raise  # made again from the primary by run_exports
        log.error("export %s failed: %s", export_id, describe_error(exc))
        code = problems.export_failed().code
    with transaction():
        work.fail(export_id, holder, code)
    return "failed"


def _write(plan: work.Plan, path: Path, holder: str) -> bool:
    """Write the file page by page; False if the export was taken over meanwhile."""
    writer = files.open_file(plan.format, path, plan.header, plan.kind.replace(":", " "))
    after, done = None, 0
    try:
        while True:
            with transaction():
                after, rows = work.next_page(plan, after)
            if not rows:
                return True
            writer.append(rows)
            done += len(rows)
            with transaction():
                if not work.record_progress(plan.export_id, holder, done):
                    return False
    finally:
        writer.close()
