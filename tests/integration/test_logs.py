"""What the server logs: one line per request, a warning per refusal, never anything sensitive.

Device tokens are masked, query strings, answers and names never appear. Issue 9, rough edge 4:
a refused submission (a 4xx on ``/key/<token>/submission``, a ``rejected`` item of
``/api/v1/sync``) is a WARNING naming only its problem code, a merge failure is an ERROR, and a
real ``sangloc serve`` writes all of it, one access line per request, to its standard error.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import urlsplit

import pytest

from server.boundary import transaction
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from tests.integration.conftest import anchor_instance
from tests.integration.test_unmergeable import impossible_dob
from tests.support.collect import headers as collect_headers
from tests.support.live_server import ROOT, live_server, request, submit

BROKEN_XML = "<data><name>Phạm Bí Mật</name><broken".encode()
BROKEN_ITEM = {"client_id": "b", "xml": "<data id='mchat_r'><child_name>Phạm Bí Mật<broken"}


def _text(caplog, level: int = logging.DEBUG) -> str:
    return "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records
                     if r.levelno >= level)


def test_request_log_masks_the_token_and_omits_answers(publish, anchor_xform, device, caplog):
    publish(anchor_xform, "anchor_screen.xml")
    with caplog.at_level(logging.DEBUG):
        device.collect.form_list()
        device.collect.submit(anchor_instance(name="Phạm Thị Bí Mật"))
        device.collect.submit(b"<broken")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/key/***/submission" in text
    assert device.token not in text
    assert "Bí Mật" not in text


def test_a_refused_submission_is_a_warning_with_its_code_only(device, caplog):
    with caplog.at_level(logging.INFO, logger="sangloc"):
        assert device.collect.submit(BROKEN_XML).status_code == 400
        assert device.collect.post_submission(
            anchor_instance(), extra_headers={"X-OpenRosa-Version": "0.9"}).status_code == 400
    warnings = _text(caplog, logging.WARNING)
    assert re.search(r"WARNING sangloc\.\w+: refused submission: 400\.3\b", warnings), warnings
    assert re.search(r"WARNING sangloc\.\w+: refused submission: 400\.1\b", warnings), warnings
    assert device.token not in _text(caplog) and "Bí Mật" not in _text(caplog)


def test_a_rejected_sync_item_is_a_warning_with_its_code_only(client, caplog):
    with transaction():
        users.create_user(SYSTEM, "ctv", "collaborator", ["00004"])
        token = api_tokens.create_token(SYSTEM, "ctv")
    with caplog.at_level(logging.INFO, logger="sangloc"):
        answer = client.post("/api/v1/sync", json={"submissions": [BROKEN_ITEM]},
                             headers={"Authorization": f"Bearer {token}"})
    assert answer.json["results"][0]["status"] == "rejected"
    warnings = _text(caplog, logging.WARNING)
    assert re.search(r"WARNING sangloc\.\w+: rejected sync item: 400\.3\b", warnings), warnings
    assert token not in _text(caplog) and "Bí Mật" not in _text(caplog)


# --- a real server -----------------------------------------------------------------------

@pytest.mark.slow
def test_a_real_server_logs_every_request_and_every_refusal(sqlite_template, tmp_path):
    server = live_server(sqlite_template, tmp_path / "instance", LOG_LEVEL="INFO")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "mchat_r.xlsx"))
    created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                        "--json"))
    token = json.loads(server.sangloc("api-tokens", "create", "ctv", "--json"))["token"]
    device = urlsplit(created["server_url"]).path
    server.start()
    try:
        statuses = [
            request(server.port, "GET", f"{device}/formList", headers=collect_headers()),
            submit(server.port, device, BROKEN_XML),
            submit(server.port, device, impossible_dob(name="Phạm Bí Mật")),
            request(server.port, "POST", "/api/v1/sync",
                     json.dumps({"submissions": [BROKEN_ITEM]}).encode(),
                     {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}),
            request(server.port, "GET", "/nowhere?name=Bi+Mat"),
        ]
    finally:
        server.stop()
    assert statuses == [200, 400, 201, 200, 404]
    log = server.log.read_text()
    access = re.findall(r"INFO sangloc\.request: (\S+ \S+ \d+) [\d.]+ms$", log, re.MULTILINE)
    assert access == ["GET /key/***/formList 200", "POST /key/***/submission 400",
                      "POST /key/***/submission 201", "POST /api/v1/sync 200",
                      "GET /nowhere 404"], log
    assert re.search(r"WARNING sangloc\.\w+: refused submission: 400\.3\b", log), log
    assert re.search(r"WARNING sangloc\.\w+: rejected sync item: 400\.3\b", log), log
    assert re.search(r"ERROR sangloc\.intake: merging submission \d+ failed: SyncError", log)
    for secret in (device.split("/")[2], token, "Bí Mật", "Bi+Mat", "2025-02-30"):
        assert secret not in log
