"""Issue 11, the web foundation and the worklist page, through Flask's test client.

Sign-in (one answer for every wrong detail, throttled per account), CSRF on every form, the
session's idle end, the language, the headers (nothing from another site, no inline script),
and scoping: a supervisor sees only their area's work, urgent first. The browser tests
(tests/browser/) drive the same pages in Chromium.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest

from server.boundary import transaction
from server.services.access import sessions, users
from server.services.audit import SYSTEM
from tests.support.instances import levels, screening_instance

PASSWORD = "mật khẩu đủ dài 2026"
ADULT = date(1990, 5, 17)


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ngoc-ha", "supervisor", ["00008"], PASSWORD)
        users.create_user(SYSTEM, "ctv", "collaborator", ["00004"], PASSWORD)


def token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def signed_in(app, username: str):
    """A new test client, signed in as ``username``."""
    client = app.test_client()
    assert sign_in(client, username).status_code == 302
    return client


def sign_in(client, username: str, password: str = PASSWORD):
    form = client.get("/sign-in")
    return client.post("/sign-in", data={"username": username, "password": password,
                                         "csrf_token": token(form.data)})


def test_the_sign_in_page_is_vietnamese_and_loads_nothing_from_elsewhere(client):
    page = client.get("/sign-in")
    html = page.data.decode()
    assert page.status_code == 200 and '<html lang="vi">' in html and "Đăng nhập" in html
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and \
        "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") or s.startswith("#") for s in sources), sources
    assert "<script>" not in html and " on" not in re.sub(r'"[^"]*"', "", html).lower()


@pytest.mark.parametrize("username,password", [
    ("gs-ba-dinh", "sai mật khẩu"), ("không-có-ai", PASSWORD), ("ctv", PASSWORD)])
def test_every_wrong_detail_gets_the_same_answer(client, staff, username, password):
    """A wrong password, an unknown user and a collaborator (no web pages) look the same."""
    answer = sign_in(client, username, password)
    assert answer.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in answer.data.decode()
    assert client.get("/worklist").status_code == 302  # still signed out


def test_a_deactivated_user_cannot_sign_in_or_stay_signed_in(client, staff):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    with transaction():
        users.deactivate_user(SYSTEM, "gs-ba-dinh")
    assert client.get("/worklist").headers["Location"].startswith("/sign-in")
    assert sign_in(client, "gs-ba-dinh").status_code == 401


def test_sign_in_is_throttled_per_account(client, staff):
    for _ in range(sessions.ACCOUNT_LIMIT):
        assert sign_in(client, "gs-ba-dinh", "sai").status_code == 401
    refused = sign_in(client, "gs-ba-dinh")  # even the right password now waits
    assert refused.status_code == 429 and "Đăng nhập sai quá nhiều lần" in refused.data.decode()


def test_a_form_without_its_csrf_token_is_refused(client, staff):
    refused = client.post("/sign-in", data={"username": "gs-ba-dinh", "password": PASSWORD})
    assert refused.status_code == 400 and "400.21" in refused.data.decode()
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    assert client.post("/sign-out").status_code == 400  # signing out needs the token too


def test_the_session_ends_after_idle_time(client, staff):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    assert client.get("/worklist").headers["Location"].startswith("/sign-in")


def test_only_a_local_next_page_is_followed(client, staff):
    form = client.get("/sign-in")
    answer = client.post("/sign-in?next=https://evil.example/x", data={
        "username": "gs-ba-dinh", "password": PASSWORD, "csrf_token": token(form.data)})
    assert answer.headers["Location"] == "/worklist"


def test_the_worklist_shows_the_areas_work_urgent_first(client, staff, all_forms, make_device):
    ba_dinh, ngoc_ha = make_device("ctv-a", "00004"), make_device("ctv-b", "00008")
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
    for device, name, answers, commune in (
            (ba_dinh, "Lê Văn Nặng", severe, "00004"),
            (ba_dinh, "Lê Văn Gấp", levels(9, q09=1), "00004"),
            (ngoc_ha, "Trần Thị Khác", levels(9, q09=2), "00008")):
        xml = screening_instance("phq9", answers, dob=ADULT, name=name, commune=commune)
        assert device.collect.submit(xml).status_code == 201
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    html = client.get("/worklist").data.decode()
    assert html.index("Lê Văn Gấp") < html.index("Lê Văn Nặng")
    assert "Liên hệ an toàn trong hôm nay" in html and "Trần Thị Khác" not in html
    # a commune outside the area in the URL is ignored, not obeyed
    assert "Trần Thị Khác" not in client.get("/worklist?commune=00008").data.decode()


def test_english_is_one_click_away(client, staff):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get("/worklist")
    switched = client.post("/language", data={"lang": "en", "back": "/worklist",
                                              "csrf_token": token(page.data)})
    assert switched.headers["Location"] == "/worklist"
    html = client.get("/worklist").data.decode()
    assert '<html lang="en">' in html and "Worklist" in html


def test_a_user_changes_their_password(client, staff):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    form = client.get("/account/password")
    new = "một mật khẩu mới dài"
    short = client.post("/account/password", data={
        "current": PASSWORD, "new": "ngắn", "again": "ngắn", "csrf_token": token(form.data)})
    assert short.status_code == 400 and "ít nhất 10 ký tự" in short.data.decode()
    done = client.post("/account/password", data={
        "current": PASSWORD, "new": new, "again": new, "csrf_token": token(form.data)})
    assert done.status_code == 200 and "đã được đổi" in done.data.decode()
    client.post("/sign-out", data={"csrf_token": token(done.data)})
    assert sign_in(client, "gs-ba-dinh").status_code == 401
    assert sign_in(client, "gs-ba-dinh", new).status_code == 302


def test_an_unknown_page_or_case_is_a_vietnamese_404(client, staff):
    answer = client.get("/nowhere")
    assert answer.status_code == 404 and "không thuộc địa bàn của bạn" in answer.data.decode()
    assert client.get("/cases/999999").headers["Location"].startswith("/sign-in")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    unknown = client.get("/cases/999999")
    assert unknown.status_code == 404 and "Không có ca 999999" in unknown.data.decode()


def test_the_due_date_filter_reads_vietnamese_dates(client, staff, all_forms, device):
    xml = screening_instance("phq9", levels(9, q09=1), dob=ADULT, name="Lê Văn Gấp")
    assert device.collect.submit(xml).status_code == 201  # a safety contact due today
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    assert "Lê Văn Gấp" in client.get("/worklist?due_before=31/12/2099").data.decode()
    assert "Lê Văn Gấp" not in client.get("/worklist?due_before=01/01/2000").data.decode()
    shown = client.get("/worklist?due_before=31/12/2099").data.decode()
    assert 'value="31/12/2099"' in shown  # the filter stays in the page as typed


def _urgent_case(device, name: str = "Lê Văn Gấp", commune: str = "00004") -> None:
    xml = screening_instance("phq9", levels(9, q09=1), dob=ADULT, name=name, commune=commune)
    assert device.collect.submit(xml).status_code == 201


def _case_id(client) -> int:
    html = client.get("/worklist").data.decode()
    return int(re.search(r'href="/cases/(\d+)"', html).group(1))


def test_the_case_page_shows_the_person_and_the_work_and_is_audited(client, staff, all_forms,
                                                                    device):
    from server.extensions import db
    from server.models import AuditEvent

    _urgent_case(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = _case_id(client)
    html = client.get(f"/cases/{case_id}").data.decode()
    for shown in ("Lê Văn Gấp", "17/05/1990", "Trần Thị Hoa", "0912345678", "Phường Ba Đình",
                  "Liên hệ an toàn trong hôm nay", "PHQ-9", "Có câu trả lời về ý nghĩ tự hại"):
        assert shown in html, shown
    read = [e for e in db.session.query(AuditEvent).all() if e.action == "case.read"]
    assert [e.target_id for e in read] == [str(case_id)]


def test_a_supervisor_works_the_case_from_its_page(client, staff, all_forms, device):
    _urgent_case(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = _case_id(client)
    page = client.get(f"/cases/{case_id}")
    action_id = int(re.search(r'/actions/(\d+)/complete', page.data.decode()).group(1))
    done = client.post(f"/cases/{case_id}/actions/{action_id}/complete", data={
        "outcome": "safety_plan_made", "note": "đã gọi, an toàn", "csrf_token": token(page.data)})
    assert done.status_code == 302
    closed = client.post(f"/cases/{case_id}/state", data={
        "state": "closed", "step": "closure", "reason": "đã hỗ trợ xong",
        "csrf_token": token(page.data)})
    assert closed.status_code == 302
    html = client.get(f"/cases/{case_id}").data.decode()
    assert "Đã đánh giá nguy cơ, đã thống nhất kế hoạch an toàn" in html
    assert "Không có việc nào đang mở." in html and "Đã đóng" in html


def test_another_communes_supervisor_cannot_read_or_change_the_case(client, staff, all_forms,
                                                                    device):
    _urgent_case(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = _case_id(client)
    page = client.get(f"/cases/{case_id}")
    action_id = int(re.search(r'/actions/(\d+)/complete', page.data.decode()).group(1))
    client.post("/sign-out", data={"csrf_token": token(page.data)})
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    other = client.get("/worklist")
    assert client.get(f"/cases/{case_id}").status_code == 404
    for path, data in ((f"/cases/{case_id}/actions/{action_id}/complete",
                        {"outcome": "contacted"}),
                       (f"/cases/{case_id}/actions/{action_id}/cancel", {"reason": "x"}),
                       (f"/cases/{case_id}/state", {"state": "closed", "reason": "x"})):
        refused = client.post(path, data={**data, "csrf_token": token(other.data)})
        assert refused.status_code == 404, path
    assert "Lê Văn Gấp" not in client.get(f"/cases/{case_id}").data.decode()


def test_the_worklist_counts_urgent_and_overdue_work(client, staff, all_forms, device):
    from server.extensions import db
    from server.models import CaseAction
    from server.programme import today

    _urgent_case(device, "Lê Văn Gấp")
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
    xml = screening_instance("phq9", severe, dob=ADULT, name="Lê Văn Trễ")
    assert device.collect.submit(xml).status_code == 201
    with transaction():  # the referral of "Trễ" was due yesterday
        referral = db.session.query(CaseAction).filter_by(kind="referral").one()
        referral.due = today() - timedelta(days=1)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    counts = re.sub(r"\s+", " ", re.search(r'<p class="counts"[^>]*>(.*?)</p>',
                                           client.get("/worklist").data.decode(), re.S)[1])
    assert "<strong>1</strong> khẩn cấp" in counts and "<strong>1</strong> quá hạn" in counts
    assert "<strong>2</strong> ca trong danh sách này" in counts


def test_withdrawing_consent_from_the_case_page_locks_the_record(client, staff, all_forms,
                                                                 device):
    _urgent_case(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = _case_id(client)
    page = client.get(f"/cases/{case_id}")
    missing = client.post(f"/cases/{case_id}/withdraw",
                          data={"reason": " ", "csrf_token": token(page.data)})
    assert missing.status_code == 400 and "Cần ghi lý do" in missing.data.decode()
    done = client.post(f"/cases/{case_id}/withdraw",
                       data={"reason": "gia đình không muốn tiếp tục",
                             "csrf_token": token(page.data)})
    assert done.headers["Location"] == "/worklist"
    assert client.get(f"/cases/{case_id}").status_code == 404  # a locked record leaves the lists
    assert "Lê Văn Gấp" not in client.get("/worklist").data.decode()


def _severe_case(client, device) -> tuple[int, bytes]:
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
    xml = screening_instance("phq9", severe, dob=ADULT, name="Lê Văn Nặng")
    assert device.collect.submit(xml).status_code == 201
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    case_id = _case_id(client)
    return case_id, client.get(f"/cases/{case_id}").data


def test_a_referral_is_a_record_followed_to_its_outcome(client, staff, all_forms, device):
    from server.extensions import db
    from server.models import CaseAction, Referral
    from server.programme import today

    case_id, page = _severe_case(client, device)
    referral_action = int(re.search(rb'<select name="answers">\s*<option value="(\d+)"',
                                    page).group(1))
    refused = client.post(f"/cases/{case_id}/referrals", data={
        "facility": " ", "csrf_token": token(page)})
    assert refused.status_code == 400 and "Cần ghi nơi chuyển gửi" in refused.data.decode()
    made_on = today() - timedelta(days=31)  # made a month ago, not heard back from since
    made = client.post(f"/cases/{case_id}/referrals", data={
        "facility": "Bệnh viện Tâm thần Hà Nội", "made_on": made_on.strftime("%d/%m/%Y"),
        "appointment_on": "", "answers": str(referral_action), "note": "",
        "csrf_token": token(page)})
    assert made.status_code == 302
    db.session.expire_all()
    answered = db.session.get(CaseAction, referral_action)
    assert (answered.state, answered.outcome) == ("done", "referred")
    followup = db.session.query(CaseAction).filter_by(kind="referral_followup").one()
    assert followup.is_open and followup.due == made_on + timedelta(days=30)
    html = client.get("/worklist").data.decode()
    assert "Theo dõi kết quả chuyển gửi" in html and "Quá hạn" in html  # overdue work now
    referral = db.session.query(Referral).one()
    page = client.get(f"/cases/{case_id}").data
    recorded = client.post(f"/cases/{case_id}/referrals/{referral.id}/outcome", data={
        "attended": "yes", "attended_on": today().strftime("%d/%m/%Y"),
        "result": "diagnosed", "diagnosis_by": "BS chuyên khoa tâm thần",
        "intervention_started": "yes", "intervention_where": "Trạm y tế xã",
        "note": "", "csrf_token": token(page)})
    assert recorded.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseAction, followup.id).state == "done"
    referral = db.session.get(Referral, referral.id)
    assert (referral.attended, referral.result, referral.intervention_started) == \
        (True, "diagnosed", True)
    html = client.get(f"/cases/{case_id}").data.decode()
    assert "Bệnh viện Tâm thần Hà Nội" in html and "Đã có chẩn đoán" in html


def test_another_area_cannot_record_a_referral(client, staff, all_forms, device):
    case_id, page = _severe_case(client, device)
    client.post("/sign-out", data={"csrf_token": token(page)})
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    other = client.get("/worklist").data
    refused = client.post(f"/cases/{case_id}/referrals", data={
        "facility": "X", "csrf_token": token(other)})
    assert refused.status_code == 404


def test_an_action_is_closed_only_through_its_own_case(client, staff, all_forms, make_device):
    """A visible case's address cannot close the work of another case (even in the area)."""
    device = make_device("ctv-x", "00004")
    _urgent_case(device, "Lê Văn Gấp")
    _urgent_case(device, "Lê Văn Khác")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    listed = client.get("/worklist").data.decode()
    ids = [int(i) for i in re.findall(r'href="/cases/(\d+)"', listed)]
    first, second = ids
    other_action = int(re.search(r'/actions/(\d+)/complete',
                                 client.get(f"/cases/{second}").data.decode()).group(1))
    page = client.get(f"/cases/{first}")
    refused = client.post(f"/cases/{first}/actions/{other_action}/complete", data={
        "outcome": "contacted", "csrf_token": token(page.data)})
    assert refused.status_code == 404
    assert "Liên hệ an toàn trong hôm nay" in client.get(f"/cases/{second}").data.decode()


