"""Issue 14, operations: /healthz, /readyz, /metrics and the metrics sangloc records, in process.

On SQLite and PostgreSQL. The metric values are read through ``/metrics`` itself (parsed with
prometheus_client's own text parser) as differences before and after an action, because the
counters live for the whole test process. The real server behind nginx, with several gunicorn
workers summed, is ``test_deploy.py``.
"""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select, text

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.jobs.runner import run_job
from server.jobs.table import Job, every
from server.logformat import JsonFormatter
from server.models import AuditEvent
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.storage import FilesystemBlobStore
from tests.integration import test_notifications, test_unmergeable
from tests.integration.conftest import anchor_instance
from tests.integration.test_logs import BROKEN_ITEM, BROKEN_XML
from tests.integration.test_notifications import deliver, harm
from tests.integration.test_unmergeable import impossible_dob
from tests.support.live_server import free_port

# fixtures of those tests, used here by name (request.getfixturevalue / usefixtures)
smtp, gateway, staff = test_notifications.smtp, test_notifications.gateway, \
    test_notifications.staff
forms_ready = test_unmergeable.forms_ready

ALL_OK = {"database": "ok", "storage": "ok", "migrations": "ok"}


def scrape(client, **kwargs) -> dict[tuple[str, frozenset], float]:
    answer = client.get("/metrics", **kwargs)
    assert answer.status_code == 200, answer.data
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(answer.get_data(as_text=True))
            for sample in family.samples}


def value(samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def change(before, after, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


# --- /healthz and /readyz ----------------------------------------------------------------

def test_healthz_answers_ok_and_sets_no_cookie(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.data) == (200, b"ok\n")
    assert "Set-Cookie" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_on_a_migrated_database_is_ready(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json == {"status": "ready", "checks": ALL_OK}
    assert "Set-Cookie" not in answer.headers


def test_readyz_says_when_the_database_is_not_at_the_code_s_migration(app, client):
    current = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    db.session.commit()
    try:
        answer = client.get("/readyz")
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready",
                           "checks": {**ALL_OK, "migrations": "not current"}}


def test_readyz_says_when_the_object_store_is_not_usable(app, client, tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setitem(app.extensions, "sangloc_blobs",
                        FilesystemBlobStore(tmp_path / "a-file" / "blobs"))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {**ALL_OK, "storage": "failed (NotADirectoryError)"}


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_readyz_with_the_database_away_names_no_url_host_or_user(kind, tmp_path):
    port = free_port()  # nothing listens there
    url = {"sqlite": f"sqlite:///{tmp_path}/no-such-folder/secretdb.db",
           "postgres": f"postgresql+psycopg://secretuser:secretpw@127.0.0.1:{port}/secretdb"}
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": url[kind],
                      "TESTING": True})
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json == {"status": "not ready", "checks": {
        "database": "failed (OperationalError)", "storage": "ok", "migrations": "unknown"}}
    for secret in ("secretuser", "secretpw", "secretdb", str(port), str(tmp_path)):
        assert secret not in answer.get_data(as_text=True)


# --- who may read /metrics ----------------------------------------------------------------

def test_metrics_are_served_to_loopback_only_when_no_token_is_set(client):
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer "},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP", "Forwarded"])
def test_a_request_a_proxy_passed_on_is_never_local(client, header):
    """nginx on the same host connects from 127.0.0.1: its requests must not count as local."""
    answer = client.get("/metrics", headers={header: "127.0.0.1"})
    assert answer.status_code == 403
    assert b"sangloc_" not in answer.data


def test_the_metrics_token_opens_them_to_another_host(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SANGLOC_METRICS_TOKEN", "m3trics-t0ken")
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", headers={"Authorization": "Bearer m3trics-t0ken"},
                      environ_base=remote).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer m3trics-t0kem"},
                      environ_base=remote).status_code == 403
    assert client.get("/metrics", environ_base=remote).status_code == 403


