"""Prometheus metrics: the counters and gauges sangloc is run by, in one place.

Other modules record events through the small functions below (never by building metric
objects of their own), so the metric names, labels and their allowed values live here. No
label ever carries personal data or an unbounded value (no person, user, form instance or URL
path with ids): routes are Flask endpoint names, outcomes come from short fixed lists.
``server/ops_views.py`` serves them at ``/metrics``.

Several processes (gunicorn's workers, the scheduler started by ``sangloc serve``) share their
values through prometheus_client's multiprocess mode: each writes its own files in the folder
``server/config.py`` names (``metrics_multiproc_dir``), and ``render`` sums them, so a scrape
answered by any worker reports the whole server. Without that folder (``flask run``, tests, a
command) ``render`` reports this process alone. Nothing here reads the database: the values a
scrape computes from it (open urgent actions ...) come from collectors ``ops_views`` passes in.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

from server.config import metrics_multiproc_dir

REQUESTS = Counter("sangloc_http_requests_total", "HTTP requests answered",
                   ["route", "method", "status"])
REQUEST_SECONDS = Histogram("sangloc_http_request_seconds", "Time to answer a request",
                            ["route"])
SUBMISSIONS = Counter("sangloc_submissions_total", "Submissions received, by channel and outcome",
                      ["channel", "outcome"])
MERGE_FAILURES = Counter("sangloc_merge_failures_total",
                         "Submissions stored but not merged (kept for the retry job)")
JOB_RUNS = Counter("sangloc_job_runs_total", "Scheduled job runs, by job and outcome",
                   ["job", "outcome"])
DELIVERIES = Counter("sangloc_notification_deliveries_total",
                     "Notification delivery attempts, by channel and outcome",
                     ["channel", "outcome"])
REPLICA_LAG = Gauge("sangloc_replica_lag_seconds",
                    "Replay lag of the read replica at its last check (-1: unreachable)",
                    multiprocess_mode="mostrecent")  # the last check, whichever worker made it
REPLICA_FALLBACKS = Counter("sangloc_replica_fallbacks_total",
                            "Replica reads sent to the primary because the standby was down")

SUBMISSION_CHANNELS = ("openrosa", "api", "import")  # import: a waiting-forms file
SUBMISSION_OUTCOMES = ("accepted", "duplicate", "rejected", "stored_only")


def count_submission(channel: str, outcome: str) -> None:
    """One submission's outcome: accepted (stored and merged), duplicate, rejected (a problem
    answered to the client), stored_only (kept, merge failed: the retry job will merge it)."""
    if channel not in SUBMISSION_CHANNELS or outcome not in SUBMISSION_OUTCOMES:
        raise ValueError(f"unknown submission label {channel}/{outcome}")
    SUBMISSIONS.labels(channel, outcome).inc()
    if outcome == "stored_only":
        MERGE_FAILURES.inc()


#: HTTP methods named in labels; any other (a client can send any token) is counted as "other"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def count_request(route: str | None, method: str, status: int, seconds: float) -> None:
    """One answered request: ``route`` is the Flask endpoint name (None: no route matched),
    never the path, which can hold a device token or a person's id."""
    route = route or "unmatched"
    REQUESTS.labels(route, method if method in METHODS else "other", str(status)).inc()
    REQUEST_SECONDS.labels(route).observe(seconds)


def submission_outcome(receipt_outcome: str, merge_state: str | None) -> str:
    """The label of a received submission: ``receipt_outcome`` is the store's (created,
    edited, duplicate), ``merge_state`` the merge's (None: not a scored form)."""
    if receipt_outcome == "duplicate":
        return "duplicate"
    return "stored_only" if merge_state in ("failed", "unmergeable") else "accepted"


def count_job_run(job: str, ok: bool) -> None:
    JOB_RUNS.labels(job, "ok" if ok else "failed").inc()


def count_delivery(channel: str, ok: bool) -> None:
    DELIVERIES.labels(channel, "sent" if ok else "failed").inc()


def set_replica_lag(seconds: float | None) -> None:
    """The standby's replay lag at its last check; None when it could not be reached."""
    REPLICA_LAG.set(-1 if seconds is None else seconds)


def count_replica_fallback() -> None:
    REPLICA_FALLBACKS.inc()


def mark_process_dead(pid: int) -> None:
    """gunicorn's ``child_exit``: a worker's live gauges leave the sums (its counters stay)."""
    folder = metrics_multiproc_dir()
    if folder:
        multiprocess.mark_process_dead(pid, folder)


def render(collectors: Iterable[Collector] = ()) -> bytes:
    """The Prometheus text exposition of every process's metrics plus ``collectors``."""
    folder = metrics_multiproc_dir()
    registry = CollectorRegistry(auto_describe=True)
    if folder:
        multiprocess.MultiProcessCollector(registry, path=folder)
    else:
        registry.register(_Default())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


class _Default(Collector):
    """This process's own metrics (the default registry), when it runs alone."""

    def collect(self):
        return REGISTRY.collect()
