"""Lag-tolerant reads from a PostgreSQL streaming standby (``SANGLOC_DATABASE_REPLICA_URL``).

How a read finds its database: ``db.session`` is a ``RoutingSession`` (``server/extensions.py``).
Its ``get_bind`` sends a SELECT to the standby only while code marked lag-tolerant runs (a view
wrapped in ``lag_tolerant``, or a job step run by ``on_standby``) and only until the session
writes: a flush, an INSERT/UPDATE/DELETE, a locking SELECT or any statement it cannot tell is a
read (``text()``) moves the rest of that transaction to the primary. Services know nothing of
this; they keep calling ``db.session``.

Which database a marked unit uses is decided per transaction, at its first read, by one query
on the standby (``_Standby.status``): it must be reachable, in recovery with a WAL receiver
running, at most ``SANGLOC_DATABASE_REPLICA_MAX_LAG`` seconds behind, and must have replayed
past the caller's last write (read-your-writes). That last write is remembered as a WAL
position: after a request that committed a write, ``pg_current_wal_insert_lsn()`` of the
primary is kept in the signed session cookie (web pages) or, for a bearer token, in this
process's memory. The standby is used only when ``pg_last_wal_replay_lsn()`` has reached it. A
position, unlike a "wrote in the last N seconds" rule, is exact however far behind the standby
is. The one service that asks anything of this module is the changes feed
(``read_horizon``: up to when the data it reads is complete).

A standby that cannot be reached is remembered as down for ``DOWN_SECONDS`` (no request pays the
connect timeout twice in that time); every read sent to the primary because the standby was
down, stopped replicating or too far behind counts in ``sangloc_replica_fallbacks_total``.
A standby lost under a unit that was reading it (it shut down or dropped the connection, or
replay cancelled the query) fails that unit's statement; ``on_standby`` then rolls the session
back and runs the whole unit again on the primary (its reads are side-effect free until it
writes, and once it writes it no longer reads the standby), counted as a fallback too.
``replica_lag_seconds()`` is the check /metrics calls at scrape time; each decision also
updates the lag gauge.

Without a replica URL (and always on SQLite) nothing is created and every read stays on the
primary. This module must not import services or models, and never writes to the standby.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import wraps
from typing import Any, TypeVar

import flask_sqlalchemy.session
from flask import Flask, Response, current_app, has_app_context, has_request_context, request
from flask import session as cookie
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from server.config import engine_options

log = logging.getLogger("sangloc.replica")
EXTENSION = "sangloc_replica"
DOWN_SECONDS = 5.0  # a standby that failed to answer is not tried again for this long
CONNECT_TIMEOUT = 2  # seconds (libpq connect_timeout)
COOKIE_KEY = "wal"  # the web session's last write position
POLL_SECONDS = 0.05  # how often a job waiting for its mark asks the standby again
TOKEN_MARKS = 10_000  # bearer tokens whose last write position this process remembers
_clock = time.monotonic  # tests move it forward past DOWN_SECONDS
_WROTE = "sangloc.wrote"  # session.info: this transaction wrote to the primary
_REQUEST_WROTE = "sangloc.wrote"  # request.environ: a commit of this request wrote
_REQUEST_TOLERANT = "sangloc.lag_tolerant"  # request.environ: a lag-tolerant GET
T = TypeVar("T")

_STATUS = text(
    "SELECT pg_is_in_recovery() AS recovering,"
    " pg_last_wal_replay_lsn()::text AS replayed, pg_last_wal_receive_lsn()::text AS received,"
    " extract(epoch FROM now() - pg_last_xact_replay_timestamp()) AS behind,"
    " (SELECT count(*) FROM pg_stat_wal_receiver) AS receivers")


def _metrics():
    """``server.metrics``, imported when first used: this module is imported with the package
    (``server/extensions.py``), also by gunicorn's master through its configuration file, and
    prometheus_client's metrics must be made in each worker, after the fork, so that each
    writes its own files in the shared multiprocess folder (``server/cli/serve.py``)."""
    from server import metrics

    return metrics


def lsn_value(lsn: str | None) -> int | None:
    """``'16/B374D848'`` -> its byte position, to compare two WAL positions."""
    if not lsn:
        return None
    high, _, low = lsn.partition("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass(frozen=True)
class Status:
    """The standby at one check: usable or not, why, and how far behind."""

    usable: bool
    lag: float | None  # seconds; None: not reachable
    replayed: int | None


@dataclass
class _Wanted:
    """A unit of work that may read from the standby, once it has replayed past ``after``."""

    after: int | None
    wait: float = 0.0  # seconds to wait for the standby to replay ``after`` (jobs)
    engine: Engine | None = None
    decided: bool = False
    horizon: datetime | None = field(default=None)
    lost: bool = False  # a statement of this unit failed on the standby


_WANTED: ContextVar[_Wanted | None] = ContextVar("sangloc_standby_reads", default=None)


class _Standby:
    """The standby's engine, its last known health, and the check that decides a read."""

    def __init__(self, url: str, pgbouncer: bool, max_lag: int) -> None:
        options = engine_options(url, pgbouncer=pgbouncer)
        options["connect_args"] = {**options.get("connect_args", {}),
                                   "connect_timeout": CONNECT_TIMEOUT,
                                   "application_name": "sangloc-replica-reads"}
        self.engine = create_engine(url, **options)
        self.max_lag = max_lag
        self._down_until = 0.0
        self._lock = threading.Lock()
        event.listen(self.engine, "handle_error", self._failed)

    def _failed(self, context: Any) -> None:
        """A statement failed on the standby: the unit reading it is told (``on_standby``
        reads it again from the primary); a dropped connection marks the standby down."""
        wanted = _WANTED.get()
        if wanted is not None:
            wanted.lost = True
        if context.is_disconnect:
            self._mark_down()

    def _mark_down(self) -> None:
        with self._lock:
            self._down_until = _clock() + DOWN_SECONDS

    def status(self) -> Status:
        """Ask the standby (unless it failed moments ago); updates the lag gauge."""
        if _clock() < self._down_until:
            return Status(False, None, None)
        try:
            row = self._ask()
        except DBAPIError as exc:  # refused, timed out, shutting down: all the same here
            self._mark_down()
            log.warning("read replica unreachable (%s); reads go to the primary for %.0fs",
                        type(exc.orig).__name__, DOWN_SECONDS)
            _metrics().set_replica_lag(None)
            return Status(False, None, None)
        lag = _lag(row)
        _metrics().set_replica_lag(lag)
        usable = bool(row.recovering) and row.receivers > 0 and lag is not None \
            and lag <= self.max_lag
        return Status(usable, lag, lsn_value(row.replayed))

    def _ask(self) -> Any:
        """The status row. A pooled connection the standby dropped (it restarted) fails once
        and empties the pool (SQLAlchemy invalidates it); then a new connection is tried."""
        try:
            with self.engine.connect() as connection:
                return connection.execute(_STATUS).one()
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        with self.engine.connect() as connection:
            return connection.execute(_STATUS).one()


