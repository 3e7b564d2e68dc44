"""The routes of ``/m/``: the app shell, the service worker, the manifest, the icons.

    GET /m/                       the shell (``templates/mobile/shell.html``): no personal data,
                                  Vietnamese until the app switches; the app draws every screen
    GET /m/sw.js                  the service worker, served from /m/ so that its scope is /m/;
                                  rendered with the list of files to precache and a hash of their
                                  content, so a deploy that changes any of them is a new worker
    GET /m/manifest.webmanifest   the web app manifest (installable, standalone, scope /m/)
    GET /m/icon-<192|512>.png     the manifest's icons (``icons.py``)
    GET /m/static/<path>          the app's files (Flask's static route of the blueprint)

Headers: the pages' (``server/ui/web.py``: CSP, no framing, same-origin referrer), with the
policy of the form trial page (``form_trial.trial_csp``: the import map's hash, WebAssembly,
Web Forms' inline styles and data: fonts) plus ``worker-src 'self'`` and ``manifest-src
'self'``. The shell, the worker and the manifest are ``Cache-Control: no-cache`` (``no-store``,
the pages' rule, would keep the service worker from holding the shell for offline use): the
browser revalidates them, the worker keeps its own copy. ``/api/`` answers stay ``no-store``
and the worker never caches them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Flask, Response, abort, current_app, g, render_template, request, url_for

from server.mobile import bp
from server.mobile.icons import THEME, icon_png
from server.ui.form_trial import FIXES_FILE, importmap, trial_csp

ICON_SIZES = (192, 512)
NO_CACHE = "no-cache"
_HASHED: dict[tuple, str] = {}  # the files' (path, mtime, size) -> their content hash


def mobile_csp(inline_script: str) -> str:
    """The form trial page's policy, plus the app's service worker and manifest."""
    return trial_csp(inline_script) + "; worker-src 'self'; manifest-src 'self'"


def register(app: Flask) -> None:
    """The blueprint and its cache rule. Call before ``web.register``: hooks registered on the
    app run in reverse order, so this one runs after the pages' (which sets no-store)."""
    app.register_blueprint(bp)
    app.after_request(_cache_rule)


def _cache_rule(response: Response) -> Response:
    if request.blueprint == "mobile" and request.endpoint != "mobile.static":
        response.headers["Cache-Control"] = NO_CACHE
    return response


@bp.get("/")
def shell():
    script = importmap()
    g.csp = mobile_csp(script)
    return render_template("mobile/shell.html", importmap=script,
                           theme=_hex(THEME), sw_url=url_for("mobile.service_worker"))


@bp.get("/sw.js")
def service_worker():
    assets, version = _precache()
    body = render_template("mobile/sw.js", assets=json.dumps(assets), version=version,
                           shell=json.dumps(url_for("mobile.shell")))
    return Response(body, mimetype="text/javascript")


@bp.get("/manifest.webmanifest")
def manifest():
    icons = [{"src": url_for("mobile.icon", size=size), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any"} for size in ICON_SIZES]
    shell_url = url_for("mobile.shell")
    body = {"name": "Sàng lọc", "short_name": "Sàng lọc", "lang": "vi",
            "description": "Sàng lọc tại xã — cộng tác viên", "start_url": shell_url,
            "scope": shell_url, "display": "standalone", "theme_color": _hex(THEME),
            "background_color": "#ffffff", "icons": icons}
    return Response(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/icon-<int:size>.png")
def icon(size: int):
    if size not in ICON_SIZES:
        abort(404)
    return Response(icon_png(size), mimetype="image/png")


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{part:02x}" for part in colour)


def _precache() -> tuple[list[str], str]:
    """The URLs the worker keeps (the shell, manifest, icons, the app's files, the vendor
    modules the import map names) and a hash of everything that makes them."""
    static = Path(bp.static_folder)
    vendor = Path(current_app.root_path) / "ui" / "static" / "vendor"
    app_files = sorted(p for p in static.rglob("*") if p.is_file() and not p.name.startswith("."))
    vendor_files = [vendor / "vue.runtime.esm-browser.prod.js",
                    *sorted((vendor / "web-forms").glob("*.js")), vendor.parent / FIXES_FILE]
    urls = [url_for("mobile.shell"), url_for("mobile.manifest"),
            *(url_for("mobile.icon", size=size) for size in ICON_SIZES),
            *(url_for("mobile.static", filename=p.relative_to(static).as_posix())
              for p in app_files),
            *(url_for("ui.static", filename=p.relative_to(vendor.parent).as_posix())
              for p in vendor_files if p.is_file())]
    templates = Path(bp.root_path) / "templates" / "mobile"
    sources = [*app_files, *vendor_files, *sorted(templates.glob("*")), Path(__file__)]
    return urls, _content_hash(sources)


def _content_hash(paths: list[Path]) -> str:
    stats = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths if p.is_file())
    if stats not in _HASHED:
        digest = hashlib.sha256()
        for path, _, _ in stats:
            digest.update(Path(path).name.encode() + b"\0" + Path(path).read_bytes())
        _HASHED.clear()
        _HASHED[stats] = digest.hexdigest()[:16]
    return _HASHED[stats]
