"""Bad input is a final 4xx in the route's own format, never a 500 (issue 8, items 3 and 4).

Each case below answered 500 on PostgreSQL (SQLite accepted the over-long values, so the two
backends disagreed): values longer than their column, NUL bytes (PostgreSQL refuses them in
text), an ``offset`` beyond a 64-bit integer, a forged sync cursor, deeply nested JSON. On
OpenRosa a 500 is repeated on every resend, so such an instance could never be sent: it must
get a 4xx that tells Collect to stop. And one bad item of a ``/api/v1/sync`` batch is that
item's ``rejected`` result: the batch answers 200 with one result per item.
"""

from __future__ import annotations

import base64
import json
import uuid

import pytest
from sqlalchemy import func, select

from server.boundary import transaction
from server.extensions import db
from server.models import Submission
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.services.intake import store
from tests.integration.conftest import anchor_instance
from tests.integration.test_openrosa_forms import error_message
from tests.integration.test_openrosa_submission import photo_instance
from tests.support.collect import headers as collect_headers
from tests.support.collect import multipart
from tests.support.xlsform import photo_form


@pytest.fixture
def anchor(publish, anchor_xform):
    return publish(anchor_xform, "anchor_screen.xml")


@pytest.fixture
def bearer(app):
    with transaction():
        users.create_user(SYSTEM, "gs", "supervisor", ["00004"])
        token = api_tokens.create_token(SYSTEM, "gs")
    return {"Authorization": f"Bearer {token}"}


def stored_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Submission))


def assert_openrosa_4xx(response, status: int = 400) -> None:
    assert response.status_code == status, response.data
    assert response.content_type.startswith("text/xml")
    assert error_message(response)  # an OpenRosaResponse with a message


def assert_json_4xx(response, status: int = 400) -> None:
    assert response.status_code == status, response.data
    assert response.json["error"]["status"] == status
    assert response.json["error"]["message"]


# --- OpenRosa -------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["instance", "deprecated"])
def test_an_id_longer_than_its_column_is_a_final_400(anchor, device, field):
    long_id = "uuid:" + "a" * 196  # 201 characters
    xml = anchor_instance(long_id) if field == "instance" else \
        anchor_instance(deprecated_id=long_id)
    response = device.collect.submit(xml)
    assert_openrosa_4xx(response)
    assert "200" in error_message(response)  # says what the limit is
    assert stored_count() == 0
    assert_openrosa_4xx(device.collect.submit(xml))  # the same on every resend


def test_an_attachment_name_longer_than_its_column_is_a_final_400(publish, device):
    publish(photo_form(), "photo_visit.xlsx")
    name = "a" * 297 + ".jpg"  # 301 characters
    response = device.collect.submit(photo_instance(f"uuid:{uuid.uuid4()}", photo=name),
                                     {name: b"\xff\xd8 jpeg"})
    assert_openrosa_4xx(response)
    assert stored_count() == 0


def test_an_id_of_exactly_the_limit_is_accepted(anchor, device):
    assert device.collect.submit(anchor_instance("uuid:" + "b" * 195)).status_code == 201


@pytest.mark.parametrize("where", ["deviceID", "formID", "path", "integrity"])
def test_a_nul_byte_on_an_openrosa_route_is_a_400(anchor, device, client, where):
    base = device.collect.base
    if where == "deviceID":
        response = device.collect.get(f"{base}/formList", deviceID="collect:\x00x")
    elif where == "formID":
        response = device.collect.get(f"{base}/formList", formID="anchor\x00screen")
    elif where == "path":
        response = client.get(f"{base}/forms/anchor%00screen.xml", headers=collect_headers())
    else:
        response = device.collect.get(f"{base}/datasets/cases/integrity", id="a\x00b")
    assert_openrosa_4xx(response)


def test_a_nul_byte_in_the_device_id_of_a_submission_is_a_400(anchor, device):
    """The device id is stored with the submission: PostgreSQL refused the NUL (a 500)."""
    body, content_type = multipart(anchor_instance())
    response = device.collect.client.post(
        f"{device.collect.base}/submission", data=body, content_type=content_type,
        headers=collect_headers(), query_string={"deviceID": "collect:\x00"})
    assert_openrosa_4xx(response)
    assert stored_count() == 0


# --- JSON API -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [{"q": "an\x00"}, {"commune": "0000\x00"},
                                   {"commune": "0000a"}])
