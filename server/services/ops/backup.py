"""Backups of the database and of the blobs it references, and restoring one.

A backup in ``<instance>/backups`` is the database (SQLite: the online backup API, a consistent
copy while the server writes, ``sangloc-YYYYmmddTHHMMSSZ.sqlite3``; PostgreSQL: ``pg_dump -Fc``,
``...Z.dump``), its manifest ``<that file>.blobs`` (the SHA-256 of each blob that copy references,
one a line, read from the copy itself, never from the live database), and those blobs, copied
once into a pool shared by all backups: ``backups/blobs/ab/cd/<sha256>``, or, when the blob store
is an object store, ``<prefix>backups/ab/cd/<sha256>`` in its bucket (a backup moves no blob out
of the bucket, and the bucket's versioning and replication cover both). The ``keep`` newest of a
kind are kept, then pool blobs no kept manifest lists are deleted, under ``backups/.lock`` (so
backups into one bucket are made from one machine: the scheduler's).

Restoring replaces the data in the database named by the URL (stop the web server and the
scheduler first; ``sangloc db upgrade`` after an older backup). Every blob the backup references
must be in the blob store already, in the store's pool (the bucket's), or in a ``blobs`` folder
beside the backup file (bring it to a new machine; also how a deployment moves from files to an
object store): they are copied into the store, bytes checked, before the database is touched,
else restore refuses and names them. PostgreSQL restores with ``pg_restore --clean --if-exists
--no-owner`` in a single transaction. The restored database's references are then checked
against the store once more.

Backups hold personal data: files are readable by their owner only (folders 0700). The database
password goes to ``pg_dump``/``pg_restore`` through ``PGPASSWORD``, never on a command line, and
is never printed; messages name blobs by hash only. This module reads no configuration.
"""

from __future__ import annotations

import fcntl
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from server import problems
from server.models.types import utcnow
from server.storage import BlobStore, FilesystemBlobStore, copy_blobs, is_address

BACKUP_FOLDER = "backups"
POOL_FOLDER = "blobs"  # inside BACKUP_FOLDER
MANIFEST_SUFFIX = ".blobs"
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".dump"}
_BACKUP_NAME = re.compile(r"^sangloc-\d{8}T\d{6}Z(\.sqlite3|\.dump)$")
_PG_BINDIRS = "/usr/lib/postgresql/*/bin"
# The tables whose blob_sha256 column names a blob, and the query that reads them all.
_REFERENCING = ("submission_attachments", "form_attachments")
_REFERENCES_SQL = ("SELECT blob_sha256 FROM submission_attachments WHERE blob_sha256 IS NOT NULL"
                   " UNION SELECT blob_sha256 FROM form_attachments")


@dataclass(frozen=True)
class Backup:
    path: Path  # the database copy
    manifest: Path  # the blobs that copy references, one SHA-256 a line
    blobs: int  # how many


