"""ODK Collect settings for an app user: the server URL and the settings QR code.

QR format (openrosa.md b.7, as ODK Central's): base64(zlib(JSON)) of
``{"general": {"server_url": ..., ...}, "project": {"name": ...}, "admin": {}}``.
"""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path


def server_url(public_url: str, token: str) -> str:
    """The URL typed into Collect (Settings > Project management > Server)."""
    return f"{public_url.rstrip('/')}/key/{token}"


def mobile_app_url(public_url: str, token: str) -> str:
    """The device link of the mobile web app (``/m/``): the token rides in the fragment, which
    a browser never sends, so it reaches no server log; the app reads it and keeps it."""
    return f"{public_url.rstrip('/')}/m/#device={token}"


def project_name(commune_name: str) -> str:
    """The project's name in Collect: the commune the device works in."""
    return f"sàng lọc · {commune_name}"


def settings_payload(url: str, project_name: str) -> str:
    settings = {
        "general": {"server_url": url, "form_update_mode": "match_exactly",
                    "autosend": "wifi_and_cellular"},
        "project": {"name": project_name},
        "admin": {},
    }
    raw = json.dumps(settings, ensure_ascii=False).encode("utf-8")
    return base64.b64encode(zlib.compress(raw)).decode("ascii")


def decode_payload(payload: str) -> dict:
    return json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))


def write_qr_png(payload: str, path: Path) -> None:
    import segno

    segno.make(payload, error="l", micro=False).save(str(path), scale=6, border=4)


def qr_svg_data_uri(payload: str) -> str:
    """The QR code as an SVG ``data:`` URI for an ``<img>`` (the pages' CSP allows data:
    images and no inline style): black modules on white, sized by the page."""
    import segno

    return segno.make(payload, error="l", micro=False).svg_data_uri(
        border=4, dark="#000", light="#fff", omitsize=True)
