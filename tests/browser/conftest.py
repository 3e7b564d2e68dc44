"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright, on a real ``sangloc serve``.

``browser`` is one headless Chromium per session (never ``playwright install``); a missing
Chromium skips these tests, or fails them in strict mode (CI). ``pages`` is a server on a copy
of the SQLite template with a supervisor, a device and some submitted screenings. Screenshots go
to ``.test-output/screenshots`` (git-ignored). ``axe`` runs axe-core (from node_modules, as
``make`` installs it) in a page and returns its serious and critical violations.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import STRICT
from tests.support.live_server import ROOT

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / ".test-output" / "screenshots"


@pytest.fixture(scope="session")
def browser():
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if missing:
        if STRICT:
            pytest.fail(f"strict mode: missing {', '.join(missing)} (make test installs them)")
        pytest.skip(f"missing {', '.join(missing)}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


def axe(page) -> list[dict]:
    """axe-core's serious and critical violations on ``page`` (run through the DevTools
    protocol, so the page's own Content-Security-Policy is left as it is)."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run()).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])}
            for v in found if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)

