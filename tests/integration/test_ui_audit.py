"""Issue 12, the audit view for admins (``/admin/audit``, ``services/audit_trail.py``), through
Flask's test client on SQLite and PostgreSQL.

Who read or changed what, newest first, 50 to a page, filtered by user (username), person (a
record id: rows about the person, their case and its work), action (``person.read``, or a
family such as ``person``) and period (dd/mm/yyyy, Vietnam's dates). Only admins (403.4). An
admin sees the rows tied to their area: by the record a row is about (a person's commune, a
facility's or a user's area...), else by who acted (a user's areas, a device's commune); rows
tied to no area (the system, a refused sign-in) only when the admin has the whole country.
Viewing the audit log is itself audited.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AdminUnit, ApiToken, AppUser, AuditEvent, Case, Person, User
from server.services.access import api_tokens, users
from server.services.access.scope import scope_for_areas
from server.services.audit import SYSTEM
from server.services.cases import facilities
from tests.integration.test_ui import PASSWORD, signed_in

PAGE = "/admin/audit"
HA_NOI_PERSON = "11111111-1111-4111-8111-111111111111"   # Phường Ba Đình (01)
LAO_CAI_PERSON = "22222222-2222-4222-8222-222222222222"  # Xã Hợp Thành (15)
MARCH = datetime(2026, 3, 9, 18, 0, tzinfo=UTC)  # 10/03/2026 01:00 in Vietnam


@pytest.fixture
def staff(app):
    with transaction():
        provinces = list(db.session.scalars(
            select(AdminUnit.code).where(AdminUnit.province_code.is_(None))))
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ca-nuoc", "admin", provinces, PASSWORD)
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-hop-thanh", "supervisor", ["02680"], PASSWORD)
        db.session.add_all([Person(id=HA_NOI_PERSON, commune_code="00004"),
                            Person(id=LAO_CAI_PERSON, commune_code="02680")])
        db.session.flush()
        db.session.add_all([Case(person_id=HA_NOI_PERSON), Case(person_id=LAO_CAI_PERSON)])


def _id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def _case(person_id: str) -> int:
    return db.session.scalar(select(Case.id).where(Case.person_id == person_id))


def _event(at: datetime, actor: str | None, action: str, target_type: str, target_id,
           **detail) -> None:
    actor_type = "user" if actor else "system"
    db.session.add(AuditEvent(at=at, actor_type=actor_type,
                              actor_id=_id(actor) if actor else None, action=action,
                              target_type=target_type, target_id=str(target_id),
                              remote_addr="10.0.0.9", detail=detail))


@pytest.fixture
def trail(staff):
    """A small audit log: each row's ``detail`` names it (``mark``) so the page can be read."""
    with transaction():
        ha_noi_case, lao_cai_case = _case(HA_NOI_PERSON), _case(LAO_CAI_PERSON)
        rows = [
            (MARCH, "gs-ba-dinh", "person.read", "person", HA_NOI_PERSON, "hn-person-read"),
            (MARCH + timedelta(hours=1), "gs-ba-dinh", "case.read", "case", ha_noi_case,
             "hn-case-read"),
            (MARCH + timedelta(days=2), "dp-ha-noi", "case.update", "case", ha_noi_case,
             "hn-case-update"),
            (MARCH, "gs-hop-thanh", "person.read", "person", LAO_CAI_PERSON, "lc-person-read"),
            # a whole-country admin reading a Lào Cai case: about Lào Cai, so not Hà Nội's
            (MARCH, "qtv-ca-nuoc", "case.read", "case", lao_cai_case, "lc-case-read"),
            # lists: about no one record, tied to the area of whoever listed
            (MARCH - timedelta(days=20), "gs-ba-dinh", "case.list", "case", "*", "hn-list"),
            (MARCH, "gs-hop-thanh", "case.list", "case", "*", "lc-list"),
            # tied to no area at all
            (MARCH, None, "form.publish", "form_version", 3, "system-publish"),
        ]
        for at, actor, action, target_type, target_id, mark in rows:
            _event(at, actor, action, target_type, target_id, mark=mark)


