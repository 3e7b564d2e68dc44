"""Issue 13 in Chromium, a smoke test of the offline app /m/ on a 360 px phone: it loads in
Vietnamese, a wrong password is refused in Vietnamese, a collaborator signs in, the bundled
PHQ-9 renders in ODK Web Forms with the app's own Vietnamese buttons, its date picker shows
Vietnamese months with weeks from Monday and keeps a typed date as dd/mm/yyyy, the engine's
English messages are shown in Vietnamese, and a filled form goes through the outbox to a
result. The offline scenarios are tests/browser/test_mobile_*.py of the browser-test helper.

Worked by hand: nine "Không ngày nào" (0) give a PHQ-9 total of 0, band minimal; nothing is
required after the items (q10 is asked only when the total is above 0), so the form is valid
and the server accepts it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.support.live_server import ROOT, live_server

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu cộng tác viên 2026"
COMMUNE = "00004"  # Phường Ba Đình, Hà Nội


@pytest.fixture(scope="module")
def app_server(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("mobile") / "instance")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "phq9.xlsx"))
    server.sangloc("users", "create", "ctv", "--role", "collaborator", "--area", COMMUNE,
                   "--password-stdin", input=PASSWORD + "\n")
    server.start("--no-scheduler")
    yield server
    server.stop()


def _answer_phq9(page) -> None:
    page.get_by_text("Có, đồng ý").click()
    page.locator("#form-host .question-container", has_text="Cách ghi nhận sự đồng ý") \
        .locator("input").first.check()
    date = page.locator("input.p-datepicker-input").first
    date.click()
    months = page.locator(".p-datepicker-panel").inner_text()
    date.fill("05/03/1990")
    page.keyboard.press("Escape")
    assert "Tháng" in months and months.index("T2") < months.index("CN")  # Monday first
    assert date.input_value() == "05/03/1990"
    page.locator("#form-host .question-container", has_text="Họ và tên").locator("input") \
        .fill("Lê Thị Hoa")
    page.get_by_text("Nữ", exact=True).click()
    page.locator("#form-host .question-container", has_text="Xã / phường") \
        .locator("[role=combobox]").click()
    page.locator("li[role=option]").first.click()
    items = page.locator("#form-host .question-container", has_text="Không ngày nào")
    for index in range(items.count()):
        items.nth(index).get_by_text("Không ngày nào").first.click()


def test_a_collaborator_signs_in_and_sends_a_form_in_vietnamese(browser, app_server):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"http://127.0.0.1:{app_server.port}/m/")
    page.wait_for_selector("#signin-username")
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.inner_text("#signin-submit") == "Đăng nhập"
    page.fill("#signin-username", "ctv")
    page.fill("#signin-password", "sai mật khẩu")
    page.click("#signin-submit")
    # (the page's policy forbids eval: wait from here, not with wait_for_function)
    expect(page.locator("#signin-error")).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
    page.fill("#signin-password", PASSWORD)
    page.click("#signin-submit")
    page.wait_for_selector("#outbox-count")
    assert page.inner_text("#outbox-count") == "0"
    assert page.get_attribute("#net-state", "data-online") == "true"
    page.wait_for_selector("#sync-status[data-state=idle]")
    screenshot(page, "mobile-home")

    page.click("#tab-forms")
    page.click('button[data-form-id="phq9"]')
    page.wait_for_selector("#form-host .odk-form")
    assert page.inner_text("#form-finish") == "Hoàn thành"
    assert page.inner_text("#form-save-exit") == "Lưu nháp và thoát"
    assert not page.locator("#form-host .odk-form .footer button").is_visible()  # engine's Send
    page.click("#form-finish")
    page.wait_for_selector("#form-host .form-error-message")
    assert page.inner_text("#form-host .form-error-message").strip() == "1 câu hỏi có lỗi."
    required = page.locator(".validation-message", has_text="Câu này bắt buộc phải trả lời.")
    assert required.count() == 1
    _answer_phq9(page)
    screenshot(page, "mobile-form")
    page.click("#form-finish")

    sent = page.locator("[data-sent-id]")
    page.wait_for_selector("#tab-outbox[aria-current=page]")
    page.click("#tab-results")
    sent.first.wait_for(timeout=30_000)
    assert sent.first.get_attribute("data-status") == "accepted"
    assert "PHQ-9" in sent.first.locator(".message").inner_text()
    assert sent.first.get_attribute("data-sent-id").startswith("uuid:")
    assert errors == []
    context.close()
