"""Lag-tolerant reads from a real streaming standby (issue 14, read replica; server/replica.py).

A primary and its hot standby (``pg_basebackup -R``, streaming) are started for this module.
The proof that a page read the standby: replay is paused with ``pg_wal_replay_pause()``, a
change is made on the primary, and the page still shows the standby's older state, while a
caller who has just written reads the primary (read-your-writes by WAL position) and sees
everything. A stopped standby: pages answer 200 from the primary and the fallback counter rises;
started again, reads go back to it. Exports made by the job read the standby once it has
replayed past the claim, else the primary.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from datetime import date

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import event, func, select

from server import create_app, replica
from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies
from server.models import AuditEvent, ExportJob
from server.services.access import users
from server.services.audit import SYSTEM
from tests.conftest import STRICT, _template_app, _truncate_pg, missing
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.instances import mchat_answers, screening_instance
from tests.support.pg import Cluster, PostgresMissing, Standby

BA_DINH = "Phường Ba Đình"
RENAMED = "Phường Tên Mới"


@pytest.fixture(scope="module")
def pair():
    try:
        primary = Cluster().start()
    except PostgresMissing as exc:
        missing(exc)
    try:
        _template_app(primary.root / "template-instance", primary.url())
        standby = Standby(primary).start()
    except BaseException:
        primary.stop()
        raise
    yield primary, standby
    standby.stop()
    primary.stop()


@pytest.fixture
def app(pair, tmp_path):
    primary, standby = pair
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": primary.url(),
                      "DATABASE_REPLICA_URL": standby.url(),
                      # replay is paused for minutes at most here; the lag limit is not tested
                      "DATABASE_REPLICA_MAX_LAG": 3600,
                      "STRICT": STRICT, "TESTING": True, "PUBLIC_URL": "http://sangloc.test"})
    with app.app_context():
        _truncate_pg()
        standby.wait_replayed()
        yield app
        db.session.remove()
        db.engine.dispose()
        replica.dispose(app)


@contextmanager
def paused(standby: Standby):
    standby.wait_replayed()
    standby.pause_replay()
    try:
        yield
    finally:
        standby.resume_replay()
    standby.wait_replayed()


@contextmanager
def standby_statements(app, before_first=None):
    """The statements run on the standby meanwhile (the health check left out);
    ``before_first()`` is called just before the first of them is sent."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if "pg_is_in_recovery" not in statement:
            if not seen and before_first is not None:
                before_first()
            seen.append(statement)

    engine = app.extensions[replica.EXTENSION].engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def fallbacks() -> float:
    return REGISTRY.get_sample_value("sangloc_replica_fallbacks_total") or 0.0


def names(client, headers) -> set[str]:
    answer = client.get("/api/v1/sync/changes", headers=headers)
    assert answer.status_code == 200, answer.data[:500]
    return {person["full_name"] for person in answer.json["persons"]}


def child(name: str) -> bytes:
    return screening_instance("mchat_r", mchat_answers(0), dob=date(2025, 1, 1), name=name)


def test_changes_feed_reads_the_standby_and_a_caller_who_wrote_reads_the_primary(
        app, client, pair, publish_bundled, device, token_for):
    _, standby = pair
    publish_bundled("mchat_r")
    reader, writer = token_for("ctv-doc", "00004"), token_for("ctv-viet", "00004")
    assert device.collect.submit(child("Trẻ Một")).status_code == 201
    before = fallbacks()
    with paused(standby):
        # another device's submission, written on the primary after the standby stopped
        assert device.collect.submit(child("Trẻ Hai")).status_code == 201
        with standby_statements(app) as on_standby:
            assert names(client, reader) == {"Trẻ Một"}
        assert on_standby  # the feed's queries ran there
        sync = client.post("/api/v1/sync", headers=writer, json={"submissions": [
            {"client_id": "a", "xml": child("Trẻ Ba").decode()}]})
        assert sync.json["results"][0]["status"] == "accepted"
        # the writer's next read is on the primary: its own child and the other device's
        assert names(client, writer) == {"Trẻ Một", "Trẻ Hai", "Trẻ Ba"}
        assert names(client, reader) == {"Trẻ Một"}  # others still read the standby
    assert names(client, reader) == {"Trẻ Một", "Trẻ Hai", "Trẻ Ba"}
    assert fallbacks() == before
    assert REGISTRY.get_sample_value("sangloc_replica_lag_seconds") >= 0


def _ask_export(client) -> None:
    page = client.get("/admin/exports")
    answer = client.post("/admin/exports", data={"csrf_token": token(page.data),
                                                 "kind": "screenings", "format": "csv"})
    assert answer.status_code == 302, answer.data[:500]


def test_dashboard_and_exports_read_the_standby_until_the_user_writes(app, pair):
    primary, standby = pair
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
    here, elsewhere = signed_in(app, "dp-ha-noi"), signed_in(app, "dp-ha-noi")
    try:
        with paused(standby):
            primary.query(f"UPDATE admin_units SET name = '{RENAMED}' WHERE code = '00004'")
            _ask_export(elsewhere)  # the same user in another browser
            dashboard = here.get("/admin/dashboard?province=01").data.decode()
            assert BA_DINH in dashboard and RENAMED not in dashboard  # the standby's state
            assert "<progress" not in here.get("/admin/exports/list").data.decode()
            _ask_export(here)  # this browser writes: its reads move to the primary
            assert here.get("/admin/exports/list").data.decode().count("<progress") == 2
            assert RENAMED in here.get("/admin/dashboard?province=01").data.decode()
        with standby_statements(app) as on_standby:
            assert RENAMED in elsewhere.get("/admin/dashboard?province=01").data.decode()
        assert on_standby
    finally:
        primary.query(f"UPDATE admin_units SET name = '{BA_DINH}' WHERE code = '00004'")


