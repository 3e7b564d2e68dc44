"""Backups of the database, and restoring one (for operators and the round-trip test).

SQLite is copied with SQLite's online backup API (a consistent copy while the server writes) to
``<instance>/backups/sangloc-YYYYmmddTHHMMSSZ.sqlite3``; PostgreSQL is dumped with
``pg_dump -Fc`` to ``...Z.dump``. Only the ``keep`` newest backups of that kind are kept.

Restoring replaces the data in the database named by the URL: stop the web server and the
scheduler first, then ``sangloc restore PATH --yes`` (and ``sangloc db upgrade`` if the backup
is from an older version). A PostgreSQL restore runs ``pg_restore --clean --if-exists
--no-owner`` in a single transaction: it either completes or changes nothing.

Backups hold personal data: files are created readable by their owner only. The database
password goes to ``pg_dump``/``pg_restore`` through ``PGPASSWORD``, never on a command line,
and is never printed. Parameters are explicit: this module reads no configuration.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from server.models.types import utcnow

BACKUP_FOLDER = "backups"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
_BACKUP_NAME = re.compile(r"^sangloc-\d{8}T\d{6}Z(\.sqlite3|\.dump)$")
_PG_BINDIRS = "/usr/lib/postgresql/*/bin"


class BackupError(RuntimeError):
    """A backup or restore that could not be done (the message is safe to print)."""


def backup_database(instance_dir: str | os.PathLike[str], database_url: str, *, keep: int = 14,
                    now: datetime | None = None, pg_bindir: Path | None = None) -> Path:
    """Back the database up into ``<instance_dir>/backups``; return the new file."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    url = make_url(database_url)
    backend = _backend(url)
    folder = Path(instance_dir) / BACKUP_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or utcnow()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"sangloc-{stamp}{SUFFIXES[backend]}"
    partial = folder / f".{target.name}.partial"  # never matched by the retention pattern
    try:
        _create_private(partial)
        if backend == "sqlite":
            _sqlite_copy(_sqlite_path(url), partial, standalone=True)
        else:
            _run_pg("pg_dump", url, pg_bindir, "--format=custom", f"--file={partial}")
        os.replace(partial, target)  # a backup of the same second is replaced whole
    finally:
        partial.unlink(missing_ok=True)
    prune_backups(folder, SUFFIXES[backend], keep)
    return target


def restore_database(backup_path: str | os.PathLike[str], database_url: str, *,
                     pg_bindir: Path | None = None) -> None:
    """Replace the data in the database at ``database_url`` with the backup's."""
    path = Path(backup_path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    url = make_url(database_url)
    backend = _backend(url)
    if path.suffix != SUFFIXES[backend]:
        raise BackupError(f"{path.name} is not a {backend} backup "
                          f"(expected a {SUFFIXES[backend]} file)")
    if backend == "sqlite":
        _check_sqlite_file(path)
        _sqlite_copy(path, _sqlite_path(url), standalone=False)
    else:
        _run_pg("pg_restore", url, pg_bindir, "--clean", "--if-exists", "--no-owner",
                "--single-transaction", "--exit-on-error", str(path))


def prune_backups(folder: Path, suffix: str, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest ``sangloc-*<suffix>`` backups; return the deleted."""
    backups = sorted(p for p in folder.iterdir()
                     if _BACKUP_NAME.match(p.name) and p.name.endswith(suffix))
    doomed = backups[:-keep] if keep > 0 else backups
    for old in doomed:
        old.unlink(missing_ok=True)
    return doomed


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"cannot back up a {backend} database (SQLite or PostgreSQL only)")
    return backend


def _create_private(path: Path) -> None:
    """An empty file only the owner can read (an empty file is a valid empty SQLite db)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# --- SQLite -------------------------------------------------------------------------------

def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("only a SQLite database file can be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source_path: Path, target_path: Path, *, standalone: bool) -> None:
    """Copy with the online backup API; ``standalone`` leaves a single file (no WAL)."""
    if not source_path.is_file():
        raise BackupError(f"no SQLite database at {source_path}")
    source = sqlite3.connect(source_path, timeout=30)
    try:
        target = sqlite3.connect(target_path, timeout=30)
        try:
            source.backup(target)
            if standalone:
                target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def _check_sqlite_file(path: Path) -> None:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database: {exc}") from None
    if result != "ok":
        raise BackupError(f"{path.name} is damaged: {result}")


# --- PostgreSQL ---------------------------------------------------------------------------

def find_pg_tool(tool: str, bindir: Path | None = None) -> Path:
    """``bindir/tool``, else ``tool`` on PATH, else the newest ``/usr/lib/postgresql/*/bin``."""
    candidates = [Path(bindir) / tool] if bindir else []
    on_path = shutil.which(tool)
    if on_path:
        candidates.append(Path(on_path))
    debian = sorted(glob.glob(_PG_BINDIRS), key=_major_version, reverse=True)
    candidates += [Path(folder) / tool for folder in debian]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise BackupError(f"{tool} not found: install the PostgreSQL client tools "
                      "(Debian: postgresql-client) or put them on PATH")


def _major_version(folder: str) -> float:
    version = Path(folder).parent.name
    try:
        return float(version)
    except ValueError:
        return 0.0


def _run_pg(tool: str, url: URL, bindir: Path | None, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    password = url.password if url.password is not None else url.query.get("password")
    if password is not None:
        env["PGPASSWORD"] = str(password)
    command = [str(find_pg_tool(tool, bindir)), "--no-password", f"--dbname={pg_conninfo(url)}",
               *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                            check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else "no message"
        raise BackupError(f"{tool} failed (exit {result.returncode}): {reason}")


def pg_conninfo(url: URL) -> str:
    """A libpq connection string for the URL, without the password.

    Query parameters are libpq's (``?host=/run/postgresql`` for a Unix socket, ``sslmode``...);
    a host in the URL itself wins over a ``host=`` parameter, as with psycopg.
    """
    from psycopg.conninfo import make_conninfo

    params = {key: (value[-1] if isinstance(value, tuple) else value)
              for key, value in url.query.items() if key != "password"}
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database}
    params.update({key: str(value) for key, value in fields.items() if value is not None})
    return make_conninfo(**params)
