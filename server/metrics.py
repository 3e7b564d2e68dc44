"""Prometheus metrics: the counters and gauges sangloc is run by, in one place.

Other modules record events through the small functions below (never by building metric
objects of their own), so the metric names, labels and their allowed values live here. No
label ever carries personal data or an unbounded value (no person, user, form instance or URL
path with ids): routes are Flask endpoint names, outcomes come from short fixed lists.
``server/ops_views.py`` serves them at ``/metrics``.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
                    multiprocess_mode="max")
REPLICA_FALLBACKS = Counter("sangloc_replica_fallbacks_total",
                            "Replica reads sent to the primary because the standby was down")

SUBMISSION_CHANNELS = ("openrosa", "api")
SUBMISSION_OUTCOMES = ("accepted", "duplicate", "rejected", "stored_only")


def count_submission(channel: str, outcome: str) -> None:
    """One submission's outcome: accepted (stored and merged), duplicate, rejected (a problem
    answered to the client), stored_only (kept, merge failed: the retry job will merge it)."""
    if channel not in SUBMISSION_CHANNELS or outcome not in SUBMISSION_OUTCOMES:
        raise ValueError(f"unknown submission label {channel}/{outcome}")
    SUBMISSIONS.labels(channel, outcome).inc()
    if outcome == "stored_only":
        MERGE_FAILURES.inc()


def count_job_run(job: str, ok: bool) -> None:
    JOB_RUNS.labels(job, "ok" if ok else "failed").inc()


def count_delivery(channel: str, ok: bool) -> None:
    DELIVERIES.labels(channel, "sent" if ok else "failed").inc()


def set_replica_lag(seconds: float | None) -> None:
    """The standby's replay lag at its last check; None when it could not be reached."""
    REPLICA_LAG.set(-1 if seconds is None else seconds)


def count_replica_fallback() -> None:
    REPLICA_FALLBACKS.inc()
