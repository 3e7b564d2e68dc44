"""Issue 12, people and devices (``/admin/users``, ``/admin/devices``; ``services/access/
staff.py`` and ``device_admin.py``), through Flask's test client on SQLite and PostgreSQL.

A coordinator (or an admin) manages the users and devices of their own area only: another
province's are 404 (404.60 for a user, 404.61 for a device), a supervisor is refused every page
(403.50), only an admin makes or touches an admin (403.4), nobody changes their own role or
areas (403.60). A new device's QR code is decoded from the page's image, as a phone would, and
must hold the settings Collect expects (openrosa.md b.7: base64 of zlib of the JSON, with the
device's server URL); that URL's formList offers the commune's forms, and nothing once the
device is revoked. A device's last contact is written when it authenticates, at most once per
five minutes. Every change is an audit row.
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import event

from server.boundary import transaction
from server.collect_settings import project_name, settings_payload
from server.extensions import db
from server.models import AppUser, AuditEvent, User
from server.models.types import utcnow
from server.programme import VIETNAM
from server.services.access import users
from server.services.access.devices import token_hash
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.test_ui import PASSWORD, sign_in, signed_in, token
from tests.support.collect import CollectClient
from tests.support.qr import decode, svg_from_data_uri, svg_modules

COLLECT_UA = "org.odk.collect.android/v2025.2.3 Dalvik/2.1.0 (Linux; U; Android 13; SM-A145F)"


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-hcm", "coordinator", ["79"], PASSWORD)
        users.create_user(SYSTEM, "dp-ba-dinh", "coordinator", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ba-dinh", "admin", ["00004"], PASSWORD)


def _user(username: str) -> User:
    db.session.expire_all()
    return db.session.query(User).filter_by(username=username).one()


def _device(name: str) -> AppUser:
    db.session.expire_all()
    return db.session.query(AppUser).filter_by(name=name).one()


def _post(client, path: str, page: str = "/admin/users", **data):
    csrf = token(client.get(page).data)
    return client.post(path, data={**data, "csrf_token": csrf})


def _actions() -> list[str]:
    return [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def _make_device(client, name: str, collaborator: User, commune: str = "00004"):
    return _post(client, "/admin/devices", "/admin/devices/new", name=name, commune=commune,
                 collaborator=str(collaborator.id))


def _qr_text(html: str) -> str:
    """What a phone reads from the page's QR image."""
    src = unescape(re.search(r'<img id="qr" src="([^"]+)"', html).group(1))
    found = decode(svg_modules(svg_from_data_uri(src)))
    assert len(found) == 1, found
    return found[0]


def _shown_url(html: str) -> str:
    return unescape(re.search(r'<code class="url">([^<]+)</code>', html).group(1))


def _with_device(client, collaborator: str = "ctv-ba-dinh", name: str = "ctv-ba-dinh-1"):
    with transaction():
        users.create_user(SYSTEM, collaborator, "collaborator", ["00004"])
    made = _make_device(client, name, _user(collaborator))
    assert made.status_code == 200, made.data.decode()[:2000]
    return made.data.decode()


def test_a_coordinator_adds_a_collaborator_and_a_device_whose_qr_code_collect_uses(
        app, staff, publish_bundled):
    publish_bundled("phq9", "gad7")
    with transaction():
        catalogue.assign_form(SYSTEM, "gad7", ["79"])  # Hồ Chí Minh's only
    coordinator = signed_in(app, "dp-ha-noi")
    form = coordinator.get("/admin/users/new")
    assert form.status_code == 200 and 'value="admin"' not in form.data.decode()
    added = _post(coordinator, "/admin/users", "/admin/users/new", username=" CTV-Ba-Dinh ",
                  role="collaborator", areas=["00004"], email="")
    assert added.status_code == 200 and "<code>" not in added.data.decode()  # no password
    collaborator = _user("ctv-ba-dinh")
    assert (collaborator.role, collaborator.area_codes, collaborator.password_hash) == \
        ("collaborator", ["00004"], None)
    assert "ctv-ba-dinh" in coordinator.get("/admin/users").data.decode()

    made = _make_device(coordinator, "ctv-ba-dinh-1", collaborator)
    assert made.status_code == 200
    html = made.data.decode()
    url = _shown_url(html)
    device = _device("ctv-ba-dinh-1")
    assert url.startswith("http://sangloc.test/key/")
    assert device.token_hash == token_hash(url.rsplit("/", 1)[1])
    read = _qr_text(html)
    assert read == settings_payload(url, project_name("Phường Ba Đình"))
    # what Collect does with it (openrosa.md b.7): base64, then zlib, then JSON
    settings = zlib.decompress(base64.b64decode(read)).decode()
    assert json.loads(settings) == {
        "general": {"server_url": url, "form_update_mode": "match_exactly",
                    "autosend": "wifi_and_cellular"},
        "project": {"name": "sàng lọc · Phường Ba Đình"}, "admin": {}}

    listed = CollectClient(app.test_client(), url).form_list()
    assert listed.status_code == 200
    assert b"<formID>phq9</formID>" in listed.data and b"gad7" not in listed.data
    page = coordinator.get(f"/admin/devices/{device.id}").data.decode()
    assert "phq9" in page and "gad7" not in page and "Phường Ba Đình" in page

    printed = _post(coordinator, f"/admin/devices/{device.id}/print", "/admin/devices",
                    token=url.rsplit("/", 1)[1])
    assert printed.status_code == 200 and _qr_text(printed.data.decode()) == read
    assert "<nav" not in printed.data.decode()  # the printable page carries no menu
    assert _actions()[-3:] == ["user.create", "app_user.create", "app_user.print"]
    assert url.rsplit("/", 1)[1] not in str([e.detail for e in db.session.query(AuditEvent)])


