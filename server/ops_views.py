"""Operations endpoints: ``/healthz``, ``/readyz`` and ``/metrics``, for load balancers and
Prometheus.

- ``/healthz``: the process answers (200 ``ok``); touches nothing else, so a slow database never
  makes a supervisor restart a healthy process.
- ``/readyz``: the database answers within ``PROBE_SECONDS`` (its own short-lived connection,
  not the request pool), the object store is usable (``BlobStore.check()``), and the database's
  migration revision is the code's head. 200 or 503 with JSON ``{status, checks}``; a failed check
  says only the error's type, never a URL, host, user or message.
- ``/metrics``: Prometheus text (``server/metrics.py``), plus values computed from the database
  at scrape time (open urgent actions, each job's last run, the replica's lag). Served to a
  client on loopback that came straight to gunicorn (no ``X-Forwarded-For``, ``X-Real-IP`` or
  ``Forwarded`` header: a request a proxy passed on is never local, even if the proxy runs on
  this host), or to any client with ``Authorization: Bearer <SANGLOC_METRICS_TOKEN>``; anyone
  else gets 403. nginx must not pass ``/metrics`` on (``deploy/nginx.conf`` refuses it).

None of these is throttled, audited, or touches the web session (no cookie is ever set); none
writes to the database. Errors are answered as plain text here, never by the pages' writer.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from functools import cache
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, jsonify, request
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from server import metrics
from server.jobs.table import JOBS
from server.models import CaseAction, JobRun, Notification
from server.models.notification import CHANNELS as NOTIFICATION_CHANNELS

log = logging.getLogger("sangloc.ops")
bp = Blueprint("ops", __name__)

PROBE_SECONDS = 3
_PROBE_ENGINE = "sangloc_probe_engine"
_PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")
MIGRATIONS = Path(__file__).parent / "migrations"


@bp.get("/healthz")
def healthz() -> Response:
    return _plain("ok\n", 200)


@bp.get("/readyz")
def readyz() -> Response:
    checks = {"database": "ok", "storage": "ok", "migrations": "ok"}
    try:
        with probe_engine(current_app).connect() as connection:
            revisions = database_revisions(connection)
        checks["migrations"] = "ok" if revisions == code_heads() else "not current"
    except Exception as exc:  # any failure: not ready; its type only (no URL, no host)
        checks["database"], checks["migrations"] = f"failed ({type(exc).__name__})", "unknown"
    try:
        current_app.extensions["sangloc_blobs"].check()
    except Exception as exc:
        checks["storage"] = f"failed ({type(exc).__name__})"
    ready = all(value == "ok" for value in checks.values())
    if not ready:
        log.warning("not ready: %s", ", ".join(f"{k} {v}" for k, v in checks.items()))
    response = jsonify(status="ready" if ready else "not ready", checks=checks)
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/metrics")
def metrics_view() -> Response:
    if not metrics_allowed():
        return _plain("metrics are served on loopback or with the metrics token\n", 403)
    app = current_app._get_current_object()
    try:
        _record_replica_lag(app)
    except Exception as exc:  # the replica module's own failure: the rest is still served
        log.warning("metrics: replica lag unknown: %s", type(exc).__name__)
    body = metrics.render([DatabaseCollector(app)])
    response = Response(body, 200, content_type="text/plain; version=0.0.4; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(Exception)
def _error(error: Exception) -> Response:
    log.error("ops endpoint failed: %s", type(error).__name__, exc_info=error)
    return _plain("error\n", 500)


def metrics_allowed() -> bool:
    """The metrics token, or a direct (unproxied) request from loopback."""
    token = current_app.config["SANGLOC_METRICS_TOKEN"]
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    if any(header in request.headers for header in _PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:  # a Unix socket or no address: not known to be local
        return False


def probe_engine(app: Flask) -> Engine:
    """A connection-per-probe engine with a short connect timeout (one per app)."""
    engine = app.extensions.get(_PROBE_ENGINE)
    if engine is None:
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        sqlite = url.startswith("sqlite")
        arguments = {"timeout": PROBE_SECONDS} if sqlite else {"connect_timeout": PROBE_SECONDS}
        engine = create_engine(url, poolclass=NullPool, connect_args=arguments,
                               hide_parameters=True)
        app.extensions[_PROBE_ENGINE] = engine
    return engine


def database_revisions(connection: Connection) -> frozenset[str]:
    """The migration revision(s) the database is at, read with a statement time limit."""
    with connection.begin():
        _limit_statement(connection)
        return frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))


@cache
def code_heads() -> frozenset[str]:
    """The head revision(s) of the code's migrations (read once per process)."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


