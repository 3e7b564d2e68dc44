"""The JSON API: bearer tokens, scoping, sync batches, changes feed, reads, export, audit."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, Person
from tests.integration.conftest import OTHER_PROVINCE_COMMUNE
from tests.support.instances import mchat_answers, phq9_answers, screening_instance


@pytest.fixture
def records(publish_bundled, device):
    publish_bundled("mchat_r", "phq9")
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8),
                                             dob=date(2025, 2, 10)))
    device.collect.submit(screening_instance("phq9", phq9_answers(q09=2), group="phq9",
                                             name="Phạm Thị Lan", dob=date(1991, 4, 4),
                                             sex="female"))
    db.session.expire_all()
    return {p.full_name: p.id for p in db.session.scalars(select(Person))}


def test_requests_need_a_valid_bearer_token(client, token_for):
    missing = client.get("/api/v1/persons")
    assert missing.status_code == 401
    assert missing.json["error"]["code"] == "401.2"
    bad = client.get("/api/v1/persons", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert client.get("/api/v1/persons", headers=token_for("ctv", "00004")).status_code == 200


def test_persons_are_scoped_to_the_callers_area(client, records, token_for):
    here, there = token_for("ctv-hn", "00004"), token_for("ctv-lc", OTHER_PROVINCE_COMMUNE)
    listed = client.get("/api/v1/persons", headers=here).json["items"]
    assert {p["full_name"] for p in listed} == {"Nguyễn Văn An", "Phạm Thị Lan"}
    assert client.get("/api/v1/persons", headers=there).json["items"] == []
    person_id = records["Nguyễn Văn An"]
    assert client.get(f"/api/v1/persons/{person_id}", headers=there).status_code == 404
    assert client.get("/api/v1/cases", headers=there).json["items"] == []
    province = token_for("gs-hn", "01", role="supervisor")
    assert len(client.get("/api/v1/persons", headers=province).json["items"]) == 2


def test_search_ignores_diacritics_and_case(client, records, token_for):
    headers = token_for("ctv", "00004")
    found = client.get("/api/v1/persons", query_string={"q": "pham thi"}, headers=headers)
    assert [p["full_name"] for p in found.json["items"]] == ["Phạm Thị Lan"]


def test_person_record_with_screenings_and_case_and_the_read_is_audited(client, records,
                                                                        token_for):
    person_id = records["Nguyễn Văn An"]
    response = client.get(f"/api/v1/persons/{person_id}", headers=token_for("ctv", "00004"))
    assert response.status_code == 200
    body = response.json
    assert body["dob"] == "2025-02-10" and body["commune"] == "00004"
    [screening] = body["screenings"]
    assert (screening["instrument"], screening["total"], screening["band"]) == \
        ("mchat_r", 8, "high")
    assert screening["flags"] == ["refer_immediately"] and screening["superseded"] is False
    assert screening["subscales"] == {}
    assert body["case"]["state"] == "new" and body["case"]["risk"] == "high"
    assert body["case"]["next_action"] == "referral"
    assert body["possible_duplicates"] == [] and body["conflicts"] == []
    reads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.read"))
    assert [e.target_id for e in reads] == [person_id]


def test_cases_filtered_by_flag_and_urgent_first(client, records, token_for):
    headers = token_for("gs", "00004", role="supervisor")
    items = client.get("/api/v1/cases", headers=headers).json["items"]
    assert [c["risk"] for c in items] == ["urgent", "high"]  # the safety case is on top
    flagged = client.get("/api/v1/cases", query_string={"flag": "self_harm_item_positive"},
                         headers=headers).json["items"]
    assert [c["person_id"] for c in flagged] == [records["Phạm Thị Lan"]]
    assert flagged[0]["next_action"] == "safety_contact" and flagged[0]["urgent"] is True
    bad = client.get("/api/v1/cases", query_string={"state": "archived"}, headers=headers)
    assert bad.status_code == 400 and "state" in json.dumps(bad.json)


def test_sync_batch_with_one_bad_item_keeps_the_others(client, publish_bundled, token_for):
    publish_bundled("mchat_r")
    headers = token_for("ctv", "00004")
    good = screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10))
    items = [{"client_id": "a", "xml": good.decode()},
             {"client_id": "b", "xml": "<data id='mchat_r'><broken"},
             {"client_id": "c", "xml": screening_instance(
                 "mchat_r", mchat_answers(0), dob=date(2025, 1, 1), name="Võ Minh").decode(),
              "attachments": {"x.jpg": base64.b64encode(b"jpeg").decode()}}]
    response = client.post("/api/v1/sync", json={"submissions": items}, headers=headers)
    assert response.status_code == 200
    results = {r["client_id"]: r for r in response.json["results"]}
    assert results["a"]["status"] == "accepted"
    assert results["a"]["score"]["band"] == "high"
    assert results["a"]["score"]["next_action"] == "referral"
    assert results["b"]["status"] == "rejected" and results["b"]["reason"].startswith("400.3")
    assert results["c"]["status"] == "accepted"
    again = client.post("/api/v1/sync", json={"submissions": items[:1]}, headers=headers)
    assert again.json["results"][0]["status"] == "duplicate"
    db.session.expire_all()
    assert {p.full_name for p in db.session.scalars(select(Person))} == \
        {"Nguyễn Văn An", "Võ Minh"}


def test_sync_outside_the_callers_forms_is_rejected(client, publish_bundled, token_for):
    headers = token_for("ctv", "00004")
    unknown = screening_instance("gad7", {}, group="gad7").decode()
    response = client.post("/api/v1/sync", json={"submissions": [
        {"client_id": "z", "xml": unknown}]}, headers=headers)
    assert response.json["results"][0]["status"] == "rejected"
    assert response.json["results"][0]["reason"].startswith("404.1")


def test_sync_request_is_validated(client, token_for):
    headers = token_for("ctv", "00004")
    response = client.post("/api/v1/sync", json={"submissions": []}, headers=headers)
    assert response.status_code == 400
    too_many = [{"client_id": str(i), "xml": "<x/>"} for i in range(501)]
    assert client.post("/api/v1/sync", json={"submissions": too_many},
                       headers=headers).status_code == 400


def test_changes_feed(client, records, token_for):
    headers = token_for("ctv", "00004")
    first = client.get("/api/v1/sync/changes", headers=headers).json
    assert {p["full_name"] for p in first["persons"]} == {"Nguyễn Văn An", "Phạm Thị Lan"}
    assert len(first["cases"]) == 2
    assert {f["form_id"] for f in first["form_versions"]} == {"mchat_r", "phq9"}
    assert first["cursor"]
    other = client.get("/api/v1/sync/changes", headers=token_for("ctv-lc", "02680")).json
    assert other["persons"] == [] and other["cases"] == []
    bad = client.get("/api/v1/sync/changes", query_string={"cursor": "abc.def"}, headers=headers)
    assert bad.status_code == 400 and bad.json["error"]["code"] == "400.7"


def test_openapi_document_is_served(client):
    spec = client.get("/api/v1/openapi.json").json
    assert {"/api/v1/sync", "/api/v1/persons", "/api/v1/persons/{person_id}", "/api/v1/cases",
            "/api/v1/sync/changes"} <= set(spec["paths"])


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "xlsx"])
def test_export_screenings(runner, records, tmp_path, fmt):
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(args=["export", "screenings", "--format", fmt, "--area", "01",
                                 "--output", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_text())))
    else:
        sheet = load_workbook(out).active
        header, *values = list(sheet.values)
        rows = [dict(zip(header, v, strict=True)) for v in values]
    by_instrument = {r["instrument"]: r for r in rows}
    assert set(by_instrument) == {"mchat_r", "phq9"}
    assert str(by_instrument["phq9"]["total"]) == "2"
    assert by_instrument["mchat_r"]["band"] == "high"
    assert "self_harm_item_positive" in str(by_instrument["phq9"]["flags"])
    nothing = runner.invoke(args=["export", "screenings", "--area", "15", "--output",
                                  str(tmp_path / "none.jsonl")])
    assert nothing.exit_code == 0 and (tmp_path / "none.jsonl").read_text() == ""
    db.session.expire_all()
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "screening.export"))


def test_changes_feed_pages_and_resumes(client, publish_bundled, token_for, device,
                                        monkeypatch):
    from server.services.cases import changes

    publish_bundled("mchat_r")
    monkeypatch.setattr(changes, "PAGE", 2)
    for i in range(5):
        device.collect.submit(screening_instance("mchat_r", mchat_answers(0),
                                                 dob=date(2025, 1, 1), name=f"Trẻ số {i}"))
    headers = token_for("ctv", "00004")
    seen, cursor, calls = set(), None, 0
    while True:
        page = client.get("/api/v1/sync/changes", query_string={"cursor": cursor} if cursor
                          else {}, headers=headers).json
        assert len(page["persons"]) <= 2
        seen |= {p["full_name"] for p in page["persons"]}
        cursor, calls = page["cursor"], calls + 1
        if not page["more"]:
            break
    assert seen == {f"Trẻ số {i}" for i in range(5)} and calls == 3
