"""Issue 12 in Chromium: a coordinator adds a collaborator and gives them a device, on a
phone-sized screen and on a laptop. The QR code is read from what Chromium draws (the page's
image copied to a canvas, decoded by zxing-cpp as a phone would), and the server URL it holds
answers Collect's formList. Every page passes axe-core (no serious or critical violation) and
does not scroll sideways; screenshots are written.
"""

from __future__ import annotations

import subprocess
import urllib.request

import pytest

from server.collect_settings import decode_payload
from tests.browser.conftest import axe, dump, screenshot
from tests.support.collect import headers
from tests.support.live_server import BIN, ROOT, live_server
from tests.support.qr import decode_grey

pytestmark = pytest.mark.slow
PASSWORD = "mật khẩu đủ dài 2026"
WIDTHS = {"phone": 360, "laptop": 1280}
CANVAS = 480  # pixels a side the QR image is drawn at to be read

# the page's QR image drawn on a white canvas, returned as one grey byte per pixel
READ_QR = """(size) => {
  const img = document.getElementById("qr");
  const canvas = document.createElement("canvas");
  canvas.width = size; canvas.height = size;
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; context.fillRect(0, 0, size, size);
  context.drawImage(img, 0, 0, size, size);
  const rgba = context.getImageData(0, 0, size, size).data;
  const grey = new Array(size * size);
  for (let i = 0; i < size * size; i++) grey[i] = rgba[i * 4];
  return grey;
}"""


@pytest.fixture(scope="module")
def pages(sqlite_template, tmp_path_factory):
    server = live_server(sqlite_template, tmp_path_factory.mktemp("people") / "instance")
    done = subprocess.run([str(BIN / "sangloc"), "users", "create", "dp", "--role",
                           "coordinator", "--area", "01", "--password-stdin"],
                          env=server.env, cwd=ROOT, input=PASSWORD + "\n", capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    server.start("--no-scheduler")
    yield server
    server.stop()


def _checked(page, name: str) -> None:
    violations = axe(page)
    assert violations == [], dump(violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    screenshot(page, name)


def _read_qr(page) -> str:
    grey = page.evaluate(READ_QR, CANVAS)
    found = decode_grey(bytes(grey), CANVAS, CANVAS)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("screen", list(WIDTHS))
def test_a_coordinator_adds_a_collaborator_and_gives_them_a_device(browser, pages, screen):
    base = f"http://127.0.0.1:{pages.port}"
    context = browser.new_context(viewport={"width": WIDTHS[screen], "height": 800})
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.get_by_label("Tên đăng nhập").fill("dp")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/worklist")

    page.goto(f"{base}/admin/users")
    _checked(page, f"staff-{screen}")
    page.goto(f"{base}/admin/users/new")
    username = f"ctv-{screen}"
    page.locator("#new-username").fill(username)
    page.locator("#new-role").select_option("collaborator")
    page.locator("#new-areas").select_option(["00004"])
    _checked(page, f"staff-new-{screen}")
    page.locator("form[action='/admin/users'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=username).is_visible()
    _checked(page, f"staff-user-{screen}")

    page.locator("a[href^='/admin/devices/new?collaborator=']").click()
    page.wait_for_url("**/admin/devices/new?collaborator=*")
    page.locator("#device-commune").select_option("00004")
    page.locator("#device-name").fill(f"{username}-1")
    _checked(page, f"device-new-{screen}")
    page.locator("form[action='/admin/devices'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#qr").is_visible()
    _checked(page, f"device-code-{screen}")

    settings = decode_payload(_read_qr(page))
    url = settings["general"]["server_url"]
    assert url.startswith(f"{base}/key/") and \
        settings["project"] == {"name": "sàng lọc · Phường Ba Đình"}
    listed = urllib.request.urlopen(urllib.request.Request(
        f"{url}/formList", headers=headers()), timeout=30)
    assert listed.status == 200 and b"<xforms" in listed.read()

    with context.expect_page() as opened:
        page.locator("form[action$='/print'] button[type=submit]").click()
    printed = opened.value
    printed.wait_for_load_state()
    assert decode_payload(_read_qr(printed)) == settings
    _checked(printed, f"device-print-{screen}")

    page.goto(f"{base}/admin/devices")
    assert page.get_by_role("link", name=f"{username}-1").is_visible()
    _checked(page, f"devices-{screen}")
    page.get_by_role("link", name=f"{username}-1").click()
    page.wait_for_url("**/admin/devices/*")
    _checked(page, f"device-{screen}")
    context.close()
