"""The API as the mobile web app uses it: both kinds of bearer token (a sign-in's API token and
a device link's token), signing in and out, who the app works for, and its forms and media."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import ApiToken, AuditEvent
from server.models.types import utcnow
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import OTHER_PROVINCE_COMMUNE
from tests.support.instances import mchat_answers, screening_instance
from tests.support.xlsform import photo_form

PASSWORD = "mat-khau-dai-du-12"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def people(app):
    """A collaborator and a supervisor of Ba Đình (00004), with passwords."""
    with transaction():
        users.create_user(SYSTEM, "ctv-mai", "collaborator", ["00004"], password=PASSWORD)
        users.create_user(SYSTEM, "gs-lan", "supervisor", ["00004"], password=PASSWORD)


def sign_in(client, username="ctv-mai", password=PASSWORD, **headers):
    return client.post("/api/v1/session", json={"username": username, "password": password},
                       headers=headers)


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# --- signing in and out ------------------------------------------------------------------

def test_a_collaborator_signs_in_and_gets_a_90_day_token(client, people):
    response = sign_in(client)
    assert response.status_code == 201
    body = response.json
    me = body["me"]
    assert (me["username"], me["role"], me["language"], me["device"]) == \
        ("ctv-mai", "collaborator", "vi", False)
    assert me["commune"] == {"code": "00004", "name": "Phường Ba Đình"}
    assert me["communes"] == [{"code": "00004", "name": "Phường Ba Đình"}]
    row = db.session.scalar(select(ApiToken))
    assert abs(row.expires_at - (utcnow() + timedelta(days=90))) < timedelta(minutes=1)
    assert client.get("/api/v1/me", headers=bearer(body["token"])).json == me
    [signed] = events("user.sign_in")
    assert signed.actor_type == "user" and signed.actor_id == me["user_id"]


def test_a_supervisor_is_told_the_app_is_for_collaborators(client, people):
    response = sign_in(client, "gs-lan", Accept_Language="vi")
    assert response.status_code == 403
    error = response.json["error"]
    assert error["code"] == "403.150"
    assert error["message"].startswith("Ứng dụng sàng lọc trên điện thoại chỉ dành cho "
                                       "cộng tác viên")
    english = sign_in(client, "gs-lan").json["error"]["message"]
    assert english.startswith("The mobile screening app is for collaborators only")
    assert db.session.scalar(select(ApiToken)) is None


def test_a_wrong_password_and_an_unknown_name_get_the_same_401(client, people):
    wrong = sign_in(client, password="sai-mat-khau")
    unknown = sign_in(client, username="khong-co-ai")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["error"]["code"] == "401.3"
    assert len(events("user.sign_in_refused")) == 2  # refusals are audited, not rolled back


def test_sign_in_is_throttled_like_the_web_sign_in(client, people):
    for _ in range(5):  # sessions.ACCOUNT_LIMIT wrong passwords for one account
        assert sign_in(client, password="sai").status_code == 401
    throttled = sign_in(client)  # even the right password waits now
    assert throttled.status_code == 429
    assert throttled.json["error"]["code"] == "429.2"


def test_sign_in_body_is_validated(client, people):
    response = client.post("/api/v1/session", json={"username": "ctv-mai"})
    assert response.status_code == 400
    assert "password" in response.json["error"]["errors"]["json"]


def test_signing_out_revokes_the_token(client, people):
    token = sign_in(client).json["token"]
    assert client.delete("/api/v1/session", headers=bearer(token)).status_code == 204
    refused = client.get("/api/v1/me", headers=bearer(token))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "401.2"
    assert len(events("api_token.revoke")) == 1


def test_signing_out_with_a_device_token_leaves_the_device_alone(client, device):
    assert client.delete("/api/v1/session", headers=bearer(device.token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(device.token)).status_code == 200


# --- a device link's token works on every endpoint ----------------------------------------

def test_me_for_a_device_is_its_commune_and_its_collaborator(client, make_device):
    device = make_device("ctv-lc", OTHER_PROVINCE_COMMUNE)
    me = client.get("/api/v1/me", headers=bearer(device.token)).json
    assert (me["username"], me["role"], me["device"]) == ("ctv-lc", "collaborator", True)
    assert me["commune"] == {"code": "02680", "name": "Xã Hợp Thành"}
    assert me["communes"] == [{"code": "02680", "name": "Xã Hợp Thành"}]


def test_sync_and_changes_with_a_device_token(client, publish_bundled, device):
    publish_bundled("mchat_r")
    xml = screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10)).decode()
    response = client.post("/api/v1/sync", json={"submissions": [
        {"client_id": "uuid:1", "xml": xml}]}, headers=bearer(device.token))
    assert response.status_code == 200
    [result] = response.json["results"]
    assert result["status"] == "accepted" and result["score"]["band"] == "high"
    assert result["message"].startswith("M-CHAT-R: nguy cơ cao")  # the device's language: vi
    [received] = events("submission.create")
    assert (received.actor_type, received.actor_id) == ("app_user", _app_user_id(device))
    changes = client.get("/api/v1/sync/changes", headers=bearer(device.token)).json
    assert [p["full_name"] for p in changes["persons"]] == ["Nguyễn Văn An"]
    assert [f["form_id"] for f in changes["form_versions"]] == ["mchat_r"]
    persons = client.get("/api/v1/persons", headers=bearer(device.token)).json["items"]
    assert [p["full_name"] for p in persons] == ["Nguyễn Văn An"]


def test_a_device_in_english_gets_english_results(client, publish_bundled, device):
    publish_bundled("mchat_r")
    with transaction():
        from server.models import AppUser
        db.session.scalar(select(AppUser).where(AppUser.name == device.name)).language = "en"
    xml = screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 2, 10)).decode()
    [result] = client.post("/api/v1/sync", json={"submissions": [
        {"client_id": "uuid:1", "xml": xml}]}, headers=bearer(device.token)).json["results"]
    assert result["message"].startswith("M-CHAT-R: high risk")


def test_a_revoked_device_is_refused(client, device):
    with transaction():
        users.revoke_app_user(SYSTEM, device.name)
    for response in (client.get("/api/v1/me", headers=bearer(device.token)),
                     client.get("/api/v1/forms", headers=bearer(device.token)),
                     client.post("/api/v1/sync", headers=bearer(device.token), json={
                         "submissions": [{"client_id": "a", "xml": "<x/>"}]})):
        assert response.status_code == 403
        assert response.json["error"]["code"] == "403.1"


def test_a_deactivated_collaborators_device_and_token_are_refused(client, people, device):
    token = sign_in(client).json["token"]
    with transaction():
        from server.models import User
        for user in db.session.scalars(select(User)).all():
            user.active = False
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(device.token)).status_code == 403


def test_wrong_tokens_of_either_kind_are_throttled(client):
    for _ in range(20):
        client.get("/api/v1/me", headers=bearer("khong-dung"))
    response = client.get("/api/v1/me", headers=bearer("khong-dung"))
    assert response.status_code == 429 and response.json["error"]["code"] == "429.1"


# --- forms and media ------------------------------------------------------------------------

def test_forms_are_the_open_forms_of_the_callers_commune(client, publish_bundled, make_device,
                                                         people):
    publish_bundled("mchat_r", "phq9")
    with transaction():
        catalogue.assign_form(SYSTEM, "phq9", ["15"])  # Lào Cai province only
    hanoi = bearer(sign_in(client).json["token"])
    laocai = bearer(make_device("ctv-lc", OTHER_PROVINCE_COMMUNE).token)
    assert [f["form_id"] for f in client.get("/api/v1/forms", headers=hanoi).json["forms"]] \
        == ["mchat_r"]
    assert [f["form_id"] for f in client.get("/api/v1/forms", headers=laocai).json["forms"]] \
        == ["mchat_r", "phq9"]
    refused = client.get("/api/v1/forms/phq9/xml", headers=hanoi)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "403.2"
    unknown = client.get("/api/v1/forms/khong_co/xml", headers=hanoi)
    assert unknown.status_code == 404 and unknown.json["error"]["code"] == "404.1"


def test_form_entry_xml_and_generated_media(client, publish_bundled, device):
    publish_bundled("mchat_r")
    headers = bearer(device.token)
    [form] = client.get("/api/v1/forms", headers=headers).json["forms"]
    xml = client.get(form["xml_url"], headers=headers)
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("text/xml")
    assert form["xml_url"] == "/api/v1/forms/mchat_r/xml"
    assert form["hash"] == "md5:" + hashlib.md5(xml.data).hexdigest()
    assert form["case_list"] is True
    names = [m["name"] for m in form["media"]]
    assert "cases.csv" not in names and "communes.csv" in names
    [communes] = [m for m in form["media"] if m["name"] == "communes.csv"]
    assert communes["url"] == "/api/v1/forms/mchat_r/media/communes.csv"
    got = client.get(communes["url"], headers=headers)
    assert got.data.decode() == "name,label\n00004,Phường Ba Đình\n"
    assert communes["hash"] == "md5:" + hashlib.md5(got.data).hexdigest()
    assert got.headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/forms/mchat_r/media/cases.csv",
                      headers=headers).status_code == 404


def test_attached_media_bytes(app, client, publish, device):
    publish(photo_form(), "photo_visit.xlsx")
    png = b"\x89PNG\r\n\x1a\nfake image bytes"
    with transaction():
        catalogue.attach_media(SYSTEM, app.extensions["sangloc_blobs"], "photo_visit",
                               "logo.png", png)
    headers = bearer(device.token)
    [form] = client.get("/api/v1/forms", headers=headers).json["forms"]
    assert form["case_list"] is False and form["title"] == "Thăm hộ"
    media = {m["name"]: m for m in form["media"]}
    assert set(media) == {"communes.csv", "logo.png"}
    assert media["logo.png"]["hash"] == "md5:" + hashlib.md5(png).hexdigest()
    image = client.get(media["logo.png"]["url"], headers=headers)
    assert image.status_code == 200 and image.data == png
    assert image.headers["Content-Type"] == "image/png"
    missing = client.get("/api/v1/forms/photo_visit/media/nothing.png", headers=headers)
    assert missing.status_code == 404


def test_the_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/session", "/api/v1/me", "/api/v1/forms",
                 "/api/v1/forms/{form_id}/xml", "/api/v1/forms/{form_id}/media/{name}"):
        assert path in paths, path


def _app_user_id(device) -> int:
    from server.models import AppUser
    return db.session.scalar(select(AppUser.id).where(AppUser.name == device.name))
