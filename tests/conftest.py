"""Shared fixtures: the app on SQLite and on a throw-away PostgreSQL, clients, factories.

Every integration test that uses ``app`` runs twice, once per backend. Each backend gets a
template database per session (migrated and seeded with the area catalogue); each test then
starts from a copy (SQLite) or an emptied database (PostgreSQL, TRUNCATE). A test module can
run its tests through PgBouncer in transaction mode in front of the same PostgreSQL by
overriding ``backend`` with the param ``pgbouncer`` (tests/integration/test_pgbouncer.py).

``s3_server`` is a SeaweedFS S3 server for the session (tests/support/s3.py).

Strict mode (``SANGLOC_STRICT=1``, set by ``.ci/run``): a missing real dependency (PostgreSQL,
Java, SeaweedFS) fails the tests that need it instead of skipping them.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from server import create_app
from server.config import read_environment
from server.extensions import db
from tests.support.pg import Cluster, PostgresMissing
from tests.support.pgbouncer import PgBouncer, PgBouncerMissing
from tests.support.s3 import Seaweed, SeaweedMissing

STRICT = bool(read_environment()["STRICT"])
KEEP_TABLES = {"admin_units", "alembic_version"}


def _template_app(instance: Path, url: str):
    from flask_migrate import upgrade

    from server.boundary import transaction
    from server.services.access.areas import seed_admin_units

    app = create_app({"INSTANCE_DIR": str(instance), "DATABASE_URL": url, "STRICT": STRICT})
    with app.app_context():
        upgrade()
        with transaction():
            seed_admin_units()
        db.engine.dispose()
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sqlite-template")
    _template_app(root, f"sqlite:///{root / 'template.db'}")
    return root / "template.db"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        cluster = Cluster().start()
    except PostgresMissing as exc:
        missing(exc)
    _template_app(cluster.root / "template-instance", cluster.url())
    yield cluster
    cluster.stop()


def missing(exc: Exception):
    """Skip a test whose real dependency is missing; fail it in strict mode (CI)."""
    if STRICT:
        pytest.fail(f"strict mode: {exc}")
    pytest.skip(str(exc))


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Seaweed]:
    """SeaweedFS on loopback with one private bucket for the session (tests/support/s3.py);
    each test that writes to it uses a prefix of its own (``s3_settings``)."""
    try:
        server = Seaweed().start()
    except SeaweedMissing as exc:
        missing(exc)
    yield server
    server.stop()


@pytest.fixture
def s3_settings(s3_server) -> dict[str, str]:
    """``create_app`` settings putting the blobs in the session's bucket, under a new prefix."""
    return s3_server.settings(f"t-{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="session")
def pgbouncer(pg_cluster) -> Iterator[PgBouncer]:
    """PgBouncer in transaction mode in front of ``pg_cluster``, two server connections."""
    try:
        bouncer = PgBouncer(pg_cluster, pool_size=2).start()
    except PgBouncerMissing as exc:
        missing(exc)
    yield bouncer
    bouncer.stop()


def _truncate_pg() -> None:
    tables = [t.name for t in db.metadata.sorted_tables if t.name not in KEEP_TABLES]
    db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture
def app(request, backend, tmp_path):
    if backend == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        shutil.copy(template, tmp_path / "sangloc.db")
        url = f"sqlite:///{tmp_path / 'sangloc.db'}"
    elif backend == "pgbouncer":
        url = request.getfixturevalue("pgbouncer").url()
    else:
        url = request.getfixturevalue("pg_cluster").url()
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url, "STRICT": STRICT,
                      "TESTING": True, "PUBLIC_URL": "http://sangloc.test",
                      "DATABASE_PGBOUNCER": backend == "pgbouncer"})
    with app.app_context():
        if backend != "sqlite":
            _truncate_pg()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
