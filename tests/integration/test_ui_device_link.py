"""The mobile web app's device link on the coordinator's device pages: where a new device's
code is shown once (and on its printable page), the link ``<public URL>/m/#device=<token>`` is
shown too, with its own QR code (read here as a phone's camera would), explained in the page's
language; the token in it is the device's, which the API accepts as a bearer token."""

from __future__ import annotations

import re
from html import unescape

import pytest

from server.boundary import transaction
from server.extensions import db
from server.models import AppUser, User
from server.services.access import users
from server.services.access.devices import token_hash
from server.services.audit import SYSTEM
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.qr import decode, svg_from_data_uri, svg_modules

EXPLAINED_VI = ("Mở liên kết này trên điện thoại để dùng ứng dụng sàng lọc trên trình duyệt, "
                "không cần ODK Collect.")
EXPLAINED_EN = ("Open this link on the phone to use the screening app in the browser, without "
                "ODK Collect.")


@pytest.fixture
def coordinator(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "ctv-ba-dinh", "collaborator", ["00004"])
    return signed_in(app, "dp-ha-noi")


def _post(client, path: str, page: str, **data):
    return client.post(path, data={**data, "csrf_token": token(client.get(page).data)})


def _qr(html: str, image_id: str) -> str:
    src = unescape(re.search(rf'<img id="{image_id}" src="([^"]+)"', html).group(1))
    [found] = decode(svg_modules(svg_from_data_uri(src)))
    return found


def _app_link(html: str) -> str:
    return unescape(re.search(r'<code class="app-url">([^<]+)</code>', html).group(1))


def _make(client) -> str:
    collaborator = db.session.query(User).filter_by(username="ctv-ba-dinh").one()
    made = _post(client, "/admin/devices", "/admin/devices/new", name="ctv-ba-dinh-1",
                 commune="00004", collaborator=str(collaborator.id))
    assert made.status_code == 200
    return made.data.decode()


def test_the_code_page_shows_the_device_link_and_its_qr_code(app, client, coordinator):
    html = _make(coordinator)
    link = _app_link(html)
    assert link.startswith("http://sangloc.test/m/#device=")
    device_token = link.split("#device=", 1)[1]
    db.session.expire_all()
    device = db.session.query(AppUser).filter_by(name="ctv-ba-dinh-1").one()
    assert device.token_hash == token_hash(device_token)
    collect_url = unescape(re.search(r'<code class="url">([^<]+)</code>', html).group(1))
    assert collect_url == f"http://sangloc.test/key/{device_token}"  # one token, two ways
    assert _qr(html, "qr-app") == link
    assert EXPLAINED_VI in html
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {device_token}"})
    assert me.status_code == 200
    assert (me.json["username"], me.json["device"]) == ("ctv-ba-dinh", True)


def test_the_printable_page_shows_the_link_in_the_devices_language(app, coordinator):
    html = _make(coordinator)
    link = _app_link(html)
    device_id = db.session.query(AppUser.id).filter_by(name="ctv-ba-dinh-1").scalar()
    printed = _post(coordinator, f"/admin/devices/{device_id}/print", "/admin/devices",
                    token=link.split("#device=", 1)[1]).data.decode()
    assert _app_link(printed) == link and _qr(printed, "qr-app") == link
    assert EXPLAINED_VI in printed
    with transaction():
        db.session.get(AppUser, device_id).language = "en"
    english = _post(coordinator, f"/admin/devices/{device_id}/print", "/admin/devices",
                    token=link.split("#device=", 1)[1]).data.decode()
    assert EXPLAINED_EN in english and _qr(english, "qr-app") == link


def test_a_new_code_gives_a_new_link_and_ends_the_old_one(app, client, coordinator):
    old = _app_link(_make(coordinator)).split("#device=", 1)[1]
    device_id = db.session.query(AppUser.id).filter_by(name="ctv-ba-dinh-1").scalar()
    renewed = _post(coordinator, f"/admin/devices/{device_id}/code", "/admin/devices")
    new = _app_link(renewed.data.decode()).split("#device=", 1)[1]
    assert new != old
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"}).status_code \
        == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {new}"}).status_code \
        == 200
