"""sangloc behind Debian's PgBouncer in transaction mode (issue 14, connection pooling).

PgBouncer (``tests/support/pgbouncer.py``) sits in front of the session's PostgreSQL with two
server connections; the app is built with ``SANGLOC_DATABASE_PGBOUNCER=1``. A slice of the
existing integration tests runs here again through it (``backend`` is overridden to
``pgbouncer``): a Collect submission merged, an edit, a crash mid-request, a sync batch and the
changes feed, job runs, the scheduler lease taken by racing threads. Then: many client
connections really share the two server connections, Collect submissions from six threads at
once are all stored and merged, and the reason for the setting: with psycopg's server-side
prepared statements on, two clients on one server connection collide.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import ProgrammingError

from server.config import engine_options
from server.extensions import db
from server.models import Person, Screening
from tests.conftest import missing
from tests.integration.test_api import (  # noqa: F401  (run again through PgBouncer)
    records,
    test_changes_feed,
    test_changes_feed_pages_and_resumes,
    test_sync_batch_with_one_bad_item_keeps_the_others,
)
from tests.integration.test_jobs import (  # noqa: F401
    test_a_database_error_is_recorded_without_the_rows_values,
    test_a_failed_job_is_recorded_and_its_writes_rolled_back,
    test_one_holder_at_a_time_renewal_expiry_and_release,
    test_racing_first_acquisitions_give_the_lease_to_exactly_one,
    test_run_job_records_an_ok_run_with_the_jobs_counts,
)
from tests.integration.test_openrosa_submission import (  # noqa: F401
    anchor,
    photo,
    test_crash_mid_request_leaves_nothing_and_retry_succeeds,
    test_edit_through_deprecated_id_keeps_history_and_carries_attachments,
    test_same_instance_id_with_different_xml_is_409_and_kept_for_review,
)
from tests.support.collect import CollectClient
from tests.support.instances import mchat_answers, screening_instance
from tests.support.pgbouncer import PgBouncer, PgBouncerMissing

THREADS, EACH = 6, 3


@pytest.fixture(params=["pgbouncer"])
def backend(request) -> str:
    return request.param


def test_many_client_connections_share_the_two_server_connections(app):
    """Four connections of the app's own pool, each running eight short transactions of the
    same statement: PostgreSQL sees at most two backends, and nothing collides (no statement
    is prepared on a server connection another client then uses)."""
    connections = [db.engine.connect() for _ in range(4)]
    try:
        backends = set()
        for _ in range(8):
            for connection in connections:
                backends.add(connection.execute(text("SELECT pg_backend_pid()")).scalar())
                connection.commit()
        assert len({id(c.connection.dbapi_connection) for c in connections}) == 4
        assert 1 <= len(backends) <= 2
    finally:
        for connection in connections:
            connection.close()


def test_collect_submissions_from_six_threads_are_all_stored_and_merged(
        app, publish_bundled, device):
    publish_bundled("mchat_r")
    answers, failures = [], []

    def send(thread: int) -> None:
        collect = CollectClient(app.test_client(), device.server_url)
        try:
            for each in range(EACH):
                answers.append(collect.submit(screening_instance(
                    "mchat_r", mchat_answers(thread % 3), dob=date(2025, 1, 1),
                    name=f"Trẻ {thread}-{each}")).status_code)
        except Exception as exc:  # reported below, with the thread's number
            failures.append((thread, repr(exc)))

    threads = [threading.Thread(target=send, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and answers == [201] * (THREADS * EACH)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Person.id))) == THREADS * EACH
    assert db.session.scalar(select(func.count(Screening.id))) == THREADS * EACH


def _same_statement_on_two_clients(engine) -> None:
    first, second = engine.connect(), engine.connect()
    try:
        for connection in (first, second):
            for value in range(8):  # psycopg prepares a statement from its 6th execution
                connection.execute(text("SELECT 1 + :x"), {"x": value})
                connection.commit()
    finally:
        first.close()
        second.close()


def test_server_side_prepared_statements_collide_unless_the_setting_is_on(pg_cluster):
    """One server connection, two clients: the second client's prepared statement has the
    first one's name on the same server connection. With the setting nothing is prepared."""
    try:
        bouncer = PgBouncer(pg_cluster, pool_size=1).start()
    except PgBouncerMissing as exc:
        missing(exc)
    try:
        plain = create_engine(bouncer.url(), **engine_options(bouncer.url()))
        with pytest.raises(ProgrammingError, match="already exists"):
            _same_statement_on_two_clients(plain)
        plain.dispose()
        pooled = create_engine(bouncer.url(), **engine_options(bouncer.url(), pgbouncer=True))
        _same_statement_on_two_clients(pooled)
        pooled.dispose()
    finally:
        bouncer.stop()
