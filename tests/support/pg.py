"""Throw-away PostgreSQL clusters for the tests, from Debian's ``postgresql`` binaries.

A cluster lives in a temporary folder, listens only on a Unix socket in that folder, and is
stopped and removed at the end of the session. PostgreSQL refuses to run as root, so as root the
server runs as the ``postgres`` system user (created by the Debian package). ``Standby`` is a
streaming standby of a cluster (``pg_basebackup -R`` as a replication user, its own folder and
socket); ``PgBouncer`` (``tests/support/pgbouncer.py``) puts Debian's pgbouncer in front of one.
Every wait is bounded.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

REPLICATION_USER = "replicator"
WAIT_SECONDS = 60


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
        self.start_server()
        return self

    def start_server(self) -> None:
        """Start the server on the cluster's folder (again, after ``stop_server``)."""
        options = f"-c listen_addresses='' -k {self.root} -c max_connections=200"
        if not self.durable:  # tests only: data that is thrown away need not survive a crash
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-w",
                  "-t", str(WAIT_SECONDS), "-l", str(self.root / "log"), "start")

    def stop_server(self) -> None:
        """Stop the server, keeping its data (``start_server`` starts it again)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w",
                  "-t", str(WAIT_SECONDS), "stop")

    def query(self, sql: str, database: str = "postgres") -> list[tuple]:
        """Run ``sql`` as the superuser (autocommit); its rows, if it returns any."""
        with psycopg.connect(host=str(self.root), user=self.user, dbname=database,
                             autocommit=True, connect_timeout=10) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    def scalar(self, sql: str, database: str = "postgres"):
        return self.query(sql, database)[0][0]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.root}"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                      "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class Standby(Cluster):
    """A hot standby streaming from ``primary``: a base backup taken by a replication user
    (``pg_basebackup -R`` writes its ``primary_conninfo`` and ``standby.signal``)."""

    def __init__(self, primary: Cluster) -> None:
        super().__init__()
        self.primary = primary
        self.user = primary.user

    def start(self) -> Standby:
        self.primary.query(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                           f"'{REPLICATION_USER}') THEN CREATE ROLE {REPLICATION_USER} "
                           "REPLICATION LOGIN; END IF; END $$")
        self._run(str(self.bindir / "pg_basebackup"), "-D", str(self.data), "-h",
                  str(self.primary.root), "-U", REPLICATION_USER, "-R", "-X", "stream",
                  "-c", "fast", "--no-sync")
        self.start_server()
        return self

    def replayed_past(self, lsn: str) -> bool:
        return bool(self.scalar(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"))

    def wait_replayed(self) -> None:
        """Wait until everything the primary has written so far is replayed here."""
        target = self.primary.scalar("SELECT pg_current_wal_insert_lsn()::text")
        deadline = time.monotonic() + WAIT_SECONDS
        while not self.replayed_past(target):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the standby did not replay up to {target}")
            time.sleep(0.05)

    def pause_replay(self) -> None:
        self.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.query("SELECT pg_wal_replay_resume()")