def backup_database(instance_dir: str | os.PathLike[str], database_url: str, *,
                    blobs: BlobStore, keep: int = 14, now: datetime | None = None,
                    pg_bindir: Path | None = None) -> Backup:
    """Back the database and its blobs up into ``<instance_dir>/backups``.

    Problem 500.3 (``problems.backup_incomplete``, after writing and keeping the backup) if a
    referenced blob is not in ``blobs``; its data names the file and the missing blobs.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    url = make_url(database_url)
    backend = _backend(url)
    folder = Path(instance_dir) / BACKUP_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = (now or utcnow()).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"sangloc-{stamp}{SUFFIXES[backend]}"
    with _locked(folder):
        references, missing = _write_backup(url, target, blobs, pg_bindir)
        _prune(folder, SUFFIXES[backend], keep, blobs)
    made = Backup(target, manifest_of(target), len(references))
    if missing:
        raise problems.backup_incomplete(made.path.name, missing)
    return made


def _write_backup(url: URL, target: Path, blobs: BlobStore,
                  bindir: Path | None) -> tuple[list[str], list[str]]:
    """Copy, its blobs into the pool, manifest, then the copy's name: pruning never sees a copy
    without the manifest that keeps its blobs. Returns the referenced and the missing blobs."""
    partial = target.with_name(f".{target.name}.partial")  # never matched by retention
    try:
        _create_private(partial)
        if url.get_backend_name() == "sqlite":
            _sqlite_copy(_sqlite_path(url), partial, standalone=True)
        else:
            _run_pg("pg_dump", url, bindir, "--format=custom", f"--file={partial}")
        references = _references_in_backup(partial, url, bindir)
        missing = copy_blobs(references, blobs, pool_of(target.parent, blobs))
        _write_manifest(manifest_of(target), references)
        os.replace(partial, target)  # a backup of the same second is replaced whole
    finally:
        partial.unlink(missing_ok=True)
    return references, missing


def restore_database(backup_path: str | os.PathLike[str], database_url: str, *,
                     blobs: BlobStore, pg_bindir: Path | None = None) -> int:
    """Replace the database's data with the backup's, its blobs into ``blobs`` from the pool
    beside it; return how many blobs the restored database references (all in ``blobs``)."""
    path = Path(backup_path)
    if not path.is_file():
        raise problems.backup_file_missing(str(path))
    url = make_url(database_url)
    backend = _backend(url)
    if path.suffix != SUFFIXES[backend]:
        raise problems.backup_wrong_kind(path.name, backend, SUFFIXES[backend])
    if backend == "sqlite":
        _check_sqlite_file(path)
    _restore_blobs(path, _references_in_backup(path, url, pg_bindir), blobs)
    if backend == "sqlite":
        _sqlite_copy(path, _sqlite_path(url), standalone=False)
    else:
        _run_pg("pg_restore", url, pg_bindir, "--clean", "--if-exists", "--no-owner",
                "--single-transaction", "--exit-on-error", str(path))
    references = _references_in_database(url)
    missing = [sha256 for sha256 in references if not blobs.exists(sha256)]
    if missing:
        raise problems.restored_blobs_missing(path.name, missing)
    return len(references)


def _restore_blobs(path: Path, references: list[str], blobs: BlobStore) -> None:
    """Copy into ``blobs`` what it lacks of ``references``, each from the first pool holding
    it, or refuse naming what is missing."""
    pools = _restore_pools(path.parent, blobs)
    where = ", ".join(pool.location for pool in pools)
    needed = [sha256 for sha256 in references if not blobs.exists(sha256)]
    holders = {sha256: next((p for p in pools if p.exists(sha256)), None) for sha256 in needed}
    missing = [sha256 for sha256, pool in holders.items() if pool is None]
    if missing:
        raise problems.backup_blobs_missing(path.name, missing, where)
    damaged = [sha256 for sha256, pool in holders.items() if copy_blobs([sha256], pool, blobs)]
    if damaged:
        raise problems.backup_blobs_damaged(damaged, where)


def _restore_pools(folder: Path, blobs: BlobStore) -> list[Any]:
    """The store's pool, and the ``blobs`` folder beside the backup when that is another."""
    own = pool_of(folder, blobs)
    beside = FilesystemBlobStore(folder / POOL_FOLDER)
    if isinstance(own, FilesystemBlobStore) or not beside.root.is_dir():
        return [own]
    return [own, beside]


def _prune(folder: Path, suffix: str, keep: int, blobs: BlobStore) -> None:
    """Delete all but the ``keep`` newest ``sangloc-*<suffix>`` backups (with their manifests),
    then the pool blobs no remaining backup references. The caller holds the lock."""
    backups = sorted(p for p in folder.iterdir()
                     if _BACKUP_NAME.match(p.name) and p.name.endswith(suffix))
    doomed = backups[:-keep] if keep > 0 else backups
    for old in doomed:
        old.unlink(missing_ok=True)
        manifest_of(old).unlink(missing_ok=True)
    _prune_pool(folder, blobs)


