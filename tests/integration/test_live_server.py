"""``sangloc serve`` as deployed: a real gunicorn, real sockets, the real command line.

Issue 8, item 7:
- revoking an API token or deactivating a user from the command line takes effect on the next
  request, even on a keep-alive connection that was opened (and used) before;
- a handful of slow clients (a partial body then silence, a body trickled byte by byte,
  headers never finished) cannot starve the server: ordinary requests keep being answered, and
  the slow connections are cut off after ``SANGLOC_READ_TIMEOUT``, with a 408.1 in the route's
  own format where an answer is still possible, while a slow but steady upload is stored;
- neither can clients that connect and say nothing, or never close after their answer.

The servers run on SQLite: what is tested here is the HTTP server, not the database.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from tests.integration.conftest import anchor_instance
from tests.support.collect import headers as collect_headers
from tests.support.collect import multipart
from tests.support.live_server import LiveServer, live_server
from tests.support.paths import ANCHOR_FORM

pytestmark = pytest.mark.slow
CLIENT_TIMEOUT = 5  # seconds: a request not answered by then counts as starved


@pytest.fixture
def make_server(sqlite_template, tmp_path):
    started: list[LiveServer] = []

    def make(**settings: str) -> tuple[LiveServer, str, dict[str, str]]:
        server = live_server(sqlite_template, tmp_path / f"server{len(started)}", **settings)
        server.sangloc("forms", "publish", str(ANCHOR_FORM))
        created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                            "--json"))
        token = json.loads(server.sangloc("api-tokens", "create", "ctv", "--json"))["token"]
        started.append(server.start())
        return server, urlsplit(created["server_url"]).path, {"Authorization": f"Bearer {token}"}

    yield make
    for server in started:
        server.stop()


def _status(connection: http.client.HTTPConnection, method: str, path: str,
            headers: dict[str, str]) -> int:
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def _cut_off_on_the_same_connection(server: LiveServer, connection, request, command,
                                    refused: int) -> None:
    """``request()`` succeeds, ``sangloc COMMAND`` runs while the connection is kept busy, and
    the next request on that same connection is refused."""
    assert request() == 200
    local = connection.sock.getsockname()
    cli = server.sangloc_in_background(*command)
    deadline = time.monotonic() + 120
    while cli.poll() is None and time.monotonic() < deadline:
        assert request() in (200, refused)  # refused as soon as the command has committed
        time.sleep(0.2)
    _, errors = cli.communicate(timeout=30)
    assert cli.returncode == 0, errors
    assert request() == refused
    assert connection.sock.getsockname() == local, "the connection was not kept alive"


def test_revocation_and_deactivation_apply_on_an_open_keep_alive_connection(make_server):
    server, device, bearer = make_server()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        _cut_off_on_the_same_connection(
            server, connection, lambda: _status(connection, "GET", "/api/v1/persons", bearer),
            ("api-tokens", "revoke", "1"), 401)
        _cut_off_on_the_same_connection(
            server, connection,
            lambda: _status(connection, "GET", f"{device}/formList", collect_headers()),
            ("users", "deactivate", "ctv"), 403)
    finally:
        connection.close()


# --- slow clients -------------------------------------------------------------------------

def _open(server: LiveServer, head: bytes, body: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=CLIENT_TIMEOUT)
    sock.sendall(head + body)
    return sock


def _stalled_post(server: LiveServer, path: str, headers: dict[str, str],
                  body: bytes = b"x" * 1000) -> socket.socket:
    """Headers announcing 100 kB, then ``body`` and silence."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 100000",
             *(f"{name}: {value}" for name, value in headers.items())]
    return _open(server, ("\r\n".join(lines) + "\r\n\r\n").encode(), body)


def _read_until_closed(sock: socket.socket, within: float) -> bytes:
    """Everything the server sends until it closes the connection; fails if it does not close
    it ``within`` seconds."""
    sock.settimeout(within)
    received = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not data:
            return received
        received += data
    raise AssertionError("the server kept a slow connection open")


class Trickle(threading.Thread):
    """Sends one body byte every 0.2 s (never silent for a whole read timeout) until the
    server cuts the connection or ``seconds`` pass."""

    def __init__(self, sock: socket.socket, seconds: float):
        super().__init__(daemon=True)
        self.sock, self.seconds, self.cut_after = sock, seconds, None

    def run(self) -> None:
        started = time.monotonic()
        while time.monotonic() - started < self.seconds:
            try:
                self.sock.sendall(b"x")
            except OSError:
                self.cut_after = time.monotonic() - started
                return
            time.sleep(0.2)


