"""Issue 11 in Chromium: a supervisor signs in, in Vietnamese, on a phone-sized screen and on a
laptop, and finds the urgent case at the top of the worklist; opens it, reads the answers with
the form's labels, works it to an outcome and closes it; records a referral and its outcome;
takes a call without a screening; a supervisor of another commune gets the 404 page for that
case's address. The pages pass axe-core (no serious or critical violation) at 360 px and
1280 px; screenshots of each page are written.
"""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe, dump, screenshot
from tests.support.instances import levels, screening_instance
from tests.support.live_server import ROOT, live_server, submit

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"
WIDTHS = {"phone": 360, "laptop": 1280}


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("ui") / "instance")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "phq9.xlsx"))
    for username, commune in (("gs", "00004"), ("gs-khac", "00008")):
        server.sangloc("users", "create", username, "--role", "supervisor", "--area", commune,
                       "--password-stdin", input=PASSWORD + "\n")
    created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                        "--json"))
    server.start("--no-scheduler")
    device = urlsplit(created["server_url"]).path
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
    for name, answers in (("Lê Văn Nặng", severe), ("Lê Văn Gấp", levels(9, q09=1))):
        xml = screening_instance("phq9", answers, dob=date(1990, 5, 17), name=name)
        assert submit(server.port, device, xml) == 201
    yield server
    server.stop()