def _marks(html: str) -> list[str]:
    """The rows shown, newest first, by their mark."""
    return re.findall(r"&#34;mark&#34;: &#34;([a-z0-9-]+)&#34;", html)


def test_only_admins_reach_the_audit_view(app, trail):
    for username in ("gs-ba-dinh", "dp-ha-noi"):
        refused = signed_in(app, username).get(PAGE)
        assert refused.status_code == 403 and "403.4" in refused.data.decode(), username
    admin = signed_in(app, "qtv-ha-noi")
    assert f'href="{PAGE}"' in admin.get("/worklist").data.decode()
    assert f'href="{PAGE}"' not in signed_in(app, "dp-ha-noi").get("/worklist").data.decode()


def test_a_province_admin_sees_only_rows_tied_to_the_province(app, trail):
    html = signed_in(app, "qtv-ha-noi").get(PAGE).data.decode()
    assert _marks(html) == ["hn-case-update", "hn-case-read", "hn-person-read", "hn-list"]
    assert LAO_CAI_PERSON not in html and "gs-hop-thanh" not in html
    assert "gs-ba-dinh" in html and "dp-ha-noi" in html and "10/03/2026 01:00" in html


def test_an_admin_of_the_whole_country_sees_everything(app, trail):
    html = signed_in(app, "qtv-ca-nuoc").get(PAGE).data.decode()
    assert sorted(_marks(html)) == sorted([
        "hn-person-read", "hn-case-read", "hn-case-update", "lc-person-read", "lc-case-read",
        "hn-list", "lc-list", "system-publish"])
    # rows of the whole country, and the admin's own first sign-in, newest first
    events = _marks(html)
    assert events[0] == "hn-case-update" and events[-1] == "hn-list"


def test_the_view_filters_by_user(app, trail):
    admin = signed_in(app, "qtv-ha-noi")
    assert _marks(admin.get(f"{PAGE}?user=gs-ba-dinh").data.decode()) == [
        "hn-case-read", "hn-person-read", "hn-list"]
    assert _marks(admin.get(f"{PAGE}?user=gs-hop-thanh").data.decode()) == []
    unknown = admin.get(f"{PAGE}?user=nobody")
    assert unknown.status_code == 404 and "Không có người dùng &#39;nobody&#39;" in \
        unknown.data.decode()


def test_the_view_filters_by_person_their_case_and_its_work(app, trail):
    admin = signed_in(app, "qtv-ha-noi")
    html = admin.get(f"{PAGE}?person={HA_NOI_PERSON}").data.decode()
    assert _marks(html) == ["hn-case-update", "hn-case-read", "hn-person-read"]
    assert _marks(admin.get(f"{PAGE}?person={LAO_CAI_PERSON}").data.decode()) == []
    everywhere = signed_in(app, "qtv-ca-nuoc")
    # the same moment: the later row first
    assert _marks(everywhere.get(f"{PAGE}?person={LAO_CAI_PERSON}").data.decode()) == [
        "lc-case-read", "lc-person-read"]


def test_the_view_filters_by_action_and_by_family(app, trail):
    admin = signed_in(app, "qtv-ha-noi")
    assert _marks(admin.get(f"{PAGE}?action=case.read").data.decode()) == ["hn-case-read"]
    assert _marks(admin.get(f"{PAGE}?action=case").data.decode()) == [
        "hn-case-update", "hn-case-read", "hn-list"]


def test_the_view_filters_by_period_in_vietnams_dates(app, trail):
    """MARCH is 18:00 UTC on 9 March: 01:00 on 10 March in Vietnam, so inside a period that
    starts on 10/03/2026 and outside one that ends on 09/03/2026."""
    admin = signed_in(app, "qtv-ha-noi")
    assert _marks(admin.get(f"{PAGE}?from=10/03/2026&to=10/03/2026").data.decode()) == [
        "hn-case-read", "hn-person-read"]
    assert _marks(admin.get(f"{PAGE}?to=09/03/2026").data.decode()) == ["hn-list"]
    assert _marks(admin.get(f"{PAGE}?from=11/03/2026&user=dp-ha-noi").data.decode()) == [
        "hn-case-update"]


