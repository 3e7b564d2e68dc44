"""Debian's PgBouncer in front of a test cluster, in transaction mode, on a loopback port.

Every transaction of a client may run on another server connection (``pool_size`` of them at
most per database), which is what breaks session state and server-side prepared statements.
PgBouncer refuses to run as root, so as root it runs as ``postgres``; it is stopped by its own
process id, and every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.pg import Cluster

WAIT_SECONDS = 20


class PgBouncerMissing(RuntimeError):
    """No pgbouncer binary on this machine."""


def find_pgbouncer() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer"
                                          if Path("/usr/sbin/pgbouncer").exists() else None)
    if found is None:
        raise PgBouncerMissing("pgbouncer not found; install Debian's 'pgbouncer' package")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PgBouncer:
    def __init__(self, cluster: Cluster, *, pool_size: int = 2) -> None:
        self.binary = find_pgbouncer()
        self.cluster = cluster
        self.pool_size = pool_size
        self.root = Path(tempfile.mkdtemp(prefix="sangloc-pgbouncer-"))
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def _write_config(self) -> Path:
        (self.root / "users.txt").write_text(f'"{self.cluster.user}" ""\n')
        ini = self.root / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"* = host={self.cluster.root} port=5432\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.root / 'users.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {self.pool_size}\n"
            "min_pool_size = 0\nreserve_pool_size = 0\nmax_client_conn = 200\n"
            f"logfile = {self.root / 'log'}\n")
        return ini

    def start(self) -> PgBouncer:
        ini = self._write_config()
        as_root = os.geteuid() == 0
        if as_root:
            shutil.chown(self.root, "postgres", "postgres")
            for path in self.root.iterdir():
                shutil.chown(path, "postgres", "postgres")
        self.process = subprocess.Popen(
            [self.binary, str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            **({"user": "postgres", "group": "postgres"} if as_root else {}))
        self._wait_listening()
        return self

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        log = self.root / "log"
        said = log.read_text()[-2000:] if log.exists() else "no log"
        self.stop()
        raise RuntimeError(f"pgbouncer did not start: {said}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.cluster.user}@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(timeout=WAIT_SECONDS)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=WAIT_SECONDS)
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
