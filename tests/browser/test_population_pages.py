"""Issue 12 in Chromium, on a phone-sized screen and on a laptop: a coordinator types a commune's
population, imports a CSV (preview, then confirm) and finds the numbers on the page with
their totals; an admin opens the audit view and finds those changes. Every page passes axe-core
(no serious or critical violation) and does not scroll sideways (the wide tables scroll inside
their own region); screenshots are written.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import SHOTS, axe, dump, screenshot
from tests.support.live_server import live_server

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"
WIDTHS = {"phone": 360, "laptop": 1280}
YEAR = 2026


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("population") / "instance")
    for username, role in (("dp", "coordinator"), ("qtv", "admin")):
        server.sangloc("users", "create", username, "--role", role, "--area", "01",
                       "--password-stdin", input=PASSWORD + "\n")
    server.start("--no-scheduler")
    yield server
    server.stop()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _checked(page, name: str) -> None:
    violations = axe(page)
    assert violations == [], dump(violations)
    assert _fits(page), name
    screenshot(page, name)


def _sign_in(browser, pages, screen: str, username: str):
    context = browser.new_context(viewport={"width": WIDTHS[screen], "height": 800})
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")
    return context, page


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_a_coordinator_types_and_imports_the_population(browser, pages, screen, tmp_path):
    context, page = _sign_in(browser, pages, screen, "dp")
    page.goto(f"http://127.0.0.1:{pages.port}/admin/population?year={YEAR}")
    _checked(page, f"population-{screen}")
    page.locator("#numbers-heading").scroll_into_view_if_needed()  # the table, as first seen
    page.screenshot(path=str(SHOTS / f"population-table-{screen}.png"))
    adults = 4000 if screen == "phone" else 4100
    page.locator("#c-00004-adults").fill(f"{adults:,}".replace(",", "."))
    page.locator("#c-00004-children_0_6").fill("1200")
    page.locator("form[method=post][action='/admin/population'] button[type=submit]").click()
    page.wait_for_url("**/admin/population?*saved=*")
    assert page.locator("#c-00004-adults").input_value() == str(adults)
    ngoc_ha = int(page.locator("#c-00008-adults").input_value() or 0)  # imported before?
    totals = page.locator("section[aria-labelledby=totals-heading] tbody tr").first
    assert f"{adults + ngoc_ha:,}".replace(",", ".") in totals.inner_text()

    upload = tmp_path / "dan-so.csv"
    upload.write_text("commune_code,commune_name,year,children_0_6,children_16_30m,adults\n"
                      f"00008,Phường Ngọc Hà,{YEAR},950,60,7.500\n"
                      f"99999,Không có,{YEAR},1,1,1\n", encoding="utf-8")
    page.locator("#import-file").set_input_files(str(upload))
    page.locator("form[action='/admin/population/import'] button[type=submit]").click()
    page.wait_for_url("**/admin/population/import")
    problems = page.locator("li.row-problem")
    assert problems.count() == 1 and "dòng 3" in problems.first.inner_text()
    _checked(page, f"population-preview-problems-{screen}")

    upload.write_text("commune_code,commune_name,year,children_0_6,children_16_30m,adults\n"
                      f"00008,Phường Ngọc Hà,{YEAR},950,60,7.500\n", encoding="utf-8")
    page.goto(f"http://127.0.0.1:{pages.port}/admin/population?year={YEAR}")
    page.locator("#import-file").set_input_files(str(upload))
    page.locator("form[action='/admin/population/import'] button[type=submit]").click()
    page.wait_for_url("**/admin/population/import")
    assert page.locator("li.row-problem").count() == 0
    _checked(page, f"population-preview-{screen}")
    page.locator("form[action='/admin/population/import/confirm'] button[type=submit]").click()
    page.wait_for_url("**/admin/population?*saved=*")
    assert page.locator("#c-00008-adults").input_value() == "7500"
    assert page.locator("#c-00008-children_0_6").input_value() == "950"
    context.close()


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_an_admin_reads_the_audit_log(browser, pages, screen):
    context, page = _sign_in(browser, pages, screen, "qtv")
    page.goto(f"http://127.0.0.1:{pages.port}/admin/audit")
    _checked(page, f"audit-{screen}")
    page.locator("#filter-user").fill("dp")
    page.locator("#filter-action").fill("population")
    page.locator("form[action='/admin/audit'] button[type=submit]").click()
    page.wait_for_url("**/admin/audit?*")
    assert page.locator("table.audit tbody tr").count() >= 1
    assert "population." in page.locator("table.audit").inner_text()
    _checked(page, f"audit-filtered-{screen}")
    context.close()