def _lag(row: Any) -> float | None:
    """Seconds behind: none when everything received is replayed, else the age of the last
    replayed commit (what a reader misses is at most that old)."""
    if not row.recovering:
        return None
    if row.replayed is not None and row.replayed == row.received:
        return 0.0
    return None if row.behind is None else max(0.0, float(row.behind))


def _standby() -> _Standby | None:
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


def init_app(app: Flask) -> None:
    """Open the standby's engine when configured (PostgreSQL only: config.py checks)."""
    url = app.config["SANGLOC_DATABASE_REPLICA_URL"]
    if not url:
        return
    app.extensions[EXTENSION] = _Standby(url, app.config["SANGLOC_DATABASE_PGBOUNCER"],
                                         app.config["SANGLOC_DATABASE_REPLICA_MAX_LAG"])
    app.after_request(_remember_write)


def dispose(app: Flask) -> None:
    """Close the standby's pooled connections (tests, before a cluster stops)."""
    standby = app.extensions.get(EXTENSION)
    if standby is not None:
        standby.engine.dispose()


# --- the decision, once per marked unit of work ------------------------------------------


def _decide(wanted: _Wanted) -> Engine | None:
    """The standby's engine if this unit may read there, else None (the primary)."""
    if wanted.decided:
        return wanted.engine
    wanted.decided = True
    standby = _standby()
    if standby is None:
        return None
    checked, found = _replayed_status(standby, wanted)
    wanted.lost = False  # a failed health check is not a failed read: it sends this to the primary
    if not found.usable:
        _metrics().count_replica_fallback()
        return None
    if not _has_replayed(found, wanted.after):
        wanted.wait = 0.0  # waited once in this unit: its next transactions do not wait again
        return None  # the caller's own last write is not there yet: read it where it is
    wanted.engine = standby.engine
    wanted.horizon = datetime.fromtimestamp(checked - (found.lag or 0.0), tz=UTC)
    return wanted.engine


def _has_replayed(found: Status, after: int | None) -> bool:
    return after is None or (found.replayed is not None and found.replayed >= after)


def _replayed_status(standby: _Standby, wanted: _Wanted) -> tuple[float, Status]:
    """The standby's status (and when it was asked); a unit that may wait asks again every
    ``POLL_SECONDS`` until the standby has replayed its mark or ``wanted.wait`` is over."""
    deadline = _clock() + wanted.wait
    while True:
        checked, found = time.time(), standby.status()
        if not found.usable or _has_replayed(found, wanted.after) or _clock() >= deadline:
            return checked, found
        time.sleep(POLL_SECONDS)


def read_horizon(now: datetime) -> datetime:
    """The moment up to which this unit's reads are complete: ``now`` on the primary, the
    standby's replay position in time on the standby (the changes feed restarts from it)."""
    wanted = _WANTED.get()
    if wanted is None or _decide(wanted) is None or wanted.horizon is None:
        return now
    return min(now, wanted.horizon)


def _is_read(clause: Any) -> bool:
    """A plain SELECT (no FOR UPDATE); anything else, text() included, counts as a write."""
    return bool(getattr(clause, "is_select", False)) and \
        getattr(clause, "_for_update_arg", None) is None