def test_ops_paths_are_not_throttled_audited_or_given_a_session(app, client):
    throttle = app.extensions["sangloc_wrong_tokens"]
    for _ in range(50):
        throttle.record_failure("127.0.0.1")
    assert client.get("/key/wrong-token/formList").status_code == 429  # the address is held
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    for path in ("/healthz", "/readyz", "/metrics"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "Set-Cookie" not in answer.headers, path
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


# --- what is counted ----------------------------------------------------------------------

@pytest.mark.usefixtures("forms_ready")
def test_collect_submissions_are_counted_by_outcome_and_route(
        client, publish, anchor_xform, device):
    publish(anchor_xform, "anchor_screen.xml")
    before = scrape(client)
    first = anchor_instance(name="Phạm Bí Mật")
    assert device.collect.submit(first).status_code == 201
    assert device.collect.submit(first).status_code == 201  # resent: a duplicate
    assert device.collect.submit(BROKEN_XML).status_code == 400
    assert device.collect.submit(impossible_dob()).status_code == 201  # kept, not merged
    after = scrape(client)
    for outcome in ("accepted", "duplicate", "rejected", "stored_only"):
        assert change(before, after, "sangloc_submissions_total", channel="openrosa",
                      outcome=outcome) == 1, outcome
    assert change(before, after, "sangloc_merge_failures_total") == 1
    route = {"route": "openrosa.submission", "method": "POST"}
    assert change(before, after, "sangloc_http_requests_total", **route, status="201") == 3
    assert change(before, after, "sangloc_http_requests_total", **route, status="400") == 1
    assert change(before, after, "sangloc_http_request_seconds_count",
                  route="openrosa.submission") == 4
    labels = {v for (_, pairs) in after for _, v in pairs}
    assert not any(device.token in v or "/key/" in v or "Bí Mật" in v for v in labels)


def test_sync_items_and_unmatched_paths_are_counted(app, client):
    with transaction():
        users.create_user(SYSTEM, "ctv", "collaborator", ["00004"])
        token = api_tokens.create_token(SYSTEM, "ctv")
    before = scrape(client)
    answer = client.post("/api/v1/sync", json={"submissions": [BROKEN_ITEM]},
                         headers={"Authorization": f"Bearer {token}"})
    assert answer.json["results"][0]["status"] == "rejected"
    assert client.get("/nowhere/4711").status_code == 404
    assert client.open("/nowhere", method="BREW").status_code == 404
    after = scrape(client)
    assert change(before, after, "sangloc_submissions_total", channel="api",
                  outcome="rejected") == 1
    assert change(before, after, "sangloc_http_requests_total", route="unmatched",
                  method="GET", status="404") == 1
    assert change(before, after, "sangloc_http_requests_total", route="unmatched",
                  method="other", status="404") == 1


@pytest.mark.usefixtures("staff", "smtp", "gateway")
def test_urgent_actions_job_runs_and_deliveries(app, client, device):
    before = scrape(client)
    assert value(before, "sangloc_open_urgent_actions") == 0
    assert value(before, "sangloc_scrape_database_ok") == 1
    harm(device)  # a same-day safety contact: urgent, announced to 2 mailboxes and the webhook
    middle = scrape(client)
    assert value(middle, "sangloc_open_urgent_actions") == 1
    # read from the database, so seen on every node even when the scheduler runs alone
    assert value(middle, "sangloc_notifications_waiting", channel="email") == 2
    assert value(middle, "sangloc_notifications_waiting", channel="webhook") == 1
    assert deliver(app) == {"delivered": 2, "retried": 1, "failed": 0}  # the webhook is down
    after = scrape(client)
    assert value(after, "sangloc_notifications_waiting", channel="email") == 0
    assert value(after, "sangloc_notifications_waiting", channel="webhook") == 1  # retried
    assert value(after, "sangloc_notifications_failed", channel="webhook") == 0
    assert change(before, after, "sangloc_notification_deliveries_total", channel="email",
                  outcome="sent") == 2
    assert change(before, after, "sangloc_notification_deliveries_total", channel="webhook",
                  outcome="failed") == 1
    assert change(before, after, "sangloc_job_runs_total", job="deliver_notifications",
                  outcome="ok") == 1
    assert value(after, "sangloc_job_last_run_ok", job="deliver_notifications") == 1
    assert value(after, "sangloc_job_last_run_timestamp_seconds",
                 job="deliver_notifications") > 0
    assert ("sangloc_job_last_run_ok", frozenset({("job", "backup_database")})) not in after


def test_a_failing_job_is_counted_as_failed(app, client):
    def explode():
        raise RuntimeError("boom")

    jobs = [Job("explode", every(minutes=1), explode, "fails")]
    before = scrape(client)
    assert run_job(app, "explode", jobs=jobs).status == "failed"
    after = scrape(client)
    assert change(before, after, "sangloc_job_runs_total", job="explode", outcome="failed") == 1
    assert change(before, after, "sangloc_job_runs_total", job="explode", outcome="ok") == 0


# --- the JSON log format ------------------------------------------------------------------

def _format(record_args, **extra) -> dict:
    record = logging.LogRecord("sangloc.request", logging.INFO, __file__, 1, *record_args)
    record.__dict__.update(extra)
    return json.loads(JsonFormatter().format(record))


def test_a_json_line_outside_a_request_has_the_four_fields():
    line = _format(("job %s ok", ("backup_database",), None))
    assert set(line) == {"time", "level", "logger", "message"}
    assert (line["level"], line["logger"], line["message"]) == \
        ("INFO", "sangloc.request", "job backup_database ok")
    assert line["time"].endswith("Z") and len(line["time"]) == len("2026-01-02T03:04:05.678Z")


def test_a_json_line_in_a_request_carries_its_id_and_the_request_fields(app):
    with app.test_request_context("/healthz", headers={"X-Request-ID": "abc123DEF"}):
        line = _format(("GET /healthz 200 0.1ms", (), None), method="GET", route="ops.healthz",
                       path="/healthz", status=200, duration_ms=0.1)
    assert line["request_id"] == "abc123DEF"
    assert (line["route"], line["status"], line["path"]) == ("ops.healthz", 200, "/healthz")
    with app.test_request_context("/healthz", headers={"X-Request-ID": "bad id\"{}"}):
        made = _format(("x", (), None))["request_id"]
    assert len(made) == 32 and all(c in "0123456789abcdef" for c in made)
