"""Issue 12 in Chromium: a coordinator asks for an export of the per-commune screening table,
sees it waiting with a progress bar, the worker runs (``sangloc jobs run run_exports``, as the
scheduler would), the page, polling by itself, shows the download link, and the downloaded
CSV has the hand-worked rows with the small cell suppressed. Then a screenings export as XLSX,
read with openpyxl. The page passes axe-core and does not scroll sideways at 360 px.

Seeded: Phường Ba Đình (00004) 5 adults screened with PHQ-9, every item 0 (minimal: none at
high risk), Phường Ngọc Hà (00008) 2 adults the same. The table: Ba Đình 5 screenings,
5 persons, 0 at high risk, 0.0 %; Ngọc Hà "<5", "<5", 0 and no rate (2 is a small cell).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest

from tests.browser.conftest import axe, dump, screenshot
from tests.support.instances import levels, screening_instance
from tests.support.live_server import ROOT, live_server, submit

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("exports") / "instance")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "phq9.xlsx"))
    server.sangloc("users", "create", "dp", "--role", "coordinator", "--area", "01",
                   "--password-stdin", input=PASSWORD + "\n")
    devices = {commune: urlsplit(json.loads(server.sangloc(
        "app-users", "create", f"ctv-{commune}", "--commune", commune, "--json"))
        ["server_url"]).path for commune in ("00004", "00008")}
    server.start("--no-scheduler")
    for commune, count in (("00004", 5), ("00008", 2)):
        for i in range(count):
            xml = screening_instance("phq9", levels(9), dob=date(1990, 5, 17),
                                     name=f"Người {commune} {i}", commune=commune)
            assert submit(server.port, devices[commune], xml) == 201
    yield server
    server.stop()


def _checked(page, name: str) -> None:
    violations = axe(page)
    assert violations == [], dump(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    screenshot(page, name)


def _ask(page, kind_label: str, fmt: str) -> None:
    page.get_by_label("Dữ liệu", exact=True).select_option(label=kind_label)
    page.get_by_label(fmt, exact=True).check()
    page.get_by_role("button", name="Yêu cầu xuất").click()
    page.wait_for_url("**/admin/exports?asked=*")


def _download(page, row, folder: Path) -> Path:
    """Wait for the link (the page polls by itself), download, keep the file's own name."""
    row.get_by_role("link", name="Tải về").wait_for(timeout=15_000)
    with page.expect_download() as download:
        row.get_by_role("link", name="Tải về").click()
    name = download.value.suggested_filename
    assert name.startswith("sangloc-") and name.count(".") == 1, name
    download.value.save_as(folder / name)
    return folder / name


def test_a_coordinator_asks_waits_and_downloads(browser, pages, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 800}, accept_downloads=True)
    page = context.new_page()
    try:
        page.goto(f"http://127.0.0.1:{pages.port}/sign-in")
        page.get_by_label("Tên đăng nhập").fill("dp")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/worklist")
        page.get_by_role("link", name="Xuất dữ liệu").click()
        page.wait_for_url("**/admin/exports")
        _checked(page, "exports-empty-360")
        _ask(page, "Số lần sàng lọc theo xã", "CSV")
        row = page.locator("#export-list tbody tr").first
        assert "Đang chờ" in row.inner_text()
        assert row.locator("progress").count() == 1
        _checked(page, "exports-waiting-360")
        pages.sangloc("jobs", "run", "run_exports")
        data = _download(page, row, tmp_path).read_bytes()
        assert "Đã xong" in row.inner_text()
        assert row.locator("progress").get_attribute("value") == \
            row.locator("progress").get_attribute("max")
        _checked(page, "exports-ready-360")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        assert rows[1:] == [["00004", "Phường Ba Đình", "5", "5", "0", "0.0"],
                            ["00008", "Phường Ngọc Hà", "<5", "<5", "0", ""]]

        _ask(page, "Các lần sàng lọc (mỗi lần một dòng)", "XLSX")
        pages.sangloc("jobs", "run", "run_exports")
        row = page.locator("#export-list tbody tr").first
        path = _download(page, row, tmp_path)
        assert path.suffix == ".xlsx"
        sheet = openpyxl.load_workbook(path).worksheets[0]
        cells = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert cells[0][:4] == ["person_id", "instrument", "date", "total"]
        assert [(r[1], r[3]) for r in cells[1:]] == [("phq9", 0)] * 7
    finally:
        context.close()