class RoutingSession(flask_sqlalchemy.session.Session):
    """``db.session``'s class: reads of a lag-tolerant unit go to the standby until the
    transaction writes; every other statement goes where Flask-SQLAlchemy sends it."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None,
                 **kwargs: Any) -> Any:
        if bind is None:
            if clause is not None and not self._flushing and not self.info.get(_WROTE) \
                    and _is_read(clause):
                wanted = _WANTED.get()
                engine = _decide(wanted) if wanted is not None else None
                if engine is not None:
                    return engine
            else:
                self.info[_WROTE] = True
        return super().get_bind(mapper, clause, bind, **kwargs)


@event.listens_for(RoutingSession, "after_commit")
def _note_commit(session: RoutingSession) -> None:
    if session.info.get(_WROTE) and has_request_context():
        request.environ[_REQUEST_WROTE] = True


@event.listens_for(RoutingSession, "after_transaction_end")
def _end_transaction(session: RoutingSession, transaction: Any) -> None:
    """A new transaction decides afresh (a job's next step may find the standby back, or
    gone) and reads from the standby again until it writes."""
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
        wanted = _WANTED.get()
        if wanted is not None:
            wanted.decided, wanted.engine, wanted.horizon = False, None, None


# --- marking lag-tolerant code -------------------------------------------------------------


def on_standby(run: Callable[[], T], after: int | None = None, wait: float = 0.0) -> T:
    """``run()`` with its reads on the standby once it has replayed past ``after`` (a position
    from ``write_mark``), waiting up to ``wait`` seconds for that at the first transaction;
    decided at each transaction's first read. If the standby is lost under it, the session is
    rolled back and ``run()`` is called again with every read on the primary. For jobs; views
    use ``lag_tolerant``."""
    if _standby() is None:
        return run()
    wanted = _Wanted(after, wait)
    token = _WANTED.set(wanted)
    try:
        return run()
    except DBAPIError:
        if not wanted.lost:
            raise
    finally:
        _WANTED.reset(token)
    from server.extensions import db  # the primary's session (extensions imports this module)

    db.session.rollback()
    _metrics().count_replica_fallback()
    log.warning("read replica lost during a read; read again from the primary")
    return run()


def standby_lost(exc: BaseException) -> bool:
    """``exc`` is a statement that failed on the standby in the unit running now: a caller that
    catches every error lets it through, so that ``on_standby`` runs the unit on the primary."""
    wanted = _WANTED.get()
    return isinstance(exc, DBAPIError) and wanted is not None and wanted.lost


def lag_tolerant(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a GET view whose reads may be a few seconds old: they come from the standby unless
    the caller's own last write has not reached it. Its own audit row still goes to the
    primary (the view's commit runs after it returns)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method not in ("GET", "HEAD") or _standby() is None:
            return view(*args, **kwargs)
        request.environ[_REQUEST_TOLERANT] = True
        return on_standby(lambda: view(*args, **kwargs), after=_last_write())

    return wrapper


# --- read-your-writes: the caller's last write position ------------------------------------

_token_marks: OrderedDict[str, int] = OrderedDict()
_marks_lock = threading.Lock()


def _token_key() -> str | None:
    header = request.headers.get("Authorization", "")
    return hashlib.sha256(header.encode()).hexdigest()[:32] if header else None


def _last_write() -> int | None:
    key = _token_key()
    if key is not None:
        with _marks_lock:
            return _token_marks.get(key)
    found = cookie.get(COOKIE_KEY) if request.blueprint == "ui" else None
    return found if isinstance(found, int) else None


def write_mark() -> int | None:
    """The primary's WAL insert position now: every commit made before is at or below it.
    None without a standby (no query then)."""
    if _standby() is None:
        return None
    from server.extensions import db  # the primary's engine (extensions imports this module)

    with db.engine.connect() as connection:
        return lsn_value(connection.scalar(text("SELECT pg_current_wal_insert_lsn()::text")))


def _remember_write(response: Response) -> Response:
    """After a request that committed a write (not a lag-tolerant page's own audit row):
    keep where the primary's WAL was, for the caller's next reads."""
    if not request.environ.get(_REQUEST_WROTE) or request.environ.get(_REQUEST_TOLERANT):
        return response
    key = _token_key()
    if key is None and request.blueprint != "ui":
        return response  # OpenRosa (Collect reads no lag-tolerant page), static files
    mark = write_mark()
    if key is None:
        cookie[COOKIE_KEY] = mark
        return response
    with _marks_lock:
        _token_marks[key] = mark
        _token_marks.move_to_end(key)
        while len(_token_marks) > TOKEN_MARKS:
            _token_marks.popitem(last=False)
    return response


def replica_lag_seconds(app: Flask | None = None) -> float | None:
    """The standby's lag in seconds (0 when it has replayed all it received), None when it
    cannot be reached or no replica is configured; sets the lag gauge when one is. For
    /metrics, at scrape time."""
    app = app or current_app
    standby = app.extensions.get(EXTENSION)
    return None if standby is None else standby.status().lag
