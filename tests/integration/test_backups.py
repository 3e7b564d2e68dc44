"""Backups and restore: the round trip, retention, refusals, the CLI and the backup job.

Every test runs on SQLite and on PostgreSQL. A PostgreSQL restore replaces a whole database, so
those tests use a database of their own (``createdb``) and never clobber the shared one. The
blobs a backup holds are tested in ``test_backup_blobs.py``.
"""

from __future__ import annotations

import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.engine import make_url

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.jobs.runner import run_job
from server.models import JobRun
from server.services.ops import backup
from tests.support.problems import raises_problem

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def own_app(request, backend, tmp_path):
    """The app on a database of its own (PostgreSQL: a new database, since restore replaces)."""
    if backend == "sqlite":
        yield request.getfixturevalue("app")
        return
    from flask_migrate import upgrade

    cluster = request.getfixturevalue("pg_cluster")
    database = f"jobs_{uuid.uuid4().hex[:8]}"
    subprocess.run([str(cluster.bindir / "createdb"), "-h", str(cluster.root), "-U",
                    cluster.user, database], check=True)
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": cluster.url(database),
                      "TESTING": True})
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()
    subprocess.run([str(cluster.bindir / "dropdb"), "-h", str(cluster.root), "-U",
                    cluster.user, database], check=False, capture_output=True)


def _add_runs(*names: str) -> None:
    with transaction():
        db.session.add_all(JobRun(name=n, status="ok", detail={"n": 1}) for n in names)


def _names() -> list[str]:
    db.session.rollback()  # a new snapshot (SQLite keeps a read transaction's)
    return sorted(db.session.scalars(select(JobRun.name)))


def _forget_connections() -> None:
    db.session.remove()
    db.engine.dispose()


def test_backup_and_restore_round_trip(own_app):
    config = own_app.config
    _add_runs("before-1", "before-2")
    path = backup.backup_database(config["SANGLOC_INSTANCE_DIR"],
                                  config["SQLALCHEMY_DATABASE_URI"],
                                  blobs=own_app.extensions["sangloc_blobs"]).path
    assert path.parent == Path(config["SANGLOC_INSTANCE_DIR"]) / "backups"
    assert path.suffix == (".sqlite3" if path.name.endswith(".sqlite3") else ".dump")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with transaction():
        db.session.execute(delete(JobRun).where(JobRun.name == "before-1"))
    _add_runs("after")
    assert _names() == ["after", "before-2"]
    _forget_connections()
    assert backup.restore_database(path, config["SQLALCHEMY_DATABASE_URI"],
                                   blobs=own_app.extensions["sangloc_blobs"]) == 0
    assert _names() == ["before-1", "before-2"]
    revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision is not None


def test_retention_keeps_the_newest_backups_of_that_kind(own_app, tmp_path):
    config = own_app.config
    folder = Path(config["SANGLOC_INSTANCE_DIR"]) / "backups"
    folder.mkdir(exist_ok=True)
    mine = "sqlite3" if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else "dump"
    other = "dump" if mine == "sqlite3" else "sqlite3"
    untouched = [folder / f"sangloc-20250101T000000Z.{other}", folder / "notes.txt",
                 folder / f"copy-of-sangloc-20250101T000000Z.{mine}"]
    for path in untouched:
        path.write_text("kept")
    made = [backup.backup_database(config["SANGLOC_INSTANCE_DIR"],
                                   config["SQLALCHEMY_DATABASE_URI"], keep=3,
                                   blobs=own_app.extensions["sangloc_blobs"],
                                   now=T0 + timedelta(hours=i)).path for i in range(5)]
    assert sorted(p.name for p in folder.glob(f"sangloc-*.{mine}")) == [p.name for p in made[2:]]
    assert sorted(p.name for p in folder.glob("sangloc-*.blobs")) == \
        [f"{p.name}.blobs" for p in made[2:]]
    assert all(path.exists() for path in untouched)
    assert not list(folder.glob(".*partial"))


def test_restore_refuses_a_backup_of_the_other_kind(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    wrong = tmp_path / ("x.dump" if url.startswith("sqlite") else "x.sqlite3")
    wrong.write_bytes(b"not a backup")
    with raises_problem("422.7"):  # not a backup of this kind of database
        backup.restore_database(wrong, url, blobs=app.extensions["sangloc_blobs"])


def test_pg_connection_string_never_carries_the_password():
    url = make_url("postgresql+psycopg://sangloc:s3cr%40t@/sangloc?host=/run/postgresql")
    conninfo = backup.pg_conninfo(url)
    assert "s3cr" not in conninfo
    assert "host=/run/postgresql" in conninfo and "dbname=sangloc" in conninfo
    remote = backup.pg_conninfo(make_url("postgresql://u:p@db.example:5433/x?sslmode=require"))
    assert {"host=db.example", "port=5433", "user=u", "sslmode=require"} <= set(remote.split())



def test_pg_tools_are_found_in_a_given_folder_on_path_or_in_debians_folders(pg_cluster):
    bindir = pg_cluster.bindir
    assert backup.find_pg_tool("pg_dump", bindir) == bindir / "pg_dump"
    assert backup.find_pg_tool("pg_restore").name == "pg_restore"
    with raises_problem("503.3") as raised:
        backup.find_pg_tool("pg_nothing")
    assert raised.value.params["tool"] == "pg_nothing"


# --- the CLI and the job ---

def test_cli_backup_then_restore(own_app):
    runner = own_app.test_cli_runner()
    _add_runs("kept")
    made = runner.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    path = Path(made.output.strip())
    assert path.is_file()
    _add_runs("lost")
    refused = runner.invoke(args=["restore", str(path)], input="n\n")
    assert refused.exit_code == 1 and _names() == ["kept", "lost"]
    restored = runner.invoke(args=["restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _names() == ["kept"]


def test_the_backup_job_writes_a_backup(app):
    run = run_job(app, "backup_database")
    assert run.status == "ok", run.detail
    path = Path(app.config["SANGLOC_INSTANCE_DIR"]) / "backups" / run.detail["file"]
    assert path.stat().st_size == run.detail["bytes"] > 0