def test_changing_the_password_ends_the_other_sessions(app, staff):
    laptop, phone = app.test_client(), app.test_client()
    assert sign_in(laptop, "gs-ba-dinh").status_code == 302
    assert sign_in(phone, "gs-ba-dinh").status_code == 302
    form = laptop.get("/account/password")
    new = "một mật khẩu mới dài"
    laptop.post("/account/password", data={"current": PASSWORD, "new": new, "again": new,
                                           "csrf_token": token(form.data)})
    assert laptop.get("/worklist").status_code == 200  # the session that changed it goes on
    assert phone.get("/worklist").headers["Location"].startswith("/sign-in")


def test_a_session_ends_twelve_hours_after_sign_in(client, staff):
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    with client.session_transaction() as session:
        session["since"] = int(time.time()) - 12 * 3600 - 1
    assert client.get("/worklist").headers["Location"].startswith("/sign-in")


def test_signing_in_and_out_is_audited(client, staff):
    from server.extensions import db
    from server.models import AuditEvent

    sign_in(client, "gs-ba-dinh", "sai")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    client.post("/sign-out", data={"csrf_token": token(client.get("/worklist").data)})
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)
               if e.action.startswith("user.sign")]
    assert actions == ["user.sign_in_refused", "user.sign_in", "user.sign_out"]


