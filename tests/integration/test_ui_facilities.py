"""Issue 11, the facility list a coordinator keeps (``/admin/facilities``, ``services/cases/
facilities.py``, ``sangloc facilities``), through Flask's test client on SQLite and PostgreSQL.

Coordinators and admins keep the list for their own area (403.50 for anyone else signed in);
a facility or an area outside it is refused as an unknown one (404.50, 404.8); a bad value is
the problem's text on the page in the page's language, with the rest of the form kept; every
change is an audit row; a supervisor is offered the active facilities of their province.
"""

from __future__ import annotations

import re

import pytest

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Facility
from server.problems import Problem
from server.services.access import users
from server.services.access.scope import scope_for_areas, scope_of
from server.services.audit import SYSTEM
from server.services.cases import facilities
from tests.integration.test_ui import PASSWORD, signed_in, token

PAGE = "/admin/facilities"
HOSPITAL = {"name": "Bệnh viện Tâm thần Hà Nội", "kind": "psychiatric", "area_code": "01",
            "address": "467 Nguyễn Văn Linh, Long Biên", "phone": "024 3827 6534"}


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-hcm", "coordinator", ["79"], PASSWORD)
        users.create_user(SYSTEM, "dp-ba-dinh", "coordinator", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)


def _add(client, **fields) -> object:
    page = client.get(PAGE)
    return client.post(PAGE, data={**HOSPITAL, **fields, "csrf_token": token(page.data)})


def _only_facility() -> Facility:
    db.session.expire_all()
    return db.session.query(Facility).one()