def signed_in(browser, pages, width: int, username: str = "gs"):
    """A new browser context at ``width`` px, signed in as the supervisor, on the worklist."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")
    return context, page


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_a_supervisor_signs_in_and_finds_the_urgent_case_first(browser, pages, screen):
    context = browser.new_context(viewport={"width": WIDTHS[screen], "height": 800})
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{pages.port}/")
        assert page.title().startswith("Đăng nhập")
        assert axe(page) == [], dump(axe(page))
        screenshot(page, f"sign-in-{screen}")
        page.get_by_label("Tên đăng nhập").fill("gs")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/worklist")
        rows = page.locator("table.worklist tbody tr")
        assert rows.count() == 2
        assert "Lê Văn Gấp" in rows.nth(0).inner_text()
        assert "Liên hệ an toàn trong hôm nay" in rows.nth(0).inner_text()
        assert "Lê Văn Nặng" in rows.nth(1).inner_text()
        assert axe(page) == [], dump(axe(page))
        screenshot(page, f"worklist-{screen}")
        page.get_by_role("button", name="English").click()
        page.wait_for_url("**/worklist")
        assert page.get_by_role("heading", name="Worklist").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("screen", ["laptop", "phone"])  # the phone run works it last
def test_the_supervisor_works_the_urgent_case_to_an_outcome(browser, pages, screen):
    context, page = signed_in(browser, pages, WIDTHS[screen])
    try:
        page.get_by_role("link", name="Lê Văn Gấp").click()
        page.wait_for_url("**/cases/*")
        assert page.get_by_role("heading", name="Lê Văn Gấp").is_visible()
        screenings = page.locator("section", has_text="Các lần sàng lọc").inner_text()
        assert "PHQ-9" in screenings and "Có câu trả lời về ý nghĩ tự hại" in screenings
        assert axe(page) == [], dump(axe(page))
        screenshot(page, f"case-{screen}")
        page.get_by_role("link", name="PHQ-9").first.click()
        page.wait_for_url("**/screenings/*")
        answers = page.locator("main").inner_text()
        # PHQ-9 item 9 as the bundled form words it, and the answer "Several days" (1)
        assert "Có ý nghĩ rằng mình chết đi thì tốt hơn" in answers and "Vài ngày" in answers
        assert axe(page) == [], dump(axe(page))
        screenshot(page, f"screening-{screen}")
        page.go_back()
        if screen == "laptop":  # the laptop run reads; the phone run works the case
            return
        page.get_by_text("Hoàn thành").first.click()
        page.get_by_label("Kết quả").first.select_option("safety_plan_made")
        page.get_by_label("Ghi chú").first.fill("Đã gọi cho gia đình, an toàn")
        page.get_by_role("button", name="Đánh dấu đã xong").first.click()
        page.wait_for_load_state()
        assert "Đã đánh giá nguy cơ, đã thống nhất kế hoạch an toàn" in page.content()
        page.locator("select[name=state]").select_option("closed")
        page.locator("#state-reason").fill("Đã hỗ trợ xong")
        page.get_by_role("button", name="Lưu").click()
        page.wait_for_load_state()
        assert "Trạng thái:</strong> Đã đóng" in page.content()
    finally:
        context.close()


def test_the_supervisor_records_a_referral_and_its_outcome(browser, pages):
    context, page = signed_in(browser, pages, WIDTHS["phone"])
    try:
        page.get_by_role("link", name="Lê Văn Nặng").click()
        page.wait_for_url("**/cases/*")
        page.get_by_text("Ghi nhận chuyển gửi").first.click()
        page.get_by_label("Chuyển đến (cơ sở y tế hoặc đơn vị)").fill(
            "Bệnh viện Tâm thần Hà Nội")
        page.get_by_role("button", name="Ghi nhận chuyển gửi").click()
        page.wait_for_load_state()
        assert "Bệnh viện Tâm thần Hà Nội" in page.content()
        assert "Theo dõi kết quả chuyển gửi" in page.content()  # the follow-up is open work
        page.get_by_text("Ghi kết quả").first.click()
        page.locator("select[name=attended]").select_option("yes")
        page.locator("select[name=result]").select_option("diagnosed")
        page.locator("select[name=intervention_started]").select_option("yes")
        page.get_by_role("button", name="Lưu").first.click()
        page.wait_for_load_state()
        assert "Đã có chẩn đoán" in page.content()
        assert axe(page) == [], dump(axe(page))
        screenshot(page, "case-referral-phone")
    finally:
        context.close()


def test_a_supervisor_of_another_commune_gets_the_404_page(browser, pages):
    case_url = f"http://127.0.0.1:{pages.port}/cases/1"  # the first screening's case
    context, page = signed_in(browser, pages, WIDTHS["phone"])
    try:
        assert page.goto(case_url).status == 200
        name = page.get_by_role("heading", level=1).inner_text()
    finally:
        context.close()
    context, page = signed_in(browser, pages, WIDTHS["phone"], "gs-khac")
    try:
        assert name not in page.content()
        answer = page.goto(case_url)
        assert answer.status == 404 and name not in page.content()
        assert "Mã 404.10" in page.content()  # the same answer as an unknown case number
    finally:
        context.close()


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_a_supervisor_takes_a_call_without_a_screening(browser, pages, screen):
    context, page = signed_in(browser, pages, WIDTHS[screen])
    try:
        page.get_by_role("link", name="Tiếp nhận ca mới").click()
        page.wait_for_url("**/intake")
        assert axe(page) == [], dump(axe(page))
        screenshot(page, f"intake-{screen}")
        if screen == "laptop":
            return
        page.get_by_label("Người gọi hoặc đến (tên, quan hệ)").fill("Bố, anh Tuấn")
        page.get_by_label("Vấn đề, theo lời người gọi").fill("Cháu không nói, không nhìn mắt")
        page.get_by_label("Họ và tên").fill("Ngô Gia Bảo")
        page.get_by_label("Ngày sinh (dd/mm/yyyy)").fill("02/03/2024")
        page.get_by_label("Việc làm trước").select_option("assessment")
        page.get_by_role("button", name="Mở hồ sơ ca").click()
        page.wait_for_url("**/cases/*")
        assert page.get_by_role("heading", name="Ngô Gia Bảo").is_visible()
        assert "Cháu không nói, không nhìn mắt" in page.content()
    finally:
        context.close()


def test_filtering_and_commenting_update_the_page_in_place(browser, pages):
    """htmx: a filter changes the list, a comment joins the comments, without a page load
    (after the call taken above, which left open work in the list)."""
    context, page = signed_in(browser, pages, WIDTHS["laptop"])
    try:
        page.evaluate("window.stillHere = true")
        assert page.locator("table.worklist tbody tr").count() > 0  # the call taken above
        page.locator("select[name=kind]").select_option("needs_info")  # nothing of that kind
        page.wait_for_url("**/worklist?*kind=needs_info*")
        page.get_by_text("Không có việc nào đang mở trong địa bàn của bạn.").wait_for()
        assert page.evaluate("window.stillHere") is True  # swapped, not loaded again
        assert page.locator("select[name=kind]").input_value() == "needs_info"
        page.goto(f"http://127.0.0.1:{pages.port}/cases/1")
        page.evaluate("window.stillHere = true")
        page.get_by_label("Thêm ý kiến trao đổi cho những người cùng xử lý ca này").fill(
            "Gia đình hẹn gọi lại thứ Hai")
        page.get_by_role("button", name="Gửi trao đổi").click()
        page.locator("#comments li", has_text="Gia đình hẹn gọi lại thứ Hai").wait_for()
        assert page.evaluate("window.stillHere") is True
        assert axe(page) == [], dump(axe(page))
    finally:
        context.close()
