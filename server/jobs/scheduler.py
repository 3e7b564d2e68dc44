"""The scheduler process: runs the JOBS table on time, one scheduler at a time.

Started only by ``sangloc scheduler``, in its own process: never by ``create_app`` or a web
worker. Any number may be started (two hosts, a restart that overlaps); only the one holding
the database lease (``server/services/ops/leases.py``) runs jobs:

- a lease keeper, on its own thread so a long job cannot starve it, takes or renews the lease
  every ``lease_seconds / 3``; a standby keeps trying, and takes over once the holder's lease
  expires (it died) or is released (it stopped cleanly);
- right before each run the job's thread renews the lease too, and runs the job only if that
  succeeds; otherwise the run is skipped (the holder runs it).

Jobs run one at a time on one worker thread, each through ``run_job`` (app context +
``transaction()`` + one service call + a run row). SIGTERM or SIGINT lets a running job finish,
then releases the lease. A job that fires while no one holds the lease (the short gap after a
holder dies) is skipped until its next time: jobs are idempotent and catch up then.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from server.boundary import transaction
from server.jobs.runner import run_job
from server.jobs.table import JOBS, Job, check_jobs
from server.models import JobRun
from server.services.ops import leases
from server.services.ops.job_runs import describe_error

log = logging.getLogger("sangloc.scheduler")

MISFIRE_GRACE_SECONDS = 300  # a run that is late by up to this much still happens


def make_holder() -> str:
    """This process's lease holder id: ``host:pid:uuid`` (unique even across restarts)."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class LeaseKeeper:
    """Takes, renews and releases the scheduler lease for one process."""

    def __init__(self, app: Flask, holder: str, seconds: float) -> None:
        self.app, self.holder, self.seconds = app, holder, seconds
        self.held: bool | None = None  # None until the first attempt

    def renew(self) -> bool:
        """Take or renew the lease in its own transaction; whether this process holds it."""
        try:
            with self.app.app_context(), transaction():
                held = leases.acquire_lease(self.holder, self.seconds)
        except SQLAlchemyError as exc:  # database away: act as standby until it is back
            log.warning("scheduler lease not renewed: %s", describe_error(exc))
            held = False
        if held != self.held:
            log.info("%s %s the scheduler lease", self.holder, "holds" if held else "waits for")
        self.held = held
        return held

    def release(self) -> None:
        try:
            with self.app.app_context(), transaction():
                leases.release_lease(self.holder)
        except SQLAlchemyError as exc:
            log.warning("scheduler lease not released (it expires): %s", describe_error(exc))
        self.held = False


def run_if_holder(app: Flask, keeper: LeaseKeeper, job: Job,
                  jobs: Sequence[Job] = JOBS) -> JobRun | None:
    """Run ``job`` if this process holds the lease (renewed right before); else skip it."""
    if not keeper.renew():
        log.debug("standby: %s skipped", job.name)
        return None
    return run_job(app, job.name, jobs=jobs, holder=keeper.holder)


def build_scheduler(app: Flask, keeper: LeaseKeeper,
                    jobs: Sequence[Job] = JOBS) -> BlockingScheduler:
    """A UTC scheduler with the lease keeper and one entry per job (not started)."""
    check_jobs(jobs)
    scheduler = BlockingScheduler(
        timezone=UTC,
        executors={"default": ThreadPoolExecutor(1), "lease": ThreadPoolExecutor(1),
                   "notify": ThreadPoolExecutor(1), "exports": ThreadPoolExecutor(1),
                   "aggregates": ThreadPoolExecutor(1)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    scheduler.add_job(keeper.renew, "interval", seconds=keeper.seconds / 3, id="lease",
                      name="scheduler lease", executor="lease")
    for job in jobs:
        scheduler.add_job(run_if_holder, args=(app, keeper, job, jobs), id=job.name,
                          name=job.name, executor=job.executor, **job.trigger)
    return scheduler


def run_scheduler(app: Flask, *, lease_seconds: float = 60, jobs: Sequence[Job] = JOBS,
                  holder: str | None = None) -> None:
    """Run the scheduler in this process until SIGTERM/SIGINT (blocks)."""
    keeper = LeaseKeeper(app, holder or make_holder(), lease_seconds)
    scheduler = build_scheduler(app, keeper, jobs)
    log.info("scheduler %s starting: %d job(s), lease %ss", keeper.holder, len(jobs),
             lease_seconds)
    restore_signals = _stop_on_signals(scheduler)  # before the lease: a SIGTERM meanwhile
    keeper.renew()  # still ends in release(), never in a lease held by a killed process
    try:
        scheduler.start()
    finally:
        _shutdown(scheduler)
        restore_signals()
        keeper.release()
        log.info("scheduler %s stopped", keeper.holder)


def _shutdown(scheduler: BlockingScheduler) -> None:
    """Stop taking new runs and wait for a running job to finish (safe to call twice)."""
    with contextlib.suppress(SchedulerNotRunningError):
        scheduler.shutdown(wait=True)


def _shutdown_once_started(scheduler: BlockingScheduler, seconds: float = 30) -> None:
    """A signal may come before ``start()``: wait (bounded) for it to run, then shut down."""
    deadline = time.monotonic() + seconds
    while scheduler.state == STATE_STOPPED and time.monotonic() < deadline:
        time.sleep(0.05)
    _shutdown(scheduler)


def _stop_on_signals(scheduler: BlockingScheduler) -> Callable[[], None]:
    """On SIGTERM/SIGINT shut down from a helper thread; return a function undoing this.

    Signal handlers run on the main thread between two bytecodes, possibly inside the
    scheduler's own locks, so the handler only starts a thread that does the shutdown.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum: int, _frame: object) -> None:
        log.info("signal %s: stopping after the running job", signum)
        threading.Thread(target=_shutdown_once_started, args=(scheduler,), daemon=True).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
