"""The mobile app's JavaScript unit tests (``tests/js/*.test.mjs``), run by Node's own test runner.

``make test`` runs them through this test: a failing node test fails it, with node's report.
Without node (>= 20) the test is skipped, or fails in strict mode (``SANGLOC_STRICT=1``), like
the other real dependencies (``tests/conftest.py``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from server.config import read_environment

ROOT = Path(__file__).resolve().parents[2]
JS_TESTS = ROOT / "tests" / "js"
MIN_NODE = 20


def _node() -> str:
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "node is not installed"
    else:
        version = subprocess.run([node, "--version"], capture_output=True, text=True,
                                 check=False, timeout=30).stdout.strip()
        match = re.match(r"v(\d+)\.", version)
        if not match or int(match.group(1)) < MIN_NODE:
            problem = f"node {MIN_NODE} or newer is needed, found {version or 'nothing'}"
    if problem:
        if read_environment()["STRICT"]:
            pytest.fail(f"strict mode: {problem}")
        pytest.skip(problem)
    return node


def test_js_unit_tests_pass():
    node = _node()
    files = sorted(str(path.relative_to(ROOT)) for path in JS_TESTS.glob("*.test.mjs"))
    assert files, "no JavaScript tests found in tests/js"
    run = subprocess.run([node, "--test", "--test-reporter=spec", *files],
                         cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert run.returncode == 0, f"node --test failed:\n{run.stdout}\n{run.stderr}"
    assert re.search(r"\bfail 0\b", run.stdout), run.stdout
