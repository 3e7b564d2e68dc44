"""The record of job runs: start and finish a run row, prune old rows, read the latest ones.

``detail`` carries counts, file names and error text only, never personal data. Like every
service this flushes and never commits: the job runner (``server/jobs/runner.py``) owns the
transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from server.extensions import db
from server.models import JobRun
from server.models.types import utcnow
from server.problems import Problem

KEEP_DAYS = 90
# A run still "running" after this long was cut off (the process died); prune closes it.
ABANDONED_AFTER = timedelta(days=1)
ERROR_LIMIT = 300


def start_run(name: str) -> JobRun:
    """Add a ``running`` row for job ``name``."""
    run = JobRun(name=name, started_at=utcnow(), status="running", detail={})
    db.session.add(run)
    db.session.flush()
    return run


def finish_run(run_id: int, status: str, detail: dict[str, Any]) -> JobRun:
    """Mark run ``run_id`` ``ok`` or ``failed`` with its detail (loads it in this session)."""
    if status not in ("ok", "failed"):
        raise ValueError(f"a finished run is ok or failed, not {status!r}")
    run = db.session.get_one(JobRun, run_id)
    run.status = status
    run.detail = dict(detail)
    run.finished_at = utcnow()
    db.session.flush()
    return run


def describe_error(exc: BaseException) -> str:
    """A short, log-safe description of an error.

    A Problem is its code and English text (``409.11: ...``). A database error is the driver's
    error type and SQLSTATE only: its message may quote a row's values (PostgreSQL's
    ``invalid input syntax ...: "..."``, ``DETAIL:`` lines). Anything else is its type and the
    first line of its message, which sangloc's own errors keep free of submitted values.
    """
    if isinstance(exc, DBAPIError):
        cause = exc.orig if exc.orig is not None else exc
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        text = type(cause).__name__ + (f" (SQLSTATE {state})" if state else "")
    else:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        if isinstance(exc, Problem):
            text = message
        else:
            text = f"{type(exc).__name__}: {message}" if message else type(exc).__name__
    return text[:ERROR_LIMIT]


def prune_job_runs(keep_days: int = KEEP_DAYS, *, now: datetime | None = None) -> dict[str, int]:
    """Delete runs older than ``keep_days``; close runs left ``running`` by a dead process."""
    now = now or utcnow()
    table = JobRun.__table__
    abandoned = db.session.execute(
        update(table).where(table.c.status == "running",
                            table.c.started_at < now - ABANDONED_AFTER)
        .values(status="failed", finished_at=now, detail={"error": "abandoned"})).rowcount
    deleted = db.session.execute(
        delete(table).where(table.c.started_at < now - timedelta(days=keep_days))).rowcount
    return {"deleted": deleted, "abandoned": abandoned}


def latest_runs(names: Iterable[str]) -> dict[str, JobRun]:
    """The most recent run of each named job that has run at all."""
    newest = (select(JobRun.name, func.max(JobRun.id).label("id"))
              .where(JobRun.name.in_(list(names))).group_by(JobRun.name).subquery())
    runs = db.session.scalars(select(JobRun).join(newest, JobRun.id == newest.c.id))
    return {run.name: run for run in runs}
