"""gunicorn's threaded worker, so that a few slow or silent clients cannot take every thread.

Why: gunicorn's ``gthread`` worker reads a request with a blocking ``recv()`` in one of its
threads, without any time limit once the first byte has arrived. A handful of phones that
stopped sending in the middle of an upload (or clients that trickle bytes on purpose) each held
a thread until they gave up, and ordinary requests queued behind them and timed out. Two more
waits of ``gthread`` are closed here as well (each found with a test, see below).

1. Reading a request (headers and body) is bounded twice, from the moment the request begins:
   a client may stay silent at most ``SANGLOC_READ_TIMEOUT`` seconds, and the whole request may
   take at most ``SANGLOC_READ_TIMEOUT`` seconds plus one second per ``MIN_RATE`` bytes
   received, so a client sending a byte now and then is cut off too, while a slow but steady
   phone (even GPRS, a few kB/s) never is. When a bound is reached the read side of the socket
   is shut and, while the application reads the body, problem 408.1 is raised inside
   it, so the route answers in its own format (OpenRosaResponse XML on ``/key/``, the JSON error
   on ``/api/``) with ``Connection: close``; while gunicorn reads the request line and headers,
   or drains a body the application did not read, the connection is closed without an answer
   (there is no route to answer in).
2. A new connection that has sent nothing yet goes straight back to the main loop, which waits
   for its first byte (and closes it after ``keepalive`` seconds) without holding a thread;
   ``gthread`` would hold one for up to 5 s.
3. Before a connection is closed, the wait for the client to close its side (RFC 9112 section
   9.6) happens in the request's thread (``linger``), not on the main loop, where ``gthread``
   does it and where one client that never closes stalls every connection of the process.

The time limit is the application's ``SANGLOC_READ_TIMEOUT`` (only ``server/config.py`` reads
the environment). TLS and HTTP/2 inside gunicorn are not used by sangloc (a reverse proxy
terminates TLS); if they are configured, connections are served as by plain ``gthread``.
This leans on how gunicorn 27's ``gthread`` works inside (``TConn.wait_for_data``, ``_DEFER``,
the parser created in the request's thread unless one is set); importing it with an older
gunicorn fails at start, loudly. Tests: ``tests/integration/test_live_server.py`` and
``tests/unit/server/test_gunicorn_worker.py``.
"""

from __future__ import annotations

import contextlib
import socket
import time

from gunicorn.http.errors import NoMoreData
from gunicorn.http.parser import RequestParser
from gunicorn.http.unreader import SocketUnreader
from gunicorn.workers.gthread import ThreadWorker

from server import problems

try:  # "wait for this connection's data on the main loop", and TConn.wait_for_data: gunicorn 27
    from gunicorn.workers.gthread import _DEFER as DEFER
except ImportError as missing:
    raise ImportError("sangloc's gunicorn worker needs gunicorn 27 or newer (its gthread worker "
                      "defers silent connections and creates parsers in the request's "
                      "thread)") from missing

MIN_RATE = 1024  # bytes per second: about 8 kbit/s, below the slowest mobile data (GPRS)
DEFAULT_READ_TIMEOUT = 30  # when the loaded application has no SANGLOC_READ_TIMEOUT
LINGER_SECONDS = 2  # as gunicorn's own graceful close


class ReadTimedOut(NoMoreData, TimeoutError):
    """gunicorn closes the connection quietly on either base class, wherever it is reading."""


class DeadlineReader(SocketUnreader):
    """Reads a connection's requests, each within the silence and total-time bounds."""

    def __init__(self, sock: socket.socket, read_timeout: float) -> None:
        super().__init__(sock)
        self.read_timeout = read_timeout
        self.request = None  # set while the application runs: a timeout is then a 408.1
        self.begin()

    def begin(self) -> None:
        """A new request starts: its clock and byte count start from zero."""
        self.started = time.monotonic()
        self.received = 0

    def chunk(self, size_hint: int | None = None) -> bytes:
        allowed = min(self.read_timeout, self.started + self.read_timeout
                      + self.received / MIN_RATE - time.monotonic())
        if allowed <= 0:
            self._give_up()
        previous = self.sock.gettimeout()  # gunicorn's own drain sets one; keep the shorter
        self.sock.settimeout(allowed if previous is None else min(allowed, previous))
        try:
            data = super().chunk(size_hint)
        except TimeoutError:
            self._give_up()
        finally:
            self.sock.settimeout(previous)
        self.received += len(data)
        return data

    def _give_up(self):
        with contextlib.suppress(OSError):  # already gone
            self.sock.shutdown(socket.SHUT_RD)
        if self.request is not None:
            self.request.force_close()  # answered with Connection: close, then closed
            raise problems.request_too_slow() from None
        raise ReadTimedOut() from None


class DeadlineParser(RequestParser):
    """gunicorn's HTTP/1.x parser reading through a ``DeadlineReader``."""

    def __init__(self, cfg, sock: socket.socket, client, read_timeout: float) -> None:
        super().__init__(cfg, sock, client)
        self.unreader = DeadlineReader(sock, read_timeout)

    def __next__(self):
        self.unreader.begin()
        return super().__next__()

    next = __next__


def linger(sock: socket.socket) -> None:
    """Before a connection is closed: send FIN, read what the client still sends (at most
    ``LINGER_SECONDS``, 64 KiB), then shut the read side.

    gunicorn does this lingering itself (so the answer is not cut by a reset, RFC 9112 section
    9.6), but on its main loop, where a client that neither sends nor closes stalls every other
    connection of the process for 2 s. Done here, in the request's own thread, gunicorn's
    closing then finds the read side shut and returns at once.
    """
    deadline, drained = time.monotonic() + LINGER_SECONDS, 0
    try:
        sock.shutdown(socket.SHUT_WR)
        while drained < 65536 and (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            data = sock.recv(4096)
            if not data:
                break
            drained += len(data)
    except OSError:
        pass  # timed out, reset or already closed: nothing more to wait for
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)


class DeadlineWorker(ThreadWorker):
    """``gthread`` with ``DeadlineParser`` on every plain HTTP/1.x connection."""

    read_timeout: float = DEFAULT_READ_TIMEOUT

    def load_wsgi(self) -> None:
        super().load_wsgi()
        config = getattr(self.wsgi, "config", None) or {}
        self.read_timeout = config.get("SANGLOC_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)

    def handle(self, conn):
        if not self._plain_http():
            return super().handle(conn)
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(0):
            # gunicorn would wait here, in this thread, up to 5 s for a new connection's first
            # byte; 16 connections that say nothing then stall 8 threads for 10 s. Handing the
            # connection back at once lets the main loop wait for it (and close it after
            # ``keepalive`` seconds) without holding a thread.
            return DEFER
        if conn.parser is None:
            # gunicorn creates the parser in conn.init() only when there is none yet; a parser
            # reads nothing when created, so it can be put in place before data arrives.
            conn.parser = DeadlineParser(self.cfg, conn.sock, conn.client, self.read_timeout)
        keep = super().handle(conn)
        if keep is False:
            linger(conn.sock)
        return keep

    def handle_request(self, req, conn):
        reader = getattr(conn.parser, "unreader", None)
        if not isinstance(reader, DeadlineReader):
            return super().handle_request(req, conn)
        reader.request = req
        try:
            return super().handle_request(req, conn)
        finally:
            reader.request = None

    def _plain_http(self) -> bool:
        return not self.cfg.is_ssl and getattr(self.cfg, "http2_cleartext", "off") == "off"