def _limit_statement(connection: Connection) -> None:
    """PostgreSQL: this transaction's statements stop after ``PROBE_SECONDS`` (``SET LOCAL``:
    nothing outlives the transaction, as PgBouncer's transaction mode requires)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"SET LOCAL statement_timeout = {PROBE_SECONDS * 1000}"))


def _plain(body: str, status: int) -> Response:
    response = Response(body, status, content_type="text/plain; charset=utf-8")
    response.headers["Cache-Control"] = "no-store"
    return response


class DatabaseCollector(Collector):
    """Values read from the database when Prometheus scrapes: open urgent actions, each job's
    last finished run, notifications waiting or given up (seen from every web node, wherever
    the scheduler runs: its own counters are not served when it runs alone). A
    database that does not answer leaves them out of this scrape (``sangloc_scrape_database_ok``
    says so)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def describe(self):
        return []  # computed at collect time only, never at registration

    def collect(self):
        ok = GaugeMetricFamily("sangloc_scrape_database_ok",
                               "1 when this scrape could read the database's values")
        try:
            found = list(self._from_database())
        except Exception as exc:
            log.warning("metrics: the database's values are missing: %s", type(exc).__name__)
            ok.add_metric([], 0)
            found = []
        else:
            ok.add_metric([], 1)
        return [ok, *found]

    def _from_database(self):
        urgent = GaugeMetricFamily("sangloc_open_urgent_actions", "Urgent actions still open")
        ended = GaugeMetricFamily("sangloc_job_last_run_timestamp_seconds",
                                  "When each job's last finished run ended", labels=["job"])
        ok = GaugeMetricFamily("sangloc_job_last_run_ok",
                               "1 if each job's last finished run succeeded, 0 if it failed",
                               labels=["job"])
        notes = {state: GaugeMetricFamily(
            f"sangloc_notifications_{state}", f"Notifications {meaning}", labels=["channel"])
            for state, meaning in (("waiting", "waiting to be delivered (pending)"),
                                   ("failed", "given up after their last attempt"))}
        with probe_engine(self.app).connect() as connection, connection.begin():
            _limit_statement(connection)
            counts = dict(((row.channel, row.state), row.n) for row in connection.execute(
                select(Notification.channel, Notification.state, func.count().label("n"))
                .where(Notification.state.in_(("pending", "failed")))
                .group_by(Notification.channel, Notification.state)))
            for channel in NOTIFICATION_CHANNELS:
                notes["waiting"].add_metric([channel], counts.get((channel, "pending"), 0))
                notes["failed"].add_metric([channel], counts.get((channel, "failed"), 0))
            urgent.add_metric([], connection.scalar(
                select(func.count()).select_from(CaseAction)
                .where(CaseAction.state == "open", CaseAction.urgent.is_(True))))
            for job in JOBS:
                last = _last_run(connection, job.name)
                if last is not None and last.finished_at is not None:
                    ended.add_metric([job.name], last.finished_at.timestamp())
                    ok.add_metric([job.name], 1 if last.status == "ok" else 0)
        return [urgent, ended, ok, *notes.values()]


def _last_run(connection: Connection, job: str):
    """The latest finished run of ``job``: one look-up in index (name, started_at), past at
    most the run going on now."""
    return connection.execute(
        select(JobRun.finished_at, JobRun.status)
        .where(JobRun.name == job, JobRun.status.in_(("ok", "failed")))
        .order_by(JobRun.started_at.desc()).limit(1)).first()


def _record_replica_lag(app: Flask) -> None:
    """The standby's lag into its gauge, when a replica is configured (server/replica.py)."""
    if app.config["SANGLOC_DATABASE_REPLICA_URL"]:
        from server.replica import replica_lag_seconds

        metrics.set_replica_lag(replica_lag_seconds())


def register(app: Flask) -> None:
    app.register_blueprint(bp)
