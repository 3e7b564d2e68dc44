"""The import page for a phone's waiting-forms file (``/intake/waiting-forms``): a supervisor or
coordinator uploads the file the mobile web app exported; each item goes through the sync
API's batch with the uploader's scope, and the page shows one row per item, never the answers.
Malformed files get a message on the page; the post needs its CSRF token."""

from __future__ import annotations

import base64
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Person, Submission
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from server.services.intake import waiting_file
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.instances import mchat_answers, phq9_answers, screening_instance

PAGE = "/intake/waiting-forms"


@pytest.fixture
def staff(app, publish_bundled):
    publish_bundled("mchat_r", "phq9")
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)


def item(xml: bytes, form_id: str = "mchat_r", **extra) -> dict:
    instance_id = xml.split(b"<instanceID>")[1].split(b"</instanceID>")[0].decode()
    return {"client_id": instance_id, "instance_id": instance_id, "form_id": form_id,
            "form_version": "2026120101", "xml": xml.decode(), "attachments": {},
            "created_at": "2026-12-01T08:00:00Z", **extra}


def outbox(*items: dict, **changes) -> bytes:
    document = {"format": "sangloc-outbox", "version": 1, "exported_at": "2026-12-01T10:05:00Z",
                "origin": "https://sangloc.test", "username": "ctv-mai", "commune": "00004",
                "items": list(items), **changes}
    return json.dumps(document, ensure_ascii=False).encode()


def upload(client, data: bytes, filename: str = "sangloc-cho-gui-20261201-1705.json", *,
           csrf: bool = True):
    form = {"file": (io.BytesIO(data), filename)}
    if csrf:
        form["csrf_token"] = token(client.get(PAGE).data)
    return client.post(PAGE, data=form, content_type="multipart/form-data")


def rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>", maxsplit=1)[0]
    return [row.split("</tr>")[0] for row in body.split("<tr")[1:]]


def persons() -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(Person.full_name)))


def test_the_page_is_linked_and_vietnamese(app, staff):
    client = signed_in(app, "gs-ba-dinh")
    assert f'href="{PAGE}"' in client.get("/worklist").data.decode()
    page = client.get(PAGE).data.decode()
    assert "Phiếu chờ gửi từ điện thoại" in page and 'type="file"' in page


def test_a_good_file_is_received_and_the_same_file_again_is_all_duplicates(app, staff):
    client = signed_in(app, "gs-ba-dinh")
    high = item(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10)))
    adult = item(screening_instance("phq9", phq9_answers(), group="phq9", name="Phạm Thị Lan",
                                    dob=date(1991, 4, 4), sex="female"), form_id="phq9")
    data = outbox(high, adult)
    response = upload(client, data)
    assert response.status_code == 200
    html = response.data.decode()
    assert "2 phiếu được nhận, 0 phiếu đã nhận trước đó, 0 phiếu bị từ chối." in html
    first, second = rows(html)
    assert "mchat_r" in first and "đã nhận" in first and "M-CHAT-R: nguy cơ cao" in first
    assert "phq9" in second and "đã nhận" in second
    assert high["client_id"] in first
    # never the answers: the names typed in the forms are not on the page
    assert "Nguyễn Văn An" not in html and "Phạm Thị Lan" not in html
    assert persons() == {"Nguyễn Văn An", "Phạm Thị Lan"}
    again = upload(client, data).data.decode()
    assert "0 phiếu được nhận, 2 phiếu đã nhận trước đó, 0 phiếu bị từ chối." in again
    assert all("đã nhận trước đó" in row for row in rows(again))
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 2
    audit = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "submission.import_waiting").order_by(AuditEvent.id)).all()
    assert [(e.detail["accepted"], e.detail["duplicate"]) for e in audit] == [(2, 0), (0, 2)]
    created = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "submission.create")).all()
    assert {(e.actor_type, e.actor_id) for e in created} == {("user", _user_id("gs-ba-dinh"))}


def test_one_bad_item_is_rejected_and_the_others_kept(app, staff):
    client = signed_in(app, "gs-ba-dinh")
    good = item(screening_instance("mchat_r", mchat_answers(0), dob=date(2025, 1, 1)))
    broken = {**item(screening_instance("mchat_r", mchat_answers(0), name="Võ Minh")),
              "attachments": {"anh.jpg": "không phải base64!"}}
    html = upload(client, outbox(good, broken)).data.decode()
    ok, bad = rows(html)
    assert "đã nhận" in ok
    assert "bị từ chối" in bad and "400.7" in bad
    assert persons() == {"Nguyễn Văn An"}


def test_an_item_of_another_communes_form_is_rejected(app, staff):
    with transaction():
        catalogue.assign_form(SYSTEM, "phq9", ["15"])  # Lào Cai's form only
    client = signed_in(app, "gs-ba-dinh")
    theirs = item(screening_instance("phq9", phq9_answers(), group="phq9", commune="02680",
                                     name="Lò Văn Pó", dob=date(1980, 3, 3)), form_id="phq9")
    mine = item(screening_instance("mchat_r", mchat_answers(0), dob=date(2025, 1, 1)))
    html = upload(client, outbox(theirs, mine)).data.decode()
    refused, taken = rows(html)
    assert "bị từ chối" in refused and "403.2" in refused
    assert "đã nhận" in taken
    assert persons() == {"Nguyễn Văn An"}


