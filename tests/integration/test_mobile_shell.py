"""The server's part of the offline app /m/ (server/mobile): shell, service worker, manifest,
icons, and their headers. The app itself is tried in Chromium (tests/browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import zlib
from pathlib import Path

import pytest

from server import create_app
from server.mobile import views

STATIC = Path(views.__file__).parent / "static"
VENDOR = Path(views.__file__).parents[1] / "ui" / "static" / "vendor"


@pytest.fixture
def client(tmp_path):
    # the shell needs no database: an app on an empty SQLite file is enough
    app = create_app({"INSTANCE_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    with app.test_client() as client:
        yield client


def test_the_shell_is_vietnamese_cacheable_and_allows_only_what_web_forms_needs(client):
    page = client.get("/m/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.data.decode()
    assert '<html lang="vi">' in html and "Đang tải…" in html
    assert 'rel="manifest" href="/m/manifest.webmanifest"' in html
    script = re.search(r'<script type="importmap">(.*?)</script>', html, re.S).group(1)
    assert json.loads(script) == {"imports": {
        "vue": "/static/vendor/vue.runtime.esm-browser.prod.js",
        "@getodk/web-forms": "/static/vendor/web-forms/index.js",
        "sangloc-web-forms-fixes": "/static/web_forms_fixes.js"}}
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert page.headers["Content-Security-Policy"] == (
        f"default-src 'self'; script-src 'self' 'sha256-{digest}' 'wasm-unsafe-eval'; "
        "style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'; worker-src 'self'; manifest-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    # the worker keeps the shell for offline use: revalidated, never no-store
    assert page.headers["Cache-Control"] == "no-cache"


def test_other_pages_keep_no_store_and_their_own_policy(client):
    from server.ui.web import CSP

    for path in ("/m/nothing-here", "/signin"):
        answer = client.get(path)
        assert answer.headers["Cache-Control"] == "no-store", path
        assert answer.headers["Content-Security-Policy"] == CSP, path
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"


def _worker(client):
    answer = client.get("/m/sw.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    body = answer.data.decode()
    assets = json.loads(re.search(r"const ASSETS = (\[.*?\]);", body).group(1))
    version = re.search(r'const VERSION = "([0-9a-f]+)";', body).group(1)
    return body, assets, version


def test_the_worker_precaches_the_shell_the_app_and_the_import_mapped_modules(client):
    body, assets, version = _worker(client)
    expected = {"/m/", "/m/manifest.webmanifest", "/m/icon-192.png", "/m/icon-512.png",
                "/static/vendor/vue.runtime.esm-browser.prod.js", "/static/web_forms_fixes.js"}
    expected |= {f"/m/static/{p.relative_to(STATIC).as_posix()}" for p in STATIC.rglob("*")
                 if p.is_file() and not p.name.startswith(".")}
    expected |= {f"/static/vendor/web-forms/{p.name}" for p in (VENDOR / "web-forms").glob("*.js")}
    assert {"/m/static/app.js", "/m/static/ui/engine.js",
            "/static/vendor/web-forms/index.js"} <= expected
    assert set(assets) == expected and len(assets) == len(expected)
    assert not any(url.startswith("/api/") for url in assets)
    assert 'const CACHE = "sangloc-m-" + VERSION;' in body and len(version) == 16
    assert 'url.pathname.indexOf("/api/") === 0' in body  # /api/ goes to the network
    assert _worker(client)[2] == version  # nothing changed: the same worker


def test_the_version_follows_the_files_content(tmp_path):
    one, two = tmp_path / "a.js", tmp_path / "b.js"
    one.write_text("let a = 1;")
    two.write_text("let b = 1;")
    before = views._content_hash([one, two])
    assert views._content_hash([one, two]) == before
    two.write_text("let b = 2;")
    assert views._content_hash([one, two]) != before


def test_the_manifest_makes_an_installable_app_scoped_to_m(client):
    answer = client.get("/m/manifest.webmanifest")
    assert answer.status_code == 200 and answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.data)
    assert manifest["name"] == "Sàng lọc" and manifest["short_name"] == "Sàng lọc"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == \
        ("/m/", "/m/", "standalone")
    assert manifest["lang"] == "vi" and manifest["theme_color"] == "#0b5e4a"
    assert [(i["src"], i["sizes"], i["type"]) for i in manifest["icons"]] == [
        ("/m/icon-192.png", "192x192", "image/png"), ("/m/icon-512.png", "512x512", "image/png")]


def _png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and the unfiltered rows of an 8-bit RGB PNG, checking every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = {}, 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = chunks.get(kind, b"") + body
        at += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2) and b"IEND" in chunks
    return width, height, zlib.decompress(chunks[b"IDAT"])


@pytest.mark.parametrize("size", [192, 512])
def test_the_icons_are_pngs_of_their_size(client, size):
    answer = client.get(f"/m/icon-{size}.png")
    assert answer.status_code == 200 and answer.mimetype == "image/png"
    width, height, rows = _png(answer.data)
    assert (width, height) == (size, size) and len(rows) == size * (1 + 3 * size)

    def pixel(x, y):
        start = y * (1 + 3 * size) + 1 + 3 * x
        return tuple(rows[start:start + 3])
    assert pixel(0, 0) == (11, 94, 74)  # the theme colour in the corner
    assert pixel(size // 2, size // 2) == (255, 255, 255)  # the white dot in the middle


def test_an_unknown_icon_size_and_the_static_files(client):
    assert client.get("/m/icon-64.png").status_code == 404
    with client.get("/m/static/app.js") as app_js:
        assert app_js.status_code == 200 and app_js.mimetype == "text/javascript"
    with client.get("/m/static/i18n.js") as strings:
        assert strings.data.decode().count('form_finish: "Hoàn thành"') == 1
