"""Issue 12 in Chromium, on a phone-sized screen and on a laptop: an admin opens the licensed
forms, picks EPDS, takes the template, uploads it with a row out of place (the problem names the
row), then uploads it filled correctly, reads what will change, confirms, and sees the new
version and its texts on the page. Every page passes axe-core (no serious or critical
violation) and does not scroll sideways; screenshots are written.
"""

from __future__ import annotations

import csv
import io
import subprocess

import pytest

from tests.browser.conftest import axe, dump, screenshot
from tests.support.live_server import BIN, ROOT, live_server

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"
WIDTHS = {"phone": 360, "laptop": 1280}


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("licensed") / "instance")
    done = subprocess.run([str(BIN / "sangloc"), "users", "create", "qtv", "--role", "admin",
                           "--area", "01", "--password-stdin"], env=server.env, cwd=ROOT,
                          input=PASSWORD + "\n", capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "epds.xlsx"))
    server.start("--no-scheduler")
    yield server
    server.stop()


def _checked(page, name: str) -> None:
    violations = axe(page)
    assert violations == [], dump(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    screenshot(page, name)


def _sign_in(browser, pages, screen: str):
    context = browser.new_context(viewport={"width": WIDTHS[screen], "height": 800})
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
    page.get_by_label("Tên đăng nhập").fill("qtv")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")
    return context, page


def _file(rows: list[list[str]], path) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def _preview(page, path: str) -> None:
    page.locator("#upload-lang").select_option("Tiếng Việt (vi)")
    page.locator("#upload-file").set_input_files(path)
    page.locator("form[action$='/licensed-text/preview'] button[type=submit]").click()
    page.wait_for_url("**/licensed-text/preview")


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_an_admin_loads_the_epds_text(browser, pages, screen, tmp_path):
    context, page = _sign_in(browser, pages, screen)
    page.get_by_role("link", name="Biểu mẫu").click()  # the forms page links to the texts
    page.locator("main").get_by_role("link", name="Nội dung có bản quyền").click()
    page.wait_for_url("**/admin/licensed-texts")
    _checked(page, f"licensed-forms-{screen}")
    page.locator("a[href='/admin/forms/epds/licensed-text']").click()
    page.wait_for_url("**/admin/forms/epds/licensed-text")
    _checked(page, f"licensed-text-{screen}")
    before = page.locator("main > p").first.inner_text()

    template = page.request.get(f"http://127.0.0.1:{pages.port}/admin/forms/epds/"
                                "licensed-text/template.csv?lang=Tiếng Việt (vi)")
    rows = list(csv.reader(io.StringIO(template.text().lstrip("\ufeff"))))
    assert rows[1][:3] == ["q01", "", rows[1][2]] and rows[2][:2] == ["q01", "0"]
    filled = [rows[0], *([k, v, c, f"Nội dung {screen} {k} {v}".strip()]
                         for k, v, c, _ in rows[1:])]

    swapped = [filled[0], *filled[6:11], *filled[1:6], *filled[11:]]  # q02 before q01
    _preview(page, _file(swapped, tmp_path / "sai.csv"))
    problem = page.locator("li.row-problem")
    assert problem.count() == 1 and "Dòng 2" in problem.first.inner_text()
    _checked(page, f"licensed-text-problems-{screen}")

    page.goto(f"http://127.0.0.1:{pages.port}/admin/forms/epds/licensed-text")
    _preview(page, _file(filled, tmp_path / "dung.csv"))
    assert page.locator("li.row-problem").count() == 0
    assert f"Nội dung {screen} q03 2" in page.locator("main table").inner_text()
    _checked(page, f"licensed-text-preview-{screen}")
    page.locator("form[action$='/licensed-text/confirm'] button[type=submit]").click()
    page.wait_for_url("**/admin/forms/epds/licensed-text?loaded=*")
    assert "Đã nạp: phiên bản" in page.locator("[role=status]").inner_text()
    assert page.locator("main > p").first.inner_text() != before  # the current version
    assert f"Nội dung {screen} q10 3" in page.locator("main table").inner_text()
    _checked(page, f"licensed-text-loaded-{screen}")
    context.close()