def test_a_stopped_standby_sends_reads_to_the_primary_until_it_is_back(
        app, client, pair, token_for, monkeypatch, caplog):
    _, standby = pair
    reader = token_for("ctv-doc", "00004")
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
    coordinator = signed_in(app, "dp-ha-noi")
    assert names(client, reader) == set()  # the pool now holds a standby connection
    before = fallbacks()
    standby.stop_server()
    try:
        with caplog.at_level(logging.WARNING, logger="sangloc.replica"):
            assert names(client, reader) == set()
            assert coordinator.get("/admin/dashboard?province=01").status_code == 200
            assert coordinator.get("/admin/exports/list").status_code == 200
        assert fallbacks() == before + 3
        assert REGISTRY.get_sample_value("sangloc_replica_lag_seconds") == -1
        assert replica.replica_lag_seconds(app) is None
        # tried once, then remembered as down: the next reads did not wait for it again
        assert sum("read replica unreachable" in r.getMessage() for r in caplog.records) == 1
    finally:
        standby.start_server()
    standby.wait_replayed()
    later = replica._clock() + replica.DOWN_SECONDS + 1
    monkeypatch.setattr(replica, "_clock", lambda: later)
    with standby_statements(app) as on_standby:
        assert names(client, reader) == set()
        assert coordinator.get("/admin/dashboard?province=01").status_code == 200
    assert on_standby and fallbacks() == before + 3
    assert replica.replica_lag_seconds(app) == 0


def _queue_export(user_id: int) -> int:
    with transaction():
        export = ExportJob(user_id=user_id, kind="screenings", format="csv", area_codes=["01"],
                           filters={}, language="vi", state="queued", rows_done=0)
        db.session.add(export)
    return export.id


@pytest.fixture
def exporter(device, publish_bundled) -> int:
    """A coordinator of Hà Nội (their id), with two children screened there to export."""
    publish_bundled("mchat_r")
    for name in ("Trẻ Một", "Trẻ Hai"):
        assert device.collect.submit(child(name)).status_code == 201
    with transaction():
        return users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD).id


def test_the_export_job_reads_the_standby_once_it_has_replayed_the_claim(app, pair, exporter):
    _, standby = pair
    first = _queue_export(exporter)
    with standby_statements(app) as on_standby:
        assert bodies.run_exports() == {"done": 1, "failed": 0, "lost": 0}
    assert any("screenings" in statement for statement in on_standby)
    with paused(standby):  # the claim cannot reach the standby: the job reads the primary
        second = _queue_export(exporter)
        with standby_statements(app) as on_standby:
            assert bodies.run_exports() == {"done": 1, "failed": 0, "lost": 0}
        assert on_standby == []
    for export_id in (first, second):
        export = db.session.get(ExportJob, export_id, populate_existing=True)
        assert (export.state, export.rows_total) == ("done", 2)


@contextmanager
def standby_lost_at_first_read(app, standby: Standby):
    """The standby drops the connection of the first read after the health check, as it does
    when it shuts down under a page (``pg_terminate_backend``, the same as a fast shutdown)."""
    def drop():
        standby.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE application_name = 'sangloc-replica-reads'")

    try:
        with standby_statements(app, before_first=drop) as seen:
            yield seen
    finally:
        app.extensions[replica.EXTENSION].engine.dispose()


@pytest.mark.parametrize("path", ["/admin/dashboard?province=01", "/admin/exports/list",
                                  "/api/v1/sync/changes"])
def test_a_standby_lost_under_a_page_read_is_read_again_from_the_primary(
        app, pair, token_for, path):
    _, standby = pair
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
    caller = token_for("ctv-doc", "00004") if path.startswith("/api/") else None
    coordinator = signed_in(app, "dp-ha-noi")
    standby.wait_replayed()  # the sign-in's own writes are there: the page may read it
    before, views = fallbacks(), dashboard_views()
    with standby_lost_at_first_read(app, standby) as lost:
        answer = (app.test_client().get(path, headers=caller) if caller
                  else coordinator.get(path))
    assert lost, "the page read nothing from the standby"
    assert answer.status_code == 200, answer.data[:500]
    assert fallbacks() == before + 1
    # the page ran twice, but the view it audits is recorded once
    assert dashboard_views() == views + path.startswith("/admin/dashboard")


def dashboard_views() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "dashboard.view"))


def test_an_export_whose_standby_is_lost_is_made_from_the_primary(app, pair, exporter):
    _, standby = pair
    export_id = _queue_export(exporter)
    standby.wait_replayed()
    with standby_lost_at_first_read(app, standby) as lost:
        assert bodies.run_exports() == {"done": 1, "failed": 0, "lost": 0}
    assert lost
    export = db.session.get(ExportJob, export_id, populate_existing=True)
    assert (export.state, export.rows_total) == ("done", 2)