def _prune_pool(folder: Path, blobs: BlobStore) -> None:
    """Keep the pool blobs that a manifest of an existing backup (either kind) lists; delete
    manifests whose copy is gone. An unreadable manifest stops it: in doubt, delete nothing."""
    kept: set[str] = set()
    for manifest in sorted(folder.glob(f"sangloc-*{MANIFEST_SUFFIX}")):
        if not _BACKUP_NAME.match(manifest.stem):
            continue
        if (folder / manifest.stem).exists():
            kept.update(_read_manifest(manifest))
        else:
            manifest.unlink()
    pool_of(folder, blobs).keep_only(kept)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the backups folder (released when the file is closed)."""
    descriptor = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


# --- manifests and blob references ---------------------------------------------------------

def manifest_of(backup_path: Path) -> Path:
    return backup_path.with_name(backup_path.name + MANIFEST_SUFFIX)


def pool_of(folder: Path, blobs: BlobStore | None = None) -> Any:
    """The backups' blob pool: the bucket's when ``blobs`` is an object store (its
    ``backup_pool()``), else the ``blobs`` folder in the backups ``folder``."""
    in_store = getattr(blobs, "backup_pool", None)
    return in_store() if in_store is not None else FilesystemBlobStore(folder / POOL_FOLDER)


def _write_manifest(path: Path, references: Iterable[str]) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        _create_private(partial)
        partial.write_text("".join(f"{sha256}\n" for sha256 in references), encoding="ascii")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _read_manifest(path: Path) -> list[str]:
    return _checked(path.read_text(encoding="ascii", errors="replace").splitlines(), path.name)


def _references_in_backup(path: Path, url: URL, bindir: Path | None) -> list[str]:
    """The blobs a backup file references, sorted, read from the file itself."""
    if url.get_backend_name() != "sqlite":
        return _checked(_pg_references(path, bindir), path.name)
    try:
        with _read_only(path) as connection:
            return _checked([row[0] for row in connection.execute(_REFERENCES_SQL)], path.name)
    except sqlite3.DatabaseError as exc:
        raise problems.backup_unreadable(path.name, f"its blob references: {exc}") from None


def _references_in_database(url: URL) -> list[str]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return _checked(connection.execute(text(_REFERENCES_SQL)).scalars(), "the database")
    finally:
        engine.dispose()


def _checked(found: Iterable[str], where: str) -> list[str]:
    unique = sorted(set(found))
    if not all(map(is_address, unique)):
        raise problems.backup_unreadable(where, "a blob reference is not a SHA-256 hash")
    return unique


def _backend(url: URL) -> str:
    backend = url.get_backend_name()
    if backend not in SUFFIXES:
        raise problems.backup_backend_unsupported(backend)
    return backend


def _create_private(path: Path) -> None:
    """An empty file only the owner can read (an empty file is a valid empty SQLite db)."""
    path.unlink(missing_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# --- SQLite -------------------------------------------------------------------------------

def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise problems.sqlite_file_missing(url.database or "")
    return Path(url.database)


def _sqlite_copy(source_path: Path, target_path: Path, *, standalone: bool) -> None:
    """Copy with the online backup API; ``standalone`` leaves a single file (no WAL)."""
    if not source_path.is_file():
        raise problems.sqlite_file_missing(str(source_path))
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
        with _read_only(path) as connection:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise problems.backup_unreadable(path.name, f"not a SQLite database: {exc}") from None
    if result != "ok":
        raise problems.backup_unreadable(path.name, f"damaged: {result}")


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


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
    raise problems.pg_tool_missing(tool)


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
    _run_tool(tool, bindir, "--no-password", f"--dbname={pg_conninfo(url)}", *args, env=env)


def _run_tool(tool: str, bindir: Path | None, *args: str,
              env: dict[str, str] | None = None) -> bytes:
    """Run a PostgreSQL client tool; its standard output, or problem 500.5 with its reason."""
    command = [str(find_pg_tool(tool, bindir)), *args]
    result = subprocess.run(command, env=env, capture_output=True, check=False)  # noqa: S603
    if result.returncode != 0:
        stderr = result.stderr.decode("utf-8", errors="replace")
        lines = [line for line in stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else "no message"
        raise problems.pg_tool_failed(tool, result.returncode, reason)
    return result.stdout


def _pg_references(dump: Path, bindir: Path | None) -> list[str]:
    """``blob_sha256`` of the referencing tables, from the dump's own data.

    ``pg_restore --data-only --table=... --file=-`` connects to no database: it prints each
    table's ``COPY ... FROM stdin;``, one row a line, tab-separated, ``\\N`` for NULL, ``\\.`` at
    the end (COPY's text format escapes tabs and newlines in values: a split on them is exact).
    """
    tables = [f"--table={table}" for table in _REFERENCING]
    script = _run_tool("pg_restore", bindir, "--data-only", *tables, "--file=-", str(dump))
    found: list[str] = []
    column: int | None = None
    for line in script.decode("utf-8", errors="replace").split("\n"):
        if column is None:
            if line.startswith("COPY ") and line.endswith(" FROM stdin;"):
                names = line[line.index("(") + 1:line.rindex(")")].split(", ")
                if "blob_sha256" not in names:
                    raise problems.backup_unreadable(dump.name, "a table without blob_sha256")
                column = names.index("blob_sha256")
        elif line == "\\.":
            column = None
        elif (value := line.split("\t")[column]) != "\\N":
            found.append(value)
    return found


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
