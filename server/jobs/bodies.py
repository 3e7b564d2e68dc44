"""The bodies of the periodic jobs: thin calls into services, listed in ``table.JOBS``.

Jobs that work item by item (retrying merges, re-scoring) give each item its own unit of work
through ``transaction()``, so one bad item cannot hold the others back; their counts go to the
run row. Nothing here holds personal data in what it returns or logs.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import current_app

from server import programme
from server.boundary import transaction
from server.jobs import export_runs
from server.models.types import utcnow
from server.services.access import api_tokens
from server.services.audit import SYSTEM
from server.services.cases import rescoring
from server.services.exports import work as exports_work
from server.services.intake import retry
from server.services.notify import delivery as notify_delivery
from server.services.ops import backup, job_runs
from server.services.programme import aggregates

log = logging.getLogger("sangloc.jobs")


def deliver_notifications(now: datetime | None = None) -> dict[str, Any]:
    """Each due notification: claimed in one unit of work, sent and recorded in another."""
    now = now or utcnow()
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    for row_id in notify_delivery.due_ids(now):
        with transaction():
            claimed = notify_delivery.claim(row_id, now)
        if claimed:
            with transaction():
                counts[notify_delivery.send(row_id, now)] += 1
    return counts


def expire_tokens() -> dict[str, Any]:
    return {"expired": api_tokens.expire_tokens()}


def retry_failed_merges() -> dict[str, Any]:
    """Merge the due failed submissions; a new failure waits longer, or is given up."""
    config = programme.current()
    counts = {"merged": 0, "held": 0, "failed": 0, "unmergeable": 0}
    for submission_id in retry.due_submission_ids():
        try:
            with transaction():
                state = retry.retry_one(SYSTEM, submission_id, config)
        except Exception as exc:
            log.warning("merge retry of submission %s failed: %s", submission_id,
                        type(exc).__name__)
            with transaction():
                state = retry.record_failure(submission_id, exc)
        counts[state if state in counts else "merged"] += 1
    return counts


def rescore_screenings() -> dict[str, Any]:
    config, counts = programme.current(), {"rescored": 0, "changed": 0}
    for screening_id in rescoring.stale_screening_ids(config.thresholds):
        with transaction():
            changed = rescoring.rescore_screening(SYSTEM, screening_id, config)
        counts["rescored"] += 1
        counts["changed"] += changed
    return counts


#: commune-years recomputed per run of ``refresh_aggregates`` (it runs every 15 seconds)
REFRESH_LIMIT = 200
REBUILD_BATCH = 500


def refresh_aggregates(limit: int = REFRESH_LIMIT) -> dict[str, Any]:
    """Recompute the dirty commune-years, each in its own unit of work, the oldest first."""
    done = 0
    for mark in aggregates.dirty_marks(limit):
        with transaction():
            aggregates.refresh_mark(mark)
        done += 1
    return {"recomputed": done}


def rebuild_aggregates() -> dict[str, Any]:
    """Mark every commune-year with records, then recompute them all in batches; a batch
    stops being taken once as many as were marked (and a margin) have been recomputed, so
    communes marked again and again by new work cannot keep the job running."""
    with transaction():
        marked = aggregates.mark_all()
    done = 0
    while done < marked + REBUILD_BATCH:
        batch = refresh_aggregates(REBUILD_BATCH)["recomputed"]
        if not batch:
            break
        done += batch
    return {"marked": marked, "recomputed": done}


def backup_database() -> dict[str, Any]:
    """The backup job: the instance folder, database URL and blob store come from the app.

    A blob the database references but the store lacks fails the run (the backup is kept).
    """
    config = current_app.config
    made = backup.backup_database(config["SANGLOC_INSTANCE_DIR"],
                                  config["SQLALCHEMY_DATABASE_URI"],
                                  blobs=current_app.extensions["sangloc_blobs"])
    return {"file": made.path.name, "bytes": made.path.stat().st_size, "blobs": made.blobs}


def run_exports() -> dict[str, Any]:
    """The waiting exports, each in its own short units of work (``export_runs``)."""
    return export_runs.run_exports(current_app.extensions["sangloc_blobs"])


def expire_exports() -> dict[str, Any]:
    return exports_work.expire_exports(current_app.extensions["sangloc_blobs"])


def prune_job_runs() -> dict[str, Any]:
    return job_runs.prune_job_runs()
