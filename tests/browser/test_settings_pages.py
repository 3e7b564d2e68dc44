"""Issue 12 in Chromium: a coordinator changes their province's threshold table, in Vietnamese.

The settings link in the menu -> the list of the coordinator's provinces -> the province's
form -> the Vietnamese table chosen -> the preview (one open PHQ-9 result, total 6, would
become screen-positive: cut-off 10 under international@2, 4 under vietnam@2, instruments.md
§4) -> confirmed -> the province's page says the screening was re-scored and the history shows
the change. Every page passes axe-core (no serious or critical violation) and fits a phone's
width; screenshots are written.
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


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("settings") / "instance")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "phq9.xlsx"))
    server.sangloc("users", "create", "dp", "--role", "coordinator", "--area", "01",
                   "--password-stdin", input=PASSWORD + "\n")
    created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                        "--json"))
    server.start("--no-scheduler")
    xml = screening_instance("phq9", levels(9, q01=3, q02=3), dob=date(1990, 5, 17),
                             name="Lê Văn Sáu")
    assert submit(server.port, urlsplit(created["server_url"]).path, xml) == 201
    yield server
    server.stop()


def _checked(page, name: str) -> None:
    violations = axe(page)
    assert violations == [], dump(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    screenshot(page, name)


def test_a_coordinator_previews_and_confirms_the_vietnamese_table(browser, pages):
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
    page.get_by_label("Tên đăng nhập").fill("dp")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")
    link = page.get_by_role("link", name="Cài đặt").get_attribute("href")
    page.goto(f"http://127.0.0.1:{pages.port}{link}")
    page.wait_for_url("**/admin/settings")
    assert page.get_by_role("heading", name="Cài đặt chương trình").is_visible()
    _checked(page, "settings-list")
    page.get_by_role("link", name="Thành phố Hà Nội").click()
    page.wait_for_url("**/admin/settings/01")
    _checked(page, "settings-province")
    page.get_by_label("Bảng ngưỡng").select_option("vietnam")
    page.get_by_role("button", name="Lưu").click()
    assert page.get_by_role("heading", name="Xem trước thay đổi").is_visible()
    row = page.locator("#preview-counts tr[data-instrument=phq9] td")
    assert row.all_inner_texts() == ["1", "0", "1", "1"]  # open, band, positive, either
    assert "Chưa có gì được lưu" in page.locator("#preview-summary").inner_text()
    _checked(page, "settings-preview")
    page.get_by_role("button", name="Xác nhận và chấm lại").click()
    page.wait_for_url("**/admin/settings/01?*saved=1*")
    assert "Đã chấm lại 1 phiếu sàng lọc ngay" in page.locator("#settings-saved").inner_text()
    history = page.locator("section[aria-labelledby=history-heading] tbody tr")
    assert history.count() == 1
    assert "Ngưỡng đã hiệu chuẩn tại Việt Nam" in history.first.inner_text()
    assert "dp" in history.first.inner_text()
    _checked(page, "settings-saved")
    context.close()