def _ordinary_requests(server: LiveServer, device: str, seconds: float) -> list[object]:
    """HEAD /submission and GET formList on fresh connections for ``seconds``: each status,
    or the exception that ended it (a client time-out means the server was starved)."""
    outcomes: list[object] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for method, path in (("HEAD", f"{device}/submission"), ("GET", f"{device}/formList")):
            connection = http.client.HTTPConnection("127.0.0.1", server.port,
                                                    timeout=CLIENT_TIMEOUT)
            try:
                outcomes.append(_status(connection, method, path, collect_headers()))
            except OSError as exc:
                outcomes.append(f"{method}: {type(exc).__name__}")
            finally:
                connection.close()
    return outcomes


class SteadyUpload(threading.Thread):
    """A phone on a poor connection: a real submission sent at about 2.5 kB/s, so it takes
    longer than the read timeout in total but is never silent and never below ``MIN_RATE``."""

    def __init__(self, server: LiveServer, device: str):
        super().__init__(daemon=True)
        self.server, self.device, self.answer = server, device, b""

    def run(self) -> None:
        body, content_type = multipart(anchor_instance(), {"padding.bin": b"p" * 4000})
        lines = [f"POST {self.device}/submission HTTP/1.1", "Host: 127.0.0.1",
                 f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                 *(f"{name}: {value}" for name, value in collect_headers().items())]
        sock = _open(self.server, ("\r\n".join(lines) + "\r\n\r\n").encode())
        with sock:
            for start in range(0, len(body), 250):
                sock.sendall(body[start:start + 250])
                time.sleep(0.1)
            sock.settimeout(CLIENT_TIMEOUT)
            self.answer = sock.recv(65536)


def test_a_handful_of_slow_clients_cannot_starve_the_server(make_server):
    server, device, bearer = make_server(WORKERS="1", THREADS="3", READ_TIMEOUT="1")
    collect = {**collect_headers(), "Content-Type": "multipart/form-data; boundary=b"}
    stalled = [_stalled_post(server, f"{device}/submission", collect) for _ in range(3)]
    api = _stalled_post(server, "/api/v1/sync",
                        {**bearer, "Content-Type": "application/json"}, b'{"submissions": [')
    headers_only = _open(server, f"GET {device}/formList HTTP/1.1\r\nHost: x\r\n".encode())
    trickle = Trickle(_stalled_post(server, f"{device}/submission", collect, b""), 20)
    trickle.start()
    steady = SteadyUpload(server, device)
    steady.start()
    outcomes = _ordinary_requests(server, device, seconds=4)
    assert outcomes and set(outcomes) <= {200, 204}, outcomes
    steady.join(timeout=30)
    assert steady.answer.startswith(b"HTTP/1.1 201 "), steady.answer[:300]
    for sock in stalled:
        answer = _read_until_closed(sock, within=10)
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b"Connection: close\r\n" in answer
        assert b"text/xml; charset=utf-8" in answer and b"<OpenRosaResponse" in answer
        assert "Gửi dữ liệu quá chậm".encode() in answer
    answer = _read_until_closed(api, within=10)
    assert answer.startswith(b"HTTP/1.1 408 ") and b'"code":"408.1"' in answer.replace(b" ", b"")
    assert _read_until_closed(headers_only, within=10) == b""  # no request yet: nothing to answer
    trickle.join(timeout=25)
    assert trickle.cut_after is not None, "a client trickling its body was never cut off"
    for sock in [*stalled, api, headers_only, trickle.sock]:
        sock.close()


CLOSE_REQUEST = "GET {device}/formList HTTP/1.1\r\nHost: x\r\nX-OpenRosa-Version: 1.0\r\n" \
    "Connection: close\r\n\r\n"


@pytest.mark.parametrize(("first_bytes", "count"), [("", 16), (CLOSE_REQUEST, 8)],
                         ids=["connect and say nothing", "never close after the answer"])
def test_silent_clients_cannot_stall_the_server(make_server, first_bytes, count):
    """With gunicorn's gthread, a new connection holds a thread for 5 s waiting for its first
    byte (16 such connections stalled 8 threads for 10 s), and after a ``Connection: close``
    answer the main loop waits up to 2 s for the client to close (8 such clients stalled every
    request of the process for 16 s). Default thread count."""
    server, device, _ = make_server(WORKERS="1")
    silent = [_open(server, first_bytes.format(device=device).encode()) for _ in range(count)]
    time.sleep(0.2)
    outcomes = _ordinary_requests(server, device, seconds=3)
    for sock in silent:
        sock.close()
    assert outcomes and set(outcomes) <= {200, 204}, outcomes


def test_the_read_deadline_is_per_request_not_per_connection(make_server):
    """Requests on one keep-alive connection over several read timeouts are all served."""
    server, device, _ = make_server(WORKERS="1", READ_TIMEOUT="1")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=CLIENT_TIMEOUT)
    try:
        assert _status(connection, "GET", f"{device}/formList", collect_headers()) == 200
        local = connection.sock.getsockname()
        for _ in range(4):
            time.sleep(0.8)
            assert _status(connection, "GET", f"{device}/formList", collect_headers()) == 200
        assert connection.sock.getsockname() == local
    finally:
        connection.close()
