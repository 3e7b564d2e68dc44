"""server/gunicorn_worker.py: the read deadline, on a socket pair (the whole worker runs in
tests/integration/test_live_server.py)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from server.gunicorn_worker import DeadlineReader, ReadTimedOut
from server.problems import Problem

TIMEOUT = 0.3


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    yield server, client
    server.close()
    client.close()


class Request:
    closed = False

    def force_close(self) -> None:
        self.closed = True


def test_silence_is_cut_off_and_the_socket_stays_blocking_for_the_answer(pair):
    server, client = pair
    reader = DeadlineReader(server, TIMEOUT)
    client.sendall(b"POST /")
    assert reader.chunk() == b"POST /"
    assert server.gettimeout() is None  # writing the answer is not bounded by the read timeout
    with pytest.raises(ReadTimedOut):
        reader.chunk()
    assert server.recv(10) == b""  # read side shut: gunicorn's close will not wait on it
    assert isinstance(ReadTimedOut(), TimeoutError)  # what gunicorn's body drain expects


def test_while_the_application_reads_a_timeout_is_408_and_closes_the_connection(pair):
    server, _ = pair
    reader = DeadlineReader(server, TIMEOUT)
    reader.request = Request()
    with pytest.raises(Problem) as raised:
        reader.chunk()
    assert raised.value.code == "408.1" and raised.value.status == 408
    assert reader.request.closed


def test_a_client_trickling_below_the_minimum_rate_is_cut_off(pair):
    server, client = pair
    stop = threading.Event()

    def trickle() -> None:
        while not stop.is_set():
            try:
                client.sendall(b"x")
            except OSError:  # cut off
                return
            time.sleep(TIMEOUT / 3)  # never silent for a whole read timeout

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    reader = DeadlineReader(server, TIMEOUT)
    try:
        with pytest.raises(ReadTimedOut):
            for _ in range(100):  # ~10 s of trickling at most
                reader.chunk()
    finally:
        stop.set()
        sender.join(timeout=5)


def test_each_request_gets_a_fresh_budget(pair):
    server, client = pair
    reader = DeadlineReader(server, TIMEOUT)
    time.sleep(TIMEOUT * 1.5)  # the first request's budget is spent
    reader.begin()
    client.sendall(b"GET / HTTP/1.1\r\n")
    assert reader.chunk() == b"GET / HTTP/1.1\r\n"
