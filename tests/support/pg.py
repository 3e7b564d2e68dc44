"""A throw-away PostgreSQL cluster for the tests, from Debian's ``postgresql`` binaries.

The cluster lives in a temporary folder, listens only on a Unix socket in that folder, and is
stopped and removed at the end of the session. PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` system user (created by the Debian package).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


class PostgresMissing(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bindir() -> Path:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    raise PostgresMissing("PostgreSQL server binaries (initdb, pg_ctl) not found; "
                          "install Debian's 'postgresql' package")


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


class Cluster:
    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable  # benchmarks keep PostgreSQL's default durability settings
        self.bindir = find_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="sangloc-pg-"))
        self.data = self.root / "data"
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.user = "sangloc"

    def _run(self, *args: str) -> None:
        subprocess.run(_as_server_user(list(args)), check=True, capture_output=True,
                       cwd=self.root)

    def start(self) -> Cluster:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-A", "trust", "-U",
                  self.user, "-E", "UTF8", "--locale=C", *(() if self.durable else ("--no-sync",)))
        options = f"-c listen_addresses='' -k {self.root} -c max_connections=200"
        if not self.durable:  # tests only: data that is thrown away need not survive a crash
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                  "-l", str(self.root / "log"), "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.root}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
