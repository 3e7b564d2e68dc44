"""``sangloc serve`` (and so ``make run``): the web server and one scheduler, together.

Issue 9, rough edges 1 and 2:
- ``sangloc serve`` starts gunicorn and one ``sangloc scheduler`` and stops both on Ctrl-C (SIGINT
  to the terminal's process group) and on SIGTERM (a service manager), leaving no process
  behind; if either stops on its own, the other is stopped and ``serve`` fails;
  ``--no-scheduler`` starts the web server alone (for a scheduler run elsewhere);
- the public URL the server started with is kept in the instance folder, so ``sangloc
  app-users create`` run from another shell, without the server's settings, prints a Collect
  URL that reaches this server; ``SANGLOC_PUBLIC_URL`` set in the CLI's own shell still wins.

Real processes on SQLite: what is tested is process supervision, not the database.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.collect import headers as collect_headers
from tests.support.live_server import (
    BIN,
    ROOT,
    LiveServer,
    live_server,
    processes_using,
    wait_until,
)

pytestmark = pytest.mark.slow
STOP_SECONDS = 45  # gunicorn's graceful timeout (20 s) and the scheduler's stop, with margin


@pytest.fixture
def make_server(sqlite_template, tmp_path):
    made: list[LiveServer] = []

    def make(**settings: str) -> LiveServer:
        made.append(live_server(sqlite_template, tmp_path / f"server{len(made)}", **settings))
        return made[-1]

    yield make
    for server in made:
        server.stop()


def _instance(server: LiveServer) -> Path:
    return Path(server.env["SANGLOC_INSTANCE_DIR"])


def _children(pid: int) -> dict[int, str]:
    """The direct children of ``pid``: their command lines, by process id."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and \
                    int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(proc.name)] = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
    return {child: cmdline.decode(errors="replace") for child, cmdline in found.items()}


def _lease_holder(server: LiveServer) -> int | None:
    """The process id in the scheduler lease's holder (``host:pid:uuid``), None when free."""
    line = next(line for line in server.sangloc("jobs", "list").splitlines()
                if line.startswith("scheduler lease: "))
    if line == "scheduler lease: free":
        return None
    return int(line.removeprefix("scheduler lease: ").split(" until ")[0].split(":")[1])


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/api/v1/openapi.json")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _stopped(server: LiveServer) -> int:
    """``serve``'s exit code, after checking it left no process behind."""
    returncode = server.process.wait(timeout=STOP_SECONDS)
    assert processes_using(_instance(server)) == []
    assert not _answers(server.port)
    return returncode


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_serve_runs_the_web_server_and_one_scheduler_and_stops_both(make_server, stop):
    server = make_server().start()
    assert _answers(server.port)
    children = _children(server.process.pid)
    assert sorted("gunicorn" in c for c in children.values()) == [False, True], children
    assert any(c.rstrip().endswith(" scheduler") for c in children.values()), children
    holder = wait_until(lambda: _lease_holder(server), 30, "the scheduler takes its lease")
    assert holder in children
    if stop == "ctrl-c":
        os.killpg(server.process.pid, signal.SIGINT)  # what a terminal does: the whole group
    else:
        server.process.send_signal(signal.SIGTERM)
    assert _stopped(server) == 0
    assert _lease_holder(server) is None  # the scheduler stopped cleanly: it let its lease go


def test_when_the_scheduler_dies_serve_stops_the_web_server_and_fails(make_server):
    server = make_server().start()
    holder = wait_until(lambda: _lease_holder(server), 30, "the scheduler takes its lease")
    os.kill(holder, signal.SIGKILL)
    assert _stopped(server) != 0
    assert "scheduler" in server.log.read_text()


def test_when_the_web_server_cannot_start_serve_stops_the_scheduler_and_fails(make_server):
    server = make_server()
    with socket.socket() as taken, server.log.open("wb") as log:
        taken.bind(("127.0.0.1", server.port))
        taken.listen()
        server.process = subprocess.Popen([str(BIN / "sangloc"), "serve"], env=server.env,
                                          cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        returncode = server.process.wait(timeout=60)  # gunicorn tries the port for 5 s
    assert returncode != 0
    assert processes_using(_instance(server)) == []


def test_no_scheduler_serves_alone(make_server):
    server = make_server().start("--no-scheduler")
    assert _answers(server.port)
    children = _children(server.process.pid)
    assert len(children) == 1 and "gunicorn" in next(iter(children.values())), children
    server.process.send_signal(signal.SIGTERM)
    assert _stopped(server) == 0


def _create_device(env: dict[str, str], name: str) -> str:
    done = subprocess.run([str(BIN / "sangloc"), "app-users", "create", name, "--commune",
                           "00004", "--json"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["server_url"]


def test_the_cli_gives_the_public_url_the_server_started_with(make_server):
    server = make_server()
    del server.env["SANGLOC_PUBLIC_URL"]  # the server is told only its port
    server.start("--no-scheduler")
    origin = f"http://127.0.0.1:{server.port}"
    assert (_instance(server) / "public_url").read_text().strip() == origin
    another_shell = {k: v for k, v in server.env.items() if k != "SANGLOC_PORT"}
    url = _create_device(another_shell, "ctv-1")
    assert url.startswith(f"{origin}/key/")
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request("GET", url.removeprefix(origin) + "/formList",
                           headers=collect_headers())
        assert connection.getresponse().status == 200  # the URL reaches this server
    finally:
        connection.close()
    behind_a_proxy = {**another_shell, "SANGLOC_PUBLIC_URL": "https://sangloc.example.vn"}
    assert _create_device(behind_a_proxy, "ctv-2").startswith("https://sangloc.example.vn/key/")