def test_a_bad_persons_query_is_a_json_400(client, bearer, query):
    assert_json_4xx(client.get("/api/v1/persons", query_string=query, headers=bearer))


def test_a_nul_byte_in_a_cases_flag_or_a_person_id_is_a_json_400(client, bearer):
    assert_json_4xx(client.get("/api/v1/cases", query_string={"flag": "x\x00"},
                               headers=bearer))
    assert_json_4xx(client.get("/api/v1/persons/abc%00def", headers=bearer))


@pytest.mark.parametrize("offset", [2**63, 2**63 + 5, 10**30])
def test_an_offset_beyond_any_list_is_a_json_400(client, bearer, offset):
    for path in ("/api/v1/persons", "/api/v1/cases", "/api/v1/reviews"):
        assert_json_4xx(client.get(path, query_string={"offset": offset}, headers=bearer))


def _forged(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    _forged({"persons": ["2026-01-01T00:00:00+00:00", ""],
             "cases": ["2026-01-01T00:00:00+00:00", 2**70],
             "forms": ["2026-01-01T00:00:00+00:00", 0]}),
    _forged({"persons": ["2026-01-01T00:00:00", ""], "cases": ["2026-01-01T00:00:00", 0],
             "forms": ["2026-01-01T00:00:00", 0]}),
    "not-a-cursor", "\x00",
])
def test_a_forged_cursor_is_a_json_400(client, bearer, cursor):
    assert_json_4xx(client.get("/api/v1/sync/changes", query_string={"cursor": cursor},
                               headers=bearer))


def test_a_cursor_the_server_gave_still_works(client, bearer):
    first = client.get("/api/v1/sync/changes", headers=bearer)
    assert first.status_code == 200
    again = client.get("/api/v1/sync/changes", query_string={"cursor": first.json["cursor"]},
                       headers=bearer)
    assert again.status_code == 200


def test_deeply_nested_json_is_a_json_400(client, bearer):
    body = '{"submissions": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post("/api/v1/sync", data=body, content_type="application/json",
                           headers=bearer)
    assert_json_4xx(response)


# --- a poisoned sync batch ------------------------------------------------------------------

def test_one_bad_item_is_rejected_and_the_others_are_kept(anchor, client, bearer):
    good = [anchor_instance().decode() for _ in range(2)]
    bad = anchor_instance("uuid:" + "c" * 300).decode()
    batch = {"submissions": [{"client_id": "1", "xml": good[0]},
                             {"client_id": "2", "xml": bad},
                             {"client_id": "3", "xml": good[1]}]}
    response = client.post("/api/v1/sync", json=batch, headers=bearer)
    assert response.status_code == 200
    assert [r["status"] for r in response.json["results"]] == \
        ["accepted", "rejected", "accepted"]
    assert response.json["results"][1]["reason"].startswith("400.8")
    assert stored_count() == 2
    again = client.post("/api/v1/sync", json=batch, headers=bearer)
    assert [r["status"] for r in again.json["results"]] == ["duplicate", "rejected", "duplicate"]


def test_an_unexpected_failure_of_one_item_is_that_items_rejection(anchor, client, bearer,
                                                                   monkeypatch):
    poisoned = f"uuid:{uuid.uuid4()}"
    real = store.receive_submission

    def failing(actor, device, upload, blobs, **kwargs):
        if poisoned.encode() in upload.xml:
            raise RuntimeError("disk on fire")
        return real(actor, device, upload, blobs, **kwargs)

    monkeypatch.setattr(store, "receive_submission", failing)
    batch = {"submissions": [{"client_id": "a", "xml": anchor_instance().decode()},
                             {"client_id": "b", "xml": anchor_instance(poisoned).decode()},
                             {"client_id": "c", "xml": anchor_instance().decode()}]}
    response = client.post("/api/v1/sync", json=batch, headers=bearer)
    assert response.status_code == 200
    results = response.json["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    assert results[1]["reason"].startswith("500.1") and "disk" not in results[1]["reason"]
    assert stored_count() == 2


def test_a_lone_surrogate_in_a_sync_item_is_that_items_rejection(anchor, client, bearer):
    body = '{"submissions": [{"client_id": "s", "xml": "<data>\\ud800</data>"}]}'
    response = client.post("/api/v1/sync", data=body, content_type="application/json",
                           headers=bearer)
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "rejected" and result["reason"].startswith("400.7")
