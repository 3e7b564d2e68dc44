"""Issue 11 in Chromium: a coordinator keeps the facility list on a phone-sized screen and on a
laptop: adds a facility through the form, finds it listed, opens its edit page; both pages pass
axe-core (no serious or critical violation) and do not scroll sideways; screenshots are written.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.browser.conftest import axe, dump, screenshot
from tests.support.live_server import BIN, ROOT, live_server

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"
WIDTHS = {"phone": 360, "laptop": 1280}


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("facilities") / "instance")
    done = subprocess.run([str(BIN / "sangloc"), "users", "create", "dp", "--role",
                           "coordinator", "--area", "01", "--password-stdin"],
                          env=server.env, cwd=ROOT, input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    server.sangloc("facilities", "add", "Bệnh viện Nhi Trung ương", "--kind", "paediatric",
                   "--area", "01", "--address", "18/879 La Thành, Đống Đa", "--phone",
                   "024 6273 8532")
    server.start("--no-scheduler")
    yield server
    server.stop()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_a_coordinator_adds_a_facility_and_opens_it(browser, pages, screen):
    context = browser.new_context(viewport={"width": WIDTHS[screen], "height": 800})
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
    page.get_by_label("Tên đăng nhập").fill("dp")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")
    page.goto(f"http://127.0.0.1:{pages.port}/admin/facilities")
    page.locator("details > summary").first.click()
    name = f"Trạm y tế phường Ba Đình ({screen})"
    page.locator("#new-name").fill(name)
    page.locator("#new-kind").select_option("health_station")
    page.locator("#new-area").select_option("00004")
    page.locator("#new-phone").fill("024 3823 0000")
    page.locator("form[action='/admin/facilities'] button[type=submit]").click()
    page.wait_for_url("**/admin/facilities?saved=*")
    assert page.get_by_role("heading", name=name).is_visible()
    assert "Phường Ba Đình" in page.content()
    violations = axe(page)
    assert violations == [], dump(violations)
    screenshot(page, f"facilities-{screen}")
    assert _fits(page)
    listed = page.locator("article", has=page.get_by_role("heading", name=name))
    listed.locator("a[role=button]").click()  # its edit link (named in either language)
    page.wait_for_url("**/admin/facilities/*")
    assert page.locator("#edit-name").input_value() == name
    violations = axe(page)
    assert violations == [], dump(violations)
    assert _fits(page)
    screenshot(page, f"facility-edit-{screen}")
    context.close()