def test_a_missed_referral_stays_work_and_notes_are_kept(client, staff, all_forms, device):
    from server.extensions import db
    from server.models import CaseAction, Referral

    case_id, page = _severe_case(client, device)
    bad = client.post(f"/cases/{case_id}/referrals", data={
        "facility": "BV", "made_on": "31/02/2026", "csrf_token": token(page)})
    assert bad.status_code == 400 and "400.26" in bad.data.decode()
    client.post(f"/cases/{case_id}/referrals", data={
        "facility": "BV Nhi", "note": "gia đình đồng ý đi", "csrf_token": token(page)})
    referral = db.session.query(Referral).one()
    client.post(f"/cases/{case_id}/referrals/{referral.id}/outcome", data={
        "attended": "no", "note": "chưa đi khám", "csrf_token": token(page)})
    db.session.expire_all()
    followup = db.session.query(CaseAction).filter_by(kind="referral_followup").one()
    assert followup.is_open  # did not attend: still someone's work
    assert db.session.get(Referral, referral.id).note == "gia đình đồng ý đi\nchưa đi khám"


def test_an_admin_resets_a_password_that_ends_the_users_sessions(app, staff):
    from server.extensions import db
    from server.models import AuditEvent

    with transaction():
        users.create_user(SYSTEM, "admin", "admin", ["01"], PASSWORD)
    supervisor, admin = app.test_client(), app.test_client()
    assert sign_in(supervisor, "gs-ba-dinh").status_code == 302
    assert supervisor.get("/admin/users").status_code == 403  # not a supervisor's page
    assert sign_in(admin, "admin").status_code == 302
    listed = admin.get("/admin/users")
    assert "gs-ba-dinh" in listed.data.decode() and "gs-ngoc-ha" in listed.data.decode()
    done = admin.post(f"/admin/users/{users.get_user('gs-ba-dinh').id}/password",
                      data={"csrf_token": token(listed.data)})
    new = re.search(r"<code>([^<]+)</code>", done.data.decode()).group(1)
    assert supervisor.get("/worklist").headers["Location"].startswith("/sign-in")
    assert sign_in(supervisor, "gs-ba-dinh").status_code == 401
    assert sign_in(supervisor, "gs-ba-dinh", new).status_code == 302
    assert new not in str([e.detail for e in db.session.query(AuditEvent)])  # never audited
    assert "user.password_reset" in {e.action for e in db.session.query(AuditEvent)}


def test_an_admin_of_one_province_resets_only_its_staff(app, staff):
    with transaction():
        users.create_user(SYSTEM, "admin-hcm", "admin", ["79"], PASSWORD)
    admin = app.test_client()
    assert sign_in(admin, "admin-hcm").status_code == 302
    listed = admin.get("/admin/users")
    assert "gs-ba-dinh" not in listed.data.decode()
    refused = admin.post(f"/admin/users/{users.get_user('gs-ba-dinh').id}/password",
                         data={"csrf_token": token(listed.data)})
    assert refused.status_code == 404
