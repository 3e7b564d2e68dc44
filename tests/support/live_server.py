"""A real ``sangloc serve`` (gunicorn) for tests that need real sockets and processes.

The server runs on a copy of the session's migrated SQLite template in its own instance folder,
with only the ``SANGLOC_*`` settings the test gives (nothing inherited from the caller's
environment). ``sangloc(...)`` runs the command line against the same database, as an operator
would. Every wait is bounded; ``stop()`` ends the server it started, by its process id.
``sangloc serve`` starts in a session of its own, so a test can send it Ctrl-C as a terminal
would (to its whole process group) without reaching pytest; ``processes_using()`` finds every
process still working on an instance folder, so a test can check that none was left behind.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = field(default=None)

    def sangloc(self, *args: str, timeout: float = 120, input: str | None = None) -> str:
        """Run ``sangloc ARGS`` against this server's database (``input`` on its standard
        input, e.g. a password); its standard output."""
        done = subprocess.run([str(BIN / "sangloc"), *args], env=self.env, cwd=ROOT,
                              input=input, capture_output=True, text=True, timeout=timeout,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def sangloc_in_background(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / "sangloc"), *args], env=self.env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self, *serve_args: str) -> LiveServer:
        """``sangloc serve SERVE_ARGS``, returned once it accepts connections."""
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([str(BIN / "sangloc"), "serve", *serve_args],
                                            env=self.env, cwd=ROOT, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sangloc serve exited:\n{self.log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("sangloc serve did not start listening within 60 s")

    def stop(self) -> None:
        """SIGTERM, as a service manager would; then, whatever happened, nothing is left."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        for pid in processes_using(Path(self.env["SANGLOC_INSTANCE_DIR"])):
            os.kill(pid, signal.SIGKILL)  # left by a failed test (test_serve asserts none is)


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> object:
    """``condition()`` once it is truthy, polled every 0.1 s; fails after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds} s")


def processes_using(instance: Path) -> list[int]:
    """Process ids (other than this one) whose environment names ``instance`` as theirs."""
    wanted = f"SANGLOC_INSTANCE_DIR={instance}".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            if wanted in (proc / "environ").read_bytes().split(b"\0") and \
                    (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours
            continue
    return found


def live_server(template: Path, instance: Path, **settings: str) -> LiveServer:
    """A server (not started) on a copy of ``template``; ``settings`` are SANGLOC_* names
    without the prefix."""
    instance.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, instance / "sangloc.db")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update({"SANGLOC_INSTANCE_DIR": str(instance),
                "SANGLOC_DATABASE_URL": f"sqlite:///{instance / 'sangloc.db'}",
                "SANGLOC_PORT": str(port), "SANGLOC_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "SANGLOC_LOG_LEVEL": "WARNING"})
    env.update({f"SANGLOC_{name}": value for name, value in settings.items()})
    return LiveServer(port, env, instance / "server.log")


def request(port: int, method: str, path: str, body: bytes = b"",
            headers: dict[str, str] | None = None) -> int:
    """One HTTP request to a live server on loopback; its status."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def submit(port: int, device: str, xml: bytes) -> int:
    """Send a filled form as Collect does, to a device's path (``/key/<token>``); the status."""
    from tests.support.collect import headers, multipart

    body, content_type = multipart(xml)
    return request(port, "POST", f"{device}/submission?deviceID=collect:x", body,
                   {**headers(), "Content-Type": content_type})
