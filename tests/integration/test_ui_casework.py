"""Issue 11, working a case beyond closing its actions, through the pages (SQLite, PostgreSQL).

Handing work to a collaborator (it shows on their device's case list as theirs, due),
"needs info" back to a collaborator with a note, comments, possible duplicates side by side
with merge or "different people", registration differences kept or taken, a call or walk-in
taken without a screening (the same case a later screening joins), and the worklist's
instrument, risk and "assigned to me" filters. Every change is scoped: another commune's
supervisor gets the same 404 as an unknown id.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Case, CaseAction, Person, PersonLink
from server.programme import today
from server.services.access import users
from server.services.audit import SYSTEM
from tests.integration.test_ui import PASSWORD, sign_in, token
from tests.support.instances import levels, screening_instance

ADULT = date(1990, 5, 17)


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ngoc-ha", "supervisor", ["00008"], PASSWORD)
        users.create_user(SYSTEM, "gs-ha-noi", "supervisor", ["01"], PASSWORD)


def _submit(device, name="Lê Văn Gấp", answers=None, **kwargs) -> None:
    xml = screening_instance("phq9", answers or levels(9, q09=1), dob=ADULT, name=name,
                             **kwargs)
    assert device.collect.submit(xml).status_code == 201


def _case_of(name: str) -> Case:
    person = db.session.scalar(select(Person).where(Person.full_name == name))
    return db.session.scalar(select(Case).where(Case.person_id == person.id))


def _case_list(device) -> list[dict[str, str]]:
    data = device.collect.get(f"{device.server_url}/forms/phq9/attachments/cases.csv").data
    return list(csv.DictReader(io.StringIO(data.decode())))


def _user_id(username: str) -> int:
    return users.get_user(username).id


def test_an_action_assigned_to_a_collaborator_is_theirs_on_the_device(client, staff, all_forms,
                                                                      make_device):
    mine, theirs = make_device("ctv-an", "00004"), make_device("ctv-binh", "00004")
    make_device("ctv-ngoc-ha", "00008")
    _submit(mine)
    case = _case_of("Lê Văn Gấp")
    action = case.actions[0]
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{case.id}")
    html = page.data.decode()
    assert "ctv-an" in html and "ctv-binh" in html and "ctv-ngoc-ha" not in html
    # a collaborator of another commune is refused, with a Vietnamese message
    refused = client.post(f"/cases/{case.id}/actions/{action.id}/assign", data={
        "user_id": _user_id("ctv-ngoc-ha"), "csrf_token": token(page.data)})
    assert refused.status_code == 400 and "không làm việc ở xã/phường" in refused.data.decode()
    version = next(r for r in _case_list(mine) if r["full_name"] == "Lê Văn Gấp")["__version"]
    done = client.post(f"/cases/{case.id}/actions/{action.id}/assign", data={
        "user_id": _user_id("ctv-an"), "csrf_token": token(page.data)})
    assert done.status_code == 302
    assert db.session.get(CaseAction, action.id).assigned_to_id == _user_id("ctv-an")
    row = next(r for r in _case_list(mine) if r["full_name"] == "Lê Văn Gấp")
    # Collect replaces an entity it holds only when the server's version is higher
    assert int(row["__version"]) > int(version)
    due = today().strftime("%d/%m/%Y")
    assert row["assigned_action"] == f"safety_contact {today().isoformat()}"
    assert row["label"] == f"Lê Văn Gấp (17/05/1990) — việc được giao, hạn {due}"
    other = next(r for r in _case_list(theirs) if r["full_name"] == "Lê Văn Gấp")
    assert other["assigned_action"] == "" and other["label"] == "Lê Văn Gấp (17/05/1990)"
    assert any(e.action == "action.assign" for e in db.session.query(AuditEvent))


def test_needs_info_sends_the_case_back_to_a_collaborator_with_a_note(client, staff,
                                                                      all_forms, make_device):
    device = make_device("ctv-an", "00004")
    _submit(device, answers=levels(9, q01=2, q02=2, q03=2, q04=2, q05=2))  # moderate
    case = _case_of("Lê Văn Gấp")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{case.id}")
    note = "Hỏi lại gia đình về giấc ngủ"
    for bad in ({"user_id": _user_id("ctv-an"), "note": " "},
                {"user_id": _user_id("gs-ba-dinh"), "note": note}):  # not a collaborator
        assert client.post(f"/cases/{case.id}/needs-info",
                           data={**bad, "csrf_token": token(page.data)}).status_code == 400
    sent = client.post(f"/cases/{case.id}/needs-info", data={
        "user_id": _user_id("ctv-an"), "note": note, "csrf_token": token(page.data)})
    assert sent.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    asked = next(a for a in case.actions if a.kind == "needs_info")
    assert case.state == "needs_info" and asked.assigned_to_id == _user_id("ctv-an")
    assert asked.due == today() + timedelta(days=7) and asked.instructions == note
    row = next(r for r in _case_list(device) if r["full_name"] == "Lê Văn Gấp")
    assert row["assigned_note"] == note
    assert row["assigned_action"] == f"needs_info {asked.due.isoformat()}"
    html = client.get(f"/cases/{case.id}").data.decode()
    assert note in html and "Cộng tác viên bổ sung thông tin" in html


def test_comments_are_kept_in_the_case_and_audited_without_their_text(client, staff,
                                                                       all_forms, device):
    _submit(device)
    case = _case_of("Lê Văn Gấp")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{case.id}")
    empty = client.post(f"/cases/{case.id}/comments",
                        data={"body": "  ", "csrf_token": token(page.data)})
    assert empty.status_code == 400 and "Nội dung trống" in empty.data.decode()
    text = "Đã gặp mẹ tại trạm y tế"
    assert client.post(f"/cases/{case.id}/comments", data={
        "body": text, "csrf_token": token(page.data)}).status_code == 302
    assert text in client.get(f"/cases/{case.id}").data.decode()
    rows = [e for e in db.session.query(AuditEvent) if e.action == "case.comment"]
    assert len(rows) == 1 and text not in repr(rows[0].detail)


def _two_registrations(device) -> tuple[Case, Case]:
    _submit(device, name="Phạm Thị Lan")
    _submit(device, name="Phạm Thị Lan", phone="0987654321",
            answers=levels(9, q01=2, q02=2, q03=2, q04=2, q05=2))  # moderate: an assessment
    cases = db.session.scalars(select(Case).join(Person).where(
        Person.full_name == "Phạm Thị Lan").order_by(Case.id)).all()
    assert len(cases) == 2
    return cases[0], cases[1]


def test_possible_duplicates_are_compared_side_by_side_and_merged(client, staff, all_forms,
                                                                  device):
    first, second = _two_registrations(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{second.id}")
    html = page.data.decode()
    assert "0912345678" in html and "0987654321" in html  # both records' phones, side by side
    client.post(f"/cases/{second.id}/comments", data={
        "body": "Mẹ cháu gọi lại hôm qua", "csrf_token": token(page.data)})
    merged = client.post(f"/cases/{second.id}/duplicates/{first.person_id}/merge", data={
        "keep": "other", "csrf_token": token(page.data)})
    assert merged.status_code == 302 and merged.headers["Location"] == f"/cases/{first.id}"
    db.session.expire_all()
    gone = db.session.get(Person, second.person_id)
    assert gone.merged_into_id == first.person_id
    kept = db.session.get(Case, first.id)
    open_kinds = sorted(a.kind for a in kept.actions if a.is_open)
    assert open_kinds == ["assessment", "safety_contact"]  # the second's work moved, none lost
    assert client.get(f"/cases/{second.id}").status_code == 404  # merged away: in no list
    assert "Mẹ cháu gọi lại hôm qua" in client.get(f"/cases/{first.id}").data.decode()


def test_two_records_of_different_people_are_marked_distinct(client, staff, all_forms, device):
    first, second = _two_registrations(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{second.id}")
    done = client.post(f"/cases/{second.id}/duplicates/{first.person_id}/distinct",
                       data={"csrf_token": token(page.data)})
    assert done.status_code == 302
    link = db.session.scalar(select(PersonLink))
    assert link.resolution == "distinct" and link.resolved_at is not None
    again = client.post(f"/cases/{second.id}/duplicates/{first.person_id}/distinct",
                        data={"csrf_token": token(page.data)})
    assert again.status_code == 404


def test_a_duplicate_outside_the_area_cannot_be_named(client, staff, all_forms, make_device):
    first, second = _two_registrations(make_device("ctv-an", "00004"))
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    page = client.get("/worklist")
    for path in (f"/cases/{second.id}/duplicates/{first.person_id}/merge",
                 f"/cases/{second.id}/duplicates/{first.person_id}/distinct"):
        assert client.post(path, data={"csrf_token": token(page.data)}).status_code == 404
    assert db.session.get(Person, second.person_id).merged_into_id is None


def _conflicting(device) -> Case:
    _submit(device)
    case = _case_of("Lê Văn Gấp")
    _submit(device, answers=levels(9, q01=1), person_id=case.person_id, phone="0900000001",
            village="Thôn Tây")
    return case


@pytest.mark.parametrize("choice,phone,village", [
    ("keep", "0912345678", "Thôn Đông"), ("take", "0900000001", "Thôn Tây")])
def test_a_registration_difference_is_kept_or_taken(client, staff, all_forms, device, choice,
                                                    phone, village):
    case = _conflicting(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{case.id}")
    html = page.data.decode()
    assert "0900000001" in html and "Thôn Tây" in html
    conflict_id = int(re.search(r"/conflicts/(\d+)", html).group(1))
    done = client.post(f"/cases/{case.id}/conflicts/{conflict_id}", data={
        "choice": choice, "csrf_token": token(page.data)})
    assert done.status_code == 302
    db.session.expire_all()
    person = db.session.get(Person, case.person_id)
    assert (person.phone, person.village) == (phone, village)
    assert "/conflicts/" not in client.get(f"/cases/{case.id}").data.decode()
    again = client.post(f"/cases/{case.id}/conflicts/{conflict_id}", data={
        "choice": choice, "csrf_token": token(page.data)})
    assert again.status_code == 404


def _intake(client, **values):
    page = client.get("/intake")
    form = {"channel": "hotline", "caller": "Mẹ, chị Hoa", "concern": "Cháu nói muốn chết",
            "full_name": "Đỗ Minh Khang", "dob": "17/05/1990", "sex": "male",
            "commune": "00004", "village": "Tổ 5", "phone": "0911222333",
            "first_kind": "safety_contact", "due": today().strftime("%d/%m/%Y"),
            "csrf_token": token(page.data), **values}
    return client.post("/intake", data=form)


def test_a_call_opens_a_person_and_a_case_that_a_later_screening_joins(client, staff,
                                                                       all_forms, device):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    taken = _intake(client)
    assert taken.status_code == 302
    case_id = int(taken.headers["Location"].rsplit("/", 1)[1])
    case = db.session.get(Case, case_id)
    first = case.actions[0]
    assert (first.kind, first.urgent, first.due) == ("safety_contact", True, today())
    worklist = client.get("/worklist").data.decode()
    assert "Đỗ Minh Khang" in worklist
    html = client.get(f"/cases/{case_id}").data.decode()
    assert "Cháu nói muốn chết" in html and "Mẹ, chị Hoa" in html
    # the collaborator picks the person from the case list: the same case
    listed = next(r for r in _case_list(device) if r["full_name"] == "Đỗ Minh Khang")
    xml = screening_instance("phq9", levels(9, q01=1), dob=ADULT, name="Đỗ Minh Khang",
                             person_id=listed["name"], phone="0911222333", village="Tổ 5")
    assert device.collect.submit(xml).status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(Case.id))) == 1
    assert db.session.get(Case, case_id).last_instrument == "phq9"
    audit = [e for e in db.session.query(AuditEvent) if e.action == "person.create"]
    assert audit and all("muốn chết" not in repr(e.detail) for e in audit)


def test_a_call_that_cannot_be_taken_keeps_what_was_typed(client, staff, all_forms):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    nameless = _intake(client, full_name=" ")
    html = nameless.data.decode()
    assert nameless.status_code == 400 and "Nội dung trống" in html
    assert "Cháu nói muốn chết" in html  # the concern is still in the form
    outside = _intake(client, commune="00008")
    assert outside.status_code == 400 and "không thuộc địa bàn của bạn" in outside.data.decode()
    bad_date = _intake(client, dob="31/02/2010")
    assert bad_date.status_code == 400 and "dd/mm/yyyy" in bad_date.data.decode()
    assert db.session.scalar(select(db.func.count(Person.id))) == 0


def test_the_worklist_filters_by_instrument_risk_and_assigned_to_me(client, staff, all_forms,
                                                                    device):
    _submit(device, name="Lê Văn Gấp")  # PHQ-9 self-harm answer: urgent
    xml = screening_instance("gad7", levels(7, q01=3, q02=3, q03=3, q04=3, q05=3),
                             dob=ADULT, name="Hoàng Thị Lo")  # GAD-7 severe (15): high
    assert device.collect.submit(xml).status_code == 201
    assert sign_in(client, "gs-ba-dinh").status_code == 302

    def names(query: str) -> set[str]:
        html = client.get(f"/worklist?{query}").data.decode()
        return {n for n in ("Lê Văn Gấp", "Hoàng Thị Lo") if n in html}

    assert names("instrument=gad7") == {"Hoàng Thị Lo"}
    assert names("instrument=phq9") == {"Lê Văn Gấp"}
    assert names("risk=urgent") == {"Lê Văn Gấp"}
    assert names("risk=high") == {"Hoàng Thị Lo"}
    assert names("mine=1") == set()
    case = _case_of("Hoàng Thị Lo")
    page = client.get(f"/cases/{case.id}")
    client.post(f"/cases/{case.id}/actions/{case.actions[0].id}/assign", data={
        "user_id": _user_id("gs-ba-dinh"), "csrf_token": token(page.data)})
    assert names("mine=1") == {"Hoàng Thị Lo"}


def _case_routes(app):
    """Every page route that names a case: (rule, method)."""
    return [(rule, method) for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("ui.") and "case_id" in rule.arguments
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def test_every_case_route_is_a_404_for_another_commune(app, client, staff, all_forms, device):
    """IDOR by id: every route under /cases/<id> (found from the URL map, so a new one is
    covered too), read or change, answers another commune's supervisor as it answers an
    unknown case, and changes nothing."""
    _submit(device)
    _submit(device, name="Phạm Thị Lan")
    _submit(device, name="Phạm Thị Lan", phone="0987654321")  # a possible duplicate
    case = _case_of("Lê Văn Gấp")
    action, screening = case.actions[0], case.actions[0].screening_id
    other = db.session.scalar(select(Person.id).where(Person.full_name == "Phạm Thị Lan"))
    values = {"case_id": case.id, "action_id": action.id, "screening_id": screening,
              "referral_id": 1, "conflict_id": 1, "attachment_id": 1, "other_id": other}
    routes = _case_routes(app)
    assert len(routes) >= 15
    audit_before = db.session.scalar(select(db.func.max(AuditEvent.id)))
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    page = client.get("/worklist")
    for rule, method in routes:
        path = rule.build({k: values[k] for k in rule.arguments})[1]
        answer = client.open(path, method=method,
                             data={"csrf_token": token(page.data), "user_id": "1",
                                   "note": "x", "body": "x", "state": "closed",
                                   "reason": "x", "outcome": "contacted", "facility": "x",
                                   "choice": "take", "keep": "this"})
        assert answer.status_code == 404, (method, path, answer.status_code)
        assert "Lê Văn Gấp" not in answer.data.decode()
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "new"
    assert db.session.get(CaseAction, action.id).state == "open"
    assert db.session.get(Person, other).merged_into_id is None
    written = set(db.session.scalars(select(AuditEvent.action)
                                      .where(AuditEvent.id > audit_before)))
    assert written == {"user.sign_in", "case.list"}  # signing in and the worklist, no more


def test_nothing_of_another_commune_is_in_any_list(client, staff, all_forms, make_device):
    """IDOR by list: the worklist (every filter), the intake communes and the facility and
    assignee choices of another commune's supervisor show none of this commune's people."""
    _submit(make_device("ctv-an", "00004"))
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    for path in ("/worklist", "/worklist?risk=urgent", "/worklist?kind=safety_contact",
                 "/worklist?instrument=phq9", "/worklist?commune=00004", "/intake"):
        html = client.get(path).data.decode()
        assert "Lê Văn Gấp" not in html and "ctv-an" not in html, path
    assert 'value="00004"' not in client.get("/intake").data.decode()


def test_a_concern_reaches_only_staff_and_the_collaborator_given_the_work(client, staff,
                                                                         all_forms, token_for):
    """The sync feed a collaborator's app reads carries a call's concern only on work
    assigned to that collaborator."""
    ctv_an, ctv_binh = token_for("ctv-an", "00004"), token_for("ctv-binh", "00004")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = int(_intake(client).headers["Location"].rsplit("/", 1)[1])

    def concerns(headers) -> list:
        feed = client.get("/api/v1/sync/changes", headers=headers).json
        return [a["instructions"] for c in feed["cases"] for a in c["actions"]]

    assert concerns(ctv_an) == [None] and concerns(ctv_binh) == [None]
    page = client.get(f"/cases/{case_id}")
    action_id = db.session.get(Case, case_id).actions[0].id
    client.post(f"/cases/{case_id}/actions/{action_id}/assign", data={
        "user_id": _user_id("ctv-an"), "csrf_token": token(page.data)})
    assert concerns(ctv_an) == ["Cháu nói muốn chết"] and concerns(ctv_binh) == [None]


@pytest.mark.parametrize("field,value", [
    ("body", "a\x00b"), ("user_id", "²"), ("user_id", "abc")])
def test_unusable_form_values_are_a_400_page_not_a_500(client, staff, all_forms, device,
                                                       field, value):
    _submit(device)
    case = _case_of("Lê Văn Gấp")
    action = case.actions[0]
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(f"/cases/{case.id}")
    paths = [f"/cases/{case.id}/comments"] if field == "body" else [
        f"/cases/{case.id}/needs-info", f"/cases/{case.id}/actions/{action.id}/assign"]
    for path in paths:
        data = {"body": "x", "note": "x", "user_id": str(_user_id("ctv-1")),
                field: value, "csrf_token": token(page.data)}
        answer = client.post(path, data=data)
        assert answer.status_code == 400, (path, answer.status_code)
        assert '<html lang="vi">' in answer.data.decode()
    db.session.expire_all()
    assert db.session.get(CaseAction, action.id).assigned_to_id is None


def test_a_call_about_a_registered_person_joins_their_case(client, staff, all_forms, device):
    _submit(device)
    case = _case_of("Lê Văn Gấp")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    link = f"/intake?person={case.person_id}"
    assert link in client.get(f"/cases/{case.id}").data.decode()
    page = client.get(link)
    assert "Lê Văn Gấp" in page.data.decode() and 'name="full_name"' not in page.data.decode()
    taken = client.post("/intake", data={
        "person": case.person_id, "channel": "walk_in", "caller": "Vợ",
        "concern": "Anh ấy không ngủ được cả tuần", "first_kind": "assessment",
        "due": "", "csrf_token": token(page.data)})
    assert taken.headers["Location"] == f"/cases/{case.id}"
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count(Person.id))) == 1
    assert sorted(a.kind for a in db.session.get(Case, case.id).actions) == \
        ["assessment", "safety_contact"]
    # a person of another commune cannot be named
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    assert client.get(link).status_code == 404
