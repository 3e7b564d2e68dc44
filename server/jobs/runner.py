"""Running one job now, recorded as a ``job_runs`` row: the scheduler and the CLI both use it.

Three short units of work, each in ``app.app_context()`` and ``transaction()``: insert a
``running`` row (visible at once); call the job and mark the row ``ok`` with the job's counts,
committed together with the job's own writes; or, if the job raised, roll its writes back and
mark the row ``failed`` with a log-safe error (type and first line, never SQL parameters).

A failing job does not raise here: the failure is in the run row and in the log, the scheduler
goes on, and ``sangloc jobs run`` turns a failed row into a clean error and exit code 1.
Each run is also counted for Prometheus (``server/metrics.py``) by job and outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Flask

from server import metrics
from server.boundary import transaction
from server.jobs.table import JOBS, Job, find_job
from server.models import JobRun
from server.services.ops import job_runs

log = logging.getLogger("sangloc.jobs")


def run_job(app: Flask, name: str, *, jobs: Sequence[Job] = JOBS,
            holder: str | None = None) -> JobRun:
    """Run job ``name`` once; return its finished run row (``ok`` or ``failed``).

    ``holder`` (the scheduler's lease holder) is recorded in the run's detail as ``scheduler``.
    An unknown name is problem 404.12 (``problems.job_unknown``), before anything is written.
    """
    job = find_job(name, jobs)
    extra = {"scheduler": holder} if holder else {}
    with app.app_context(), transaction():
        run_id = job_runs.start_run(job.name).id
    log.info("job %s started (run %s)", job.name, run_id)
    try:
        with app.app_context(), transaction():
            detail = dict(job.run() or {})
            run = job_runs.finish_run(run_id, "ok", {**detail, **extra})
    except Exception as exc:
        error = job_runs.describe_error(exc)
        log.error("job %s failed (run %s): %s", job.name, run_id, error, exc_info=exc)
        metrics.count_job_run(job.name, ok=False)
        with app.app_context(), transaction():
            return job_runs.finish_run(run_id, "failed", {"error": error, **extra})
    log.info("job %s ok (run %s): %s", job.name, run_id, detail)
    metrics.count_job_run(job.name, ok=True)
    return run