def test_revoking_a_device_refuses_its_form_list(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    url = _shown_url(_with_device(coordinator))
    device = _device("ctv-ba-dinh-1")
    collect = CollectClient(app.test_client(), url)
    assert collect.form_list().status_code == 200
    revoked = _post(coordinator, f"/admin/devices/{device.id}/revoke", "/admin/devices")
    assert revoked.status_code == 302
    refused = collect.form_list()
    assert refused.status_code == 403 and "đã bị thu hồi".encode() in refused.data  # 403.1
    assert _device("ctv-ba-dinh-1").revoked_at is not None
    assert "app_user.revoke" in _actions()
    again = _post(coordinator, f"/admin/devices/{device.id}/code", "/admin/devices")
    assert again.status_code == 409 and "409.60" in again.data.decode()


def test_a_new_code_ends_the_old_one_and_the_old_one_prints_nothing(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    old_url = _shown_url(_with_device(coordinator))
    device = _device("ctv-ba-dinh-1")
    renewed = _post(coordinator, f"/admin/devices/{device.id}/code", "/admin/devices")
    assert renewed.status_code == 200
    new_url = _shown_url(renewed.data.decode())
    assert new_url != old_url
    assert CollectClient(app.test_client(), old_url).form_list().status_code == 401
    assert CollectClient(app.test_client(), new_url).form_list().status_code == 200
    stale = _post(coordinator, f"/admin/devices/{device.id}/print", "/admin/devices",
                  token=old_url.rsplit("/", 1)[1])
    assert stale.status_code == 409 and "409.61" in stale.data.decode()
    reloaded = coordinator.get(f"/admin/devices/{device.id}/print")  # no token: explained
    assert reloaded.status_code == 200 and 'id="qr"' not in reloaded.data.decode()
    assert "app_user.new_token" in _actions()


def _updates_of_app_users(statements: list[str]):
    def listen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("UPDATE APP_USERS"):
            statements.append(statement)
    return listen


def test_last_contact_is_recorded_at_most_once_in_five_minutes(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    url = _shown_url(_with_device(coordinator))
    collect = CollectClient(app.test_client(), url)
    assert _device("ctv-ba-dinh-1").last_seen_at is None
    before = utcnow()
    assert collect.form_list().status_code == 200
    device = _device("ctv-ba-dinh-1")
    assert before <= device.last_seen_at <= utcnow()
    assert device.last_user_agent.startswith("org.odk.collect.android/v2026.3.3 ")
    first = device.last_seen_at

    updates: list[str] = []
    listen = _updates_of_app_users(updates)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        again = app.test_client().get(f"{url}/formList", base_url="http://sangloc.test",
                                      headers={"X-OpenRosa-Version": "1.0",
                                               "User-Agent": COLLECT_UA})
        assert again.status_code == 200
        assert collect.head_submission().status_code == 204
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert updates == []  # nothing written within the five minutes
    assert (_device("ctv-ba-dinh-1").last_seen_at, _device("ctv-ba-dinh-1").last_user_agent) \
        == (first, device.last_user_agent)

    with transaction():
        _device("ctv-ba-dinh-1").last_seen_at = first - timedelta(minutes=6)
    app.test_client().get(f"{url}/formList", base_url="http://sangloc.test",
                          headers={"X-OpenRosa-Version": "1.0", "User-Agent": COLLECT_UA})
    device = _device("ctv-ba-dinh-1")
    assert device.last_seen_at >= first and device.last_user_agent == COLLECT_UA
    listed = coordinator.get("/admin/devices").data.decode()
    assert "v2025.2.3" in listed
    local = device.last_seen_at.astimezone(VIETNAM)
    assert local.strftime("%d/%m/%Y %H:%M") in listed


def test_a_supervisor_is_refused_every_people_and_device_page(app, staff):
    supervisor = signed_in(app, "gs-ba-dinh")
    target = _user("gs-ba-dinh").id
    for path in ("/admin/users", "/admin/users/new", f"/admin/users/{target}",
                 "/admin/devices", "/admin/devices/new", "/admin/devices/1"):
        refused = supervisor.get(path)
        assert refused.status_code == 403 and "403.50" in refused.data.decode(), path
    csrf = token(supervisor.get("/worklist").data)
    for path, data in (("/admin/users", {"username": "x1", "role": "supervisor",
                                         "areas": "00004"}),
                       (f"/admin/users/{target}", {"role": "coordinator", "areas": "00004"}),
                       (f"/admin/users/{target}/active", {"active": "no"}),
                       (f"/admin/users/{target}/password", {}),
                       ("/admin/devices", {"name": "x1", "commune": "00004"})):
        answer = supervisor.post(path, data={**data, "csrf_token": csrf})
        assert answer.status_code == 403, path
    assert _user("gs-ba-dinh").role == "supervisor" and _user("gs-ba-dinh").active
    assert 'href="/admin/devices"' not in supervisor.get("/worklist").data.decode()


def test_another_provinces_coordinator_gets_404_for_users_and_devices(app, staff):
    _with_device(signed_in(app, "dp-ha-noi"))
    device, collaborator = _device("ctv-ba-dinh-1"), _user("ctv-ba-dinh")
    other = signed_in(app, "dp-hcm")
    assert "ctv-ba-dinh" not in other.get("/admin/users").data.decode()
    assert "ctv-ba-dinh-1" not in other.get("/admin/devices").data.decode()
    assert other.get(f"/admin/users/{collaborator.id}").status_code == 404
    assert other.get(f"/admin/devices/{device.id}").status_code == 404
    for path, data, code in (
            (f"/admin/users/{collaborator.id}", {"role": "collaborator", "areas": "79"},
             "404.60"),
            (f"/admin/users/{collaborator.id}/active", {"active": "no"}, "404.60"),
            (f"/admin/users/{collaborator.id}/password", {}, "404.60"),
            (f"/admin/devices/{device.id}/revoke", {}, "404.61"),
            (f"/admin/devices/{device.id}/code", {}, "404.61"),
            (f"/admin/devices/{device.id}/print", {"token": "x"}, "404.61"),
            ("/admin/devices/999999/revoke", {}, "404.61")):
        answer = _post(other, path, **data)
        assert answer.status_code == 404 and code in answer.data.decode(), path
    given = _make_device(other, "ctv-hcm", collaborator)  # their commune is outside too
    assert given.status_code == 400 and "400.44" in given.data.decode()
    given = _make_device(other, "ctv-hcm", collaborator, commune="25747")
    assert given.status_code == 404 and "404.60" in given.data.decode()
    device, collaborator = _device("ctv-ba-dinh-1"), _user("ctv-ba-dinh")
    assert device.revoked_at is None and collaborator.active
    assert collaborator.area_codes == ["00004"]


def test_a_communes_coordinator_does_not_manage_province_wide_staff(app, staff):
    ba_dinh = signed_in(app, "dp-ba-dinh")
    listed = ba_dinh.get("/admin/users").data.decode()
    assert "gs-ba-dinh" in listed and "dp-ha-noi" not in listed and "qtv-ha-noi" not in listed
    assert ba_dinh.get(f"/admin/users/{_user('dp-ha-noi').id}").status_code == 404
    made = _post(ba_dinh, "/admin/users", username="gs-ha-noi", role="supervisor",
                 areas=["01"])  # the province is not theirs to give
    assert made.status_code == 404 and "404.8" in made.data.decode()
    assert db.session.query(User).filter_by(username="gs-ha-noi").count() == 0


def test_only_an_admin_makes_or_changes_an_admin(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    made = _post(coordinator, "/admin/users", username="qtv-2", role="admin", areas=["01"])
    assert made.status_code == 403 and "403.4" in made.data.decode()
    assert db.session.query(User).filter_by(username="qtv-2").count() == 0
    supervisor = _user("gs-ba-dinh").id
    promoted = _post(coordinator, f"/admin/users/{supervisor}", role="admin", areas=["00004"])
    assert promoted.status_code == 403 and "403.4" in promoted.data.decode()
    assert _user("gs-ba-dinh").role == "supervisor"
    admin = _user("qtv-ba-dinh").id  # an admin within the coordinator's province
    for path in (f"/admin/users/{admin}/password", f"/admin/users/{admin}/active"):
        answer = _post(coordinator, path, active="no")
        assert answer.status_code == 403 and "403.4" in answer.data.decode(), path
    assert _user("qtv-ba-dinh").active
    by_admin = _post(signed_in(app, "qtv-ha-noi"), f"/admin/users/{supervisor}",
                     role="admin", areas=["00004"])
    assert by_admin.status_code == 302 and _user("gs-ba-dinh").role == "admin"


def test_nobody_changes_their_own_role_or_deactivates_themselves(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    me = _user("dp-ha-noi").id
    changed = _post(coordinator, f"/admin/users/{me}", role="supervisor", areas=["01"])
    assert changed.status_code == 403 and "403.60" in changed.data.decode()
    narrowed = _post(coordinator, f"/admin/users/{me}", role="coordinator", areas=["00004"])
    assert narrowed.status_code == 403
    off = _post(coordinator, f"/admin/users/{me}/active", active="no")
    assert off.status_code == 403 and "403.60" in off.data.decode()
    me = _user("dp-ha-noi")
    assert (me.role, me.area_codes, me.active) == ("coordinator", ["01"], True)


def test_a_coordinator_edits_deactivates_and_activates_a_user_and_each_change_is_audited(
        app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    target = _user("gs-ba-dinh").id
    page = coordinator.get(f"/admin/users/{target}")
    assert page.status_code == 200 and 'value="00004" selected' in page.data.decode()
    outside = _post(coordinator, f"/admin/users/{target}", role="supervisor",
                    areas=["00004", "79"])
    assert outside.status_code == 404 and "404.8" in outside.data.decode()
    edited = _post(coordinator, f"/admin/users/{target}", role="coordinator",
                   areas=["00004", "00008"], email="gs@vi-du.vn")
    assert edited.status_code == 302
    user = _user("gs-ba-dinh")
    assert (user.role, user.area_codes, user.email) == \
        ("coordinator", ["00004", "00008"], "gs@vi-du.vn")
    assert _post(coordinator, f"/admin/users/{target}/active", active="no").status_code == 302
    assert not _user("gs-ba-dinh").active
    assert sign_in(app.test_client(), "gs-ba-dinh").status_code == 401
    assert _post(coordinator, f"/admin/users/{target}/active", active="yes").status_code == 302
    assert sign_in(app.test_client(), "gs-ba-dinh").status_code == 302
    events = {e.action: e for e in db.session.query(AuditEvent)
              if e.target_id == str(target) and e.actor_id == _user("dp-ha-noi").id}
    assert events["user.role"].detail == {"before": "supervisor", "after": "coordinator"}
    assert events["user.areas"].detail == {"before": ["00004"], "after": ["00004", "00008"]}
    assert {"user.update", "user.deactivate", "user.activate"} <= set(events)


def test_a_new_supervisor_gets_a_password_shown_once(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    made = _post(coordinator, "/admin/users", username="gs-ngoc-ha", role="supervisor",
                 areas=["00008"], email="")
    password = re.search(r"<code>([^<]+)</code>", made.data.decode()).group(1)
    assert sign_in(app.test_client(), "gs-ngoc-ha", unescape(password)).status_code == 302
    assert password not in str([e.detail for e in db.session.query(AuditEvent)])
    again = _post(coordinator, "/admin/users", username="gs-ngoc-ha", role="supervisor",
                  areas=["00008"])
    assert again.status_code == 409 and "409.6" in again.data.decode()
    bad = _post(coordinator, "/admin/users", username="Nguyễn Văn A", role="supervisor",
                areas=["00008"])
    assert bad.status_code == 400 and "400.60" in bad.data.decode()
    assert 'value="Nguyễn Văn A"' in bad.data.decode()  # the form is kept as typed


def test_a_collaborator_whose_device_is_in_use_stays_a_collaborator_of_its_commune(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    _with_device(coordinator)
    collaborator = _user("ctv-ba-dinh").id
    for role, areas in (("supervisor", ["00004"]), ("collaborator", ["00008"])):
        refused = _post(coordinator, f"/admin/users/{collaborator}", role=role, areas=areas)
        assert refused.status_code == 409 and "409.62" in refused.data.decode()
    assert _post(coordinator, f"/admin/users/{collaborator}", role="collaborator",
                 areas=["01"]).status_code == 302  # wider still covers the device


def test_a_device_needs_a_collaborator_and_a_usable_name(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    with transaction():
        users.create_user(SYSTEM, "ctv-ba-dinh", "collaborator", ["00004"])
    missing = _post(coordinator, "/admin/devices", "/admin/devices/new", name="may-1",
                    commune="00004", collaborator="")
    assert missing.status_code == 400 and "400.61" in missing.data.decode()
    named = _make_device(coordinator, "máy 1", _user("ctv-ba-dinh"))
    assert named.status_code == 400 and "400.60" in named.data.decode()
    elsewhere = _make_device(coordinator, "may-1", _user("ctv-ba-dinh"), commune="00008")
    assert elsewhere.status_code == 409 and "409.8" in elsewhere.data.decode()
    assert db.session.query(AppUser).count() == 0