def test_a_coordinator_adds_edits_deactivates_and_reactivates_a_facility(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    assert coordinator.get(PAGE).status_code == 200
    added = _add(coordinator)
    assert added.status_code == 302 and added.headers["Location"].startswith(PAGE)
    facility = _only_facility()
    assert (facility.name, facility.kind, facility.area_code, facility.phone, facility.active) \
        == (HOSPITAL["name"], "psychiatric", "01", "024 3827 6534", True)
    listed = coordinator.get(PAGE).data.decode()
    for shown in (HOSPITAL["name"], "Thành phố Hà Nội", HOSPITAL["address"], HOSPITAL["phone"]):
        assert shown in listed, shown

    form = coordinator.get(f"{PAGE}/{facility.id}")
    assert form.status_code == 200 and f'value="{HOSPITAL["phone"]}"' in form.data.decode()
    edited = coordinator.post(f"{PAGE}/{facility.id}", data={
        **HOSPITAL, "kind": "hospital", "area_code": "00008", "phone": "",
        "name": "  Bệnh viện   Đa khoa Ngọc Hà ", "csrf_token": token(form.data)})
    assert edited.status_code == 302
    facility = _only_facility()
    assert (facility.name, facility.kind, facility.area_code, facility.phone) == \
        ("Bệnh viện Đa khoa Ngọc Hà", "hospital", "00008", None)
    assert "Phường Ngọc Hà" in coordinator.get(PAGE).data.decode()

    page = coordinator.get(PAGE)
    off = coordinator.post(f"{PAGE}/{facility.id}/active",
                           data={"active": "no", "csrf_token": token(page.data)})
    assert off.status_code == 302 and _only_facility().active is False
    assert "Bệnh viện Đa khoa Ngọc Hà" in coordinator.get(PAGE).data.decode()  # still listed
    on = coordinator.post(f"{PAGE}/{facility.id}/active",
                          data={"active": "yes", "csrf_token": token(page.data)})
    assert on.status_code == 302 and _only_facility().active is True


def test_an_admin_keeps_the_list_too_and_both_find_it_in_the_menu(app, staff):
    admin = signed_in(app, "qtv-ha-noi")
    assert _add(admin).status_code == 302
    assert f'href="{PAGE}"' in admin.get("/worklist").data.decode()
    supervisor = signed_in(app, "gs-ba-dinh")
    assert f'href="{PAGE}"' not in supervisor.get("/worklist").data.decode()


def test_a_supervisor_is_refused_the_page_and_every_change(app, staff):
    with transaction():
        kept = facilities.add(SYSTEM, scope_for_areas(None), **HOSPITAL)
    supervisor = signed_in(app, "gs-ba-dinh")
    refused = supervisor.get(PAGE)
    assert refused.status_code == 403 and "403.50" in refused.data.decode()
    assert "điều phối viên" in refused.data.decode()
    assert supervisor.get(f"{PAGE}/{kept.id}").status_code == 403
    csrf = token(supervisor.get("/worklist").data)
    for path, data in ((PAGE, HOSPITAL), (f"{PAGE}/{kept.id}", {**HOSPITAL, "name": "X"}),
                       (f"{PAGE}/{kept.id}/active", {"active": "no"})):
        answer = supervisor.post(path, data={**data, "csrf_token": csrf})
        assert answer.status_code == 403, path
    facility = _only_facility()
    assert (facility.name, facility.active) == (HOSPITAL["name"], True)


def test_another_provinces_coordinator_neither_sees_nor_changes_a_facility(app, staff):
    with transaction():
        kept = facilities.add(SYSTEM, scope_for_areas(None), **HOSPITAL)
    other = signed_in(app, "dp-hcm")
    page = other.get(PAGE)
    assert page.status_code == 200 and HOSPITAL["name"] not in page.data.decode()
    assert other.get(f"{PAGE}/{kept.id}").status_code == 404
    for path, data in ((f"{PAGE}/{kept.id}", {**HOSPITAL, "area_code": "79", "name": "X"}),
                       (f"{PAGE}/{kept.id}/active", {"active": "no"}),
                       (f"{PAGE}/999999", HOSPITAL)):
        answer = other.post(path, data={**data, "csrf_token": token(page.data)})
        assert answer.status_code == 404 and "404.50" in answer.data.decode(), path
    placed = _add(other)  # an area outside theirs is refused like an unknown one
    assert placed.status_code == 404 and "Không có địa bàn mã &#39;01&#39;" in \
        placed.data.decode()
    facility = _only_facility()
    assert (facility.name, facility.area_code, facility.active) == (HOSPITAL["name"], "01", True)


def test_a_communes_coordinator_keeps_only_its_communes_facilities(app, staff):
    """A coordinator of one commune does not hold the province: its facilities are not theirs."""
    with transaction():
        provincial = facilities.add(SYSTEM, scope_for_areas(None), **HOSPITAL)
        ba_dinh = scope_of(users.get_user("dp-ba-dinh"))
        assert list(facilities.area_choices(ba_dinh)) == ["00004"]
        station = facilities.add(SYSTEM, ba_dinh, "Trạm y tế phường Ba Đình",
                                 "health_station", "00004")
        with pytest.raises(Problem) as refused:
            facilities.add(SYSTEM, ba_dinh, "Bệnh viện Nhi", "paediatric", "01")
        assert refused.value.code == "404.8"
        assert facilities.list_managed(ba_dinh) == [station]
        with pytest.raises(Problem) as unknown:
            facilities.set_active(SYSTEM, ba_dinh, provincial.id, False)
        assert unknown.value.code == "404.50"


def test_a_supervisor_is_offered_the_active_facilities_of_their_province(app, staff):
    everywhere = scope_for_areas(None)
    with transaction():
        hospital = facilities.add(SYSTEM, everywhere, **HOSPITAL)
        station = facilities.add(SYSTEM, everywhere, "Trạm y tế phường Ngọc Hà",
                                 "health_station", "00008", None, None)
        closed = facilities.add(SYSTEM, everywhere, "Bệnh viện đã đóng", "hospital", "01")
        facilities.set_active(SYSTEM, everywhere, closed.id, False)
        facilities.add(SYSTEM, everywhere, "Bệnh viện Lào Cai", "hospital", "15")
        facilities.add(SYSTEM, everywhere, "Trạm y tế xã Hợp Thành", "health_station", "02680")
    with transaction():
        supervisor = scope_of(users.get_user("gs-ba-dinh"))
        offered = facilities.list_for(supervisor)
    assert {f.id for f in offered} == {hospital.id, station.id}
    with transaction():
        managed = facilities.list_managed(scope_of(users.get_user("dp-ha-noi")))
    assert {f.id for f in managed} == {hospital.id, station.id, closed.id}


def test_a_form_without_its_csrf_token_changes_nothing(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    refused = coordinator.post(PAGE, data=HOSPITAL)
    assert refused.status_code == 400 and "400.21" in refused.data.decode()
    assert db.session.query(Facility).count() == 0


@pytest.mark.parametrize("fields,status,text", [
    ({"name": "   "}, 400, "Hãy ghi tên cơ sở"),
    ({"kind": "spa"}, 400, "Không có loại cơ sở &#39;spa&#39;"),
    ({"phone": "0" * 31}, 400, "dài quá 30 ký tự"),
    ({"address": "x" * 301}, 400, "dài quá 300 ký tự"),
    ({"area_code": "99999"}, 404, "Không có địa bàn mã &#39;99999&#39;"),
])
def test_a_bad_value_is_explained_on_the_page_and_the_form_kept(app, staff, fields, status,
                                                                 text):
    coordinator = signed_in(app, "dp-ha-noi")
    answer = _add(coordinator, **fields)
    html = answer.data.decode()
    assert answer.status_code == status and text in html
    assert 'role="alert"' in html
    for key in ("address", "phone"):  # the rest of the form is kept as typed
        assert key in fields or f'value="{HOSPITAL[key]}"' in html, key
    assert db.session.query(Facility).count() == 0


def test_a_control_character_is_refused_before_anything_is_read(app, staff):
    """A NUL (PostgreSQL refuses it in text) is refused for every page's form, with the error
    page (``server/inputs.py``): nothing is added."""
    answer = _add(signed_in(app, "dp-ha-noi"), name="Bệnh viện\x00")
    assert answer.status_code == 400 and "ký tự điều khiển" in answer.data.decode()
    assert db.session.query(Facility).count() == 0


def test_a_bad_edit_is_explained_on_its_page_in_english_too(app, staff):
    with transaction():
        kept = facilities.add(SYSTEM, scope_for_areas(None), **HOSPITAL)
    coordinator = signed_in(app, "dp-ha-noi")
    page = coordinator.get(PAGE)
    coordinator.post("/language", data={"lang": "en", "back": PAGE,
                                        "csrf_token": token(page.data)})
    answer = coordinator.post(f"{PAGE}/{kept.id}", data={
        **HOSPITAL, "name": "", "phone": "0909 000 111", "csrf_token": token(page.data)})
    html = answer.data.decode()
    assert answer.status_code == 400 and "The facility needs a name" in html
    edit_form = html[html.index(f'action="{PAGE}/{kept.id}"'):]
    assert 'value="0909 000 111"' in edit_form[:edit_form.index("</form>")]
    assert _only_facility().phone == HOSPITAL["phone"]


def test_every_change_is_audited_without_the_values(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    _add(coordinator)
    facility = _only_facility()
    page = coordinator.get(PAGE)
    coordinator.post(f"{PAGE}/{facility.id}", data={**HOSPITAL, "phone": "024 0000 0000",
                                                    "csrf_token": token(page.data)})
    coordinator.post(f"{PAGE}/{facility.id}", data={**HOSPITAL, "phone": "024 0000 0000",
                                                    "csrf_token": token(page.data)})  # no change
    for active in ("no", "no", "yes"):
        coordinator.post(f"{PAGE}/{facility.id}/active",
                         data={"active": active, "csrf_token": token(page.data)})
    events = [e for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
              if e.target_type == "facility"]
    assert [e.action for e in events] == ["facility.create", "facility.update",
                                         "facility.deactivate", "facility.activate"]
    assert {e.target_id for e in events} == {str(facility.id)}
    assert {e.actor_type for e in events} == {"user"}
    assert events[1].detail == {"changed": ["phone"]}
    assert "024" not in str([e.detail for e in events])  # ids and field names only


def test_the_page_loads_nothing_from_elsewhere_and_labels_every_field(app, staff):
    with transaction():
        facilities.add(SYSTEM, scope_for_areas(None), **HOSPITAL)
    coordinator = signed_in(app, "dp-ha-noi")
    for path in (PAGE, f"{PAGE}/{_only_facility().id}"):
        html = coordinator.get(path).data.decode()
        assert "<script>" not in html and "style=" not in html
        ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
        assert ids and all(f'for="{i}"' in html for i in ids), ids
        assert len(ids) == len(set(ids))


def test_the_command_line_lists_adds_and_deactivates(runner):
    def invoke(*args):
        return runner.invoke(args=["facilities", *args], catch_exceptions=False)

    added = invoke("add", "Bệnh viện Nhi Trung ương", "--kind", "paediatric", "--area", "01",
                   "--phone", "024 6273 8532")
    assert added.exit_code == 0, added.output
    facility = _only_facility()
    listed = invoke("list")
    assert listed.exit_code == 0 and "Bệnh viện Nhi Trung ương" in listed.output
    assert "Thành phố Hà Nội" in listed.output
    assert invoke("deactivate", str(facility.id)).exit_code == 0
    assert _only_facility().active is False
    refused = runner.invoke(args=["facilities", "add", "X", "--kind", "spa", "--area", "01"])
    assert refused.exit_code != 0
    unknown = runner.invoke(args=["facilities", "deactivate", "999999"])
    assert unknown.exit_code == 1 and "404.50" in unknown.output