@pytest.mark.parametrize("query,code", [
    ("from=31/02/2026", "400.26"), ("to=yesterday", "400.26"),
    ("person=not%20an%20id%3B", "400.73"), ("action=DROP%20TABLE", "400.73"),
    ("person=" + "a" * 37, "400.73"),
])
def test_a_filter_that_cannot_be_read_is_explained(app, trail, query, code):
    answer = signed_in(app, "qtv-ha-noi").get(f"{PAGE}?{query}")
    html = answer.data.decode()
    assert answer.status_code == 400 and 'role="alert"' in html and _marks(html) == []


def test_rows_come_fifty_to_a_page_newest_first(app, staff):
    with transaction():
        for minute in range(60):
            _event(MARCH + timedelta(minutes=minute), "gs-ba-dinh", "person.read", "person",
                   HA_NOI_PERSON, mark=f"row-{minute:02d}")
    admin = signed_in(app, "qtv-ha-noi")
    first = admin.get(f"{PAGE}?action=person.read").data.decode()
    assert _marks(first) == [f"row-{m:02d}" for m in range(59, 9, -1)]
    assert "page=2" in first
    second = admin.get(f"{PAGE}?action=person.read&page=2").data.decode()
    assert _marks(second) == [f"row-{m:02d}" for m in range(9, -1, -1)]
    assert "page=3" not in second


def test_viewing_the_audit_log_is_audited(app, trail):
    admin = signed_in(app, "qtv-ha-noi")
    admin.get(f"{PAGE}?user=gs-ba-dinh&from=01/03/2026")
    db.session.expire_all()
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.read")).all()
    assert len(viewed) == 1
    assert (viewed[0].actor_type, viewed[0].actor_id) == ("user", _id("qtv-ha-noi"))
    assert viewed[0].detail == {"rows": 2, "page": 1,
                                "filters": {"user": "gs-ba-dinh", "from": "2026-03-01"}}
    html = admin.get(f"{PAGE}?action=audit.read").data.decode()
    assert "audit.read" in html and "qtv-ha-noi" in html


def test_each_kind_of_record_ties_its_rows_to_its_area(app, staff):
    """Facilities, users, devices, API tokens and population changes by their own area; a
    device's list by the device's commune. Hà Nội's admin sees the Hà Nội half only."""
    with transaction():
        everywhere = scope_for_areas(None)
        for username in ("gs-ba-dinh", "gs-hop-thanh"):
            api_tokens.create_token(SYSTEM, username)
        places = {"hn": ("00004", "gs-ba-dinh", "01"), "lc": ("02680", "gs-hop-thanh", "15")}
        for side, (commune, username, province) in places.items():
            facility = facilities.add(SYSTEM, everywhere, f"Trạm y tế {side}", "health_station",
                                      commune)
            device = users.create_app_user(SYSTEM, f"ctv-{side}", commune).app_user
            token_id = db.session.scalar(select(ApiToken.id).where(
                ApiToken.user_id == _id(username)))
            for target_type, target_id in (("facility", facility.id), ("user", _id(username)),
                                           ("app_user", device.id), ("api_token", token_id),
                                           ("area", province)):
                _event(MARCH, None, "x.change", target_type, target_id,
                       mark=f"{side}-{target_type.replace('_', '-')}")
            db.session.add(AuditEvent(at=MARCH, actor_type="app_user", actor_id=device.id,
                                      action="sync.changes", target_type="person",
                                      target_id="*", detail={"mark": f"{side}-device-sync"}))
        assert db.session.scalar(select(AppUser.id).where(AppUser.name == "ctv-hn"))
    shown = _marks(signed_in(app, "qtv-ha-noi").get(f"{PAGE}?from=01/03/2026&to=31/03/2026")
                   .data.decode())
    kinds = ["facility", "user", "app-user", "api-token", "area", "device-sync"]
    assert sorted(shown) == sorted(f"hn-{kind}" for kind in kinds)
    everything = _marks(signed_in(app, "qtv-ca-nuoc")
                        .get(f"{PAGE}?from=01/03/2026&to=31/03/2026").data.decode())
    assert sorted(everything) == sorted(f"{side}-{kind}" for side in ("hn", "lc")
                                        for kind in kinds)