@pytest.mark.parametrize(("data", "code", "text"), [
    (b"this is not json {", "400.151", "đây không phải tệp JSON"),
    (b"\xff\xfe\x00garbage", "400.151", "đây không phải tệp JSON"),
    (b"[1, 2, 3]", "400.152", "không phải tệp phiếu chờ gửi"),
    (json.dumps({"format": "sangloc-outbox", "version": 2, "items": []}).encode(), "400.152",
     "không phải tệp phiếu chờ gửi"),
    (json.dumps({"format": "other", "version": 1, "items": []}).encode(), "400.152",
     "không phải tệp phiếu chờ gửi"),
    (json.dumps({"format": "sangloc-outbox", "version": 1, "items": []}).encode(), "400.153",
     "Tệp không có phiếu nào chờ gửi"),
    (json.dumps({"format": "sangloc-outbox", "version": 1,
                 "items": [{"client_id": "uuid:a", "form_id": "mchat_r"}]}).encode(),
     "400.154", "Phiếu thứ 1 trong tệp thiếu hoặc sai trường &#39;xml&#39;"),
    (json.dumps({"format": "sangloc-outbox", "version": 1,
                 "items": [{"client_id": "uuid:a", "form_id": "mchat_r", "xml": "<x/>",
                            "attachments": ["a.jpg"]}]}).encode(),
     "400.154", "trường &#39;attachments&#39;"),
    (b"[" * 100_000, "400.151", "đây không phải tệp JSON"),
])
def test_a_malformed_file_gets_a_message_on_the_page(app, staff, data, code, text):
    client = signed_in(app, "gs-ba-dinh")
    response = upload(client, data)
    html = response.data.decode()
    assert response.status_code == int(code.split(".")[0])
    assert code in html and text in html
    assert "<tbody>" not in html and persons() == set()


def test_a_malformed_item_after_good_ones_loses_nothing_and_takes_nothing(app, staff):
    client = signed_in(app, "gs-ba-dinh")
    good = item(screening_instance("mchat_r", mchat_answers(0), dob=date(2025, 1, 1)))
    assert "đã nhận" in upload(client, outbox(good)).data.decode()
    lacking = {k: v for k, v in item(screening_instance(
        "mchat_r", mchat_answers(0), name="Võ Minh")).items() if k != "client_id"}
    html = upload(client, outbox(good, lacking)).data.decode()
    assert "Phiếu thứ 2 trong tệp thiếu hoặc sai trường &#39;client_id&#39;" in html
    assert persons() == {"Nguyễn Văn An"}


def test_no_file_and_a_file_too_large(app, staff, monkeypatch):
    client = signed_in(app, "gs-ba-dinh")
    page = client.get(PAGE)
    none = client.post(PAGE, data={"csrf_token": token(page.data)},
                       content_type="multipart/form-data")
    assert none.status_code == 400 and "400.150" in none.data.decode()
    monkeypatch.setattr(waiting_file, "MAX_BYTES", 1000)
    big = upload(client, outbox(item(screening_instance("mchat_r", mchat_answers(0)))))
    assert big.status_code == 413 and "413.150" in big.data.decode()
    assert persons() == set()


def test_the_page_in_english(app, staff):
    client = signed_in(app, "gs-ba-dinh")
    client.post("/language", data={"lang": "en", "csrf_token": token(client.get(PAGE).data)})
    high = item(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10)))
    html = upload(client, outbox(high)).data.decode()
    assert "1 accepted, 0 already received, 0 rejected." in html
    assert "M-CHAT-R: high risk" in html
    bad = upload(client, b"nope").data.decode()
    assert "This file cannot be read: it is not JSON." in bad


def test_the_upload_needs_its_csrf_token_and_a_signed_in_user(app, client, staff):
    data = outbox(item(screening_instance("mchat_r", mchat_answers(0))))
    anonymous = client.post(PAGE, data={"file": (io.BytesIO(data), "f.json")},
                            content_type="multipart/form-data")
    assert anonymous.status_code in (302, 400)
    signed = signed_in(app, "gs-ba-dinh")
    refused = upload(signed, data, csrf=False)
    assert refused.status_code == 400 and "400.21" in refused.data.decode()
    assert persons() == set()


def test_attachments_in_the_file_are_stored(app, staff):
    client = signed_in(app, "dp-ha-noi")
    xml = screening_instance("mchat_r", mchat_answers(0), dob=date(2025, 1, 1))
    jpeg = b"\xff\xd8\xff\xe0 fake jpeg"
    with_photo = item(xml, attachments={"anh.jpg": base64.b64encode(jpeg).decode()})
    html = upload(client, outbox(with_photo)).data.decode()
    assert "1 phiếu được nhận" in html
    db.session.expire_all()
    [submission] = db.session.scalars(select(Submission)).all()
    assert submission.instance_id == with_photo["client_id"]


def _user_id(username: str) -> int:
    from server.models import User
    return db.session.scalar(select(User.id).where(User.username == username))

