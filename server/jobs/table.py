"""The ONE table of periodic jobs: a name, when it runs, what it calls, and why.

Each row's ``run`` is a thin call into one service function and returns a small dict of counts
for its run row (``job_runs.detail``): never personal data. Jobs are idempotent — running one
twice, late, or by hand (``sangloc jobs run NAME``) does no harm. The runner gives each run an
app context and ``transaction()``; a ``run`` never commits. Nothing here starts a scheduler.

Triggers are APScheduler's, as keyword arguments; the scheduler's time zone is UTC, so a time of
day is written in UTC (Vietnam is UTC+7, with no daylight saving time). Registering a job is one
line in ``JOBS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from server import problems
from server.jobs import bodies


@dataclass(frozen=True)
class Job:
    name: str
    trigger: Mapping[str, Any]  # APScheduler trigger and its arguments, e.g. every(minutes=15)
    run: Callable[[], dict[str, Any] | None]
    description: str
    # the scheduler's thread for it: announcements get their own, so a long backup or
    # re-scoring run never delays a same-day safety contact's e-mail; exports too, so a
    # requested file starts within seconds whatever else runs; the dashboard counts too, so
    # they stay fresh during a backup (their refresh and rebuild share it, never overlapping)
    executor: str = "default"


def every(**interval: float) -> dict[str, Any]:
    """An interval trigger: ``every(minutes=15)``."""
    return {"trigger": "interval", **interval}


def daily(hour: int, minute: int = 0) -> dict[str, Any]:
    """Once a day at ``hour:minute`` UTC."""
    return {"trigger": "cron", "hour": hour, "minute": minute}


JOBS: tuple[Job, ...] = (
    Job("backup_database", daily(19, 30), bodies.backup_database,
        "Back up the database and its blobs at 02:30 Vietnam time; keep the 14 newest"),
    Job("prune_job_runs", daily(20, 0), bodies.prune_job_runs,
        "Delete job runs older than 90 days; close runs a dead process left running"),
    Job("retry_failed_merges", every(minutes=10), bodies.retry_failed_merges,
        "Merge again the submissions whose merge failed (each in its own transaction)"),
    Job("rescore_screenings", daily(20, 30), bodies.rescore_screenings,
        "Re-score screenings after a threshold table or rules change; old results kept"),
    Job("deliver_notifications", every(seconds=30), bodies.deliver_notifications,
        "Send the announcements of urgent and review work (e-mail, webhook); retry failures",
        executor="notify"),
    Job("expire_tokens", every(hours=1), bodies.expire_tokens,
        "Revoke API tokens past their expiry"),
    Job("run_exports", every(seconds=10), bodies.run_exports,
        "Make the exports people asked for on the exports page (progress shown there)",
        executor="exports"),
    Job("expire_exports", every(hours=1), bodies.expire_exports,
        "Delete export files 7 days after they were made"),
    Job("refresh_aggregates", every(seconds=15), bodies.refresh_aggregates,
        "Recompute the dashboard counts of the communes and years whose records changed",
        executor="aggregates"),
    Job("rebuild_aggregates", daily(20, 45), bodies.rebuild_aggregates,
        "Rebuild every dashboard count from the records (03:45 Vietnam time)",
        executor="aggregates"),
)


def find_job(name: str, jobs: Sequence[Job] = JOBS) -> Job:
    """The job called ``name``; problem 404.12 naming the known jobs otherwise."""
    for job in jobs:
        if job.name == name:
            return job
    raise problems.job_unknown(name, [job.name for job in jobs])


def check_jobs(jobs: Iterable[Job]) -> None:
    """Refuse a table with a duplicate name or a row without a trigger (checked at start-up)."""
    seen: set[str] = set()
    for job in jobs:
        if job.name in seen:
            raise ValueError(f"job {job.name!r} is in the table twice")
        if "trigger" not in job.trigger:
            raise ValueError(f"job {job.name!r} has no trigger type")
        seen.add(job.name)
