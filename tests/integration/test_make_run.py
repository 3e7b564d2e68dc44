"""``make run``: a quiet installation, then the first-run box as the last thing on screen.

Issue 9, rough edge 3: installing prints nothing of pip's or setuptools' output unless it fails
(then the whole log is shown); on a first run the box with the admin login, the demo device's
Collect URL and its QR code file comes after the web server's and the scheduler's start-up
lines, once the server answers, so it is what the operator sees.

``make`` runs the Makefile's own recipes: installation with a stand-in ``pip`` (no network),
``run`` with the test's virtual environment (``STAMP=`` skips the installation step).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.collect import headers as collect_headers
from tests.support.live_server import BIN, ROOT, free_port, processes_using, wait_until

# What pip and setuptools print while installing sangloc: warnings by the dozen, on both streams
NOISY_PIP = """#!/bin/sh
for i in $(seq 60); do echo "SetuptoolsDeprecationWarning $i: License classifiers"; done
for i in $(seq 60); do echo "WARNING $i: pip noise" >&2; done
exit "${FAKE_PIP_EXIT:-0}"
"""


def _make(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), *args], env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


def test_installation_is_quiet_unless_it_fails(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    pip = venv / "bin" / "pip"
    pip.write_text(NOISY_PIP)
    pip.chmod(pip.stat().st_mode | stat.S_IEXEC)
    done = _make(f"VENV={venv}", "venv")
    shown = done.stdout + done.stderr
    assert done.returncode == 0, shown
    assert "Setuptools" not in shown and "noise" not in shown, shown
    assert len(shown.splitlines()) <= 2, shown
    assert (venv / ".installed").exists()
    (venv / ".installed").unlink()
    failed = _make(f"VENV={venv}", "venv", env={**os.environ, "FAKE_PIP_EXIT": "1"})
    shown = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "SetuptoolsDeprecationWarning 60" in shown and "WARNING 60: pip noise" in shown
    assert not (venv / ".installed").exists()


def _form_list(port: int, url: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", url.split(f":{port}", 1)[1] + "/formList",
                           headers=collect_headers())
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.slow
def test_make_run_ends_with_the_first_run_box(sqlite_template, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    shutil.copy(sqlite_template, instance / "sangloc.db")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update(SANGLOC_INSTANCE_DIR=str(instance), SANGLOC_PORT=str(port),
               SANGLOC_DATABASE_URL=f"sqlite:///{instance / 'sangloc.db'}")
    log = tmp_path / "make-run.log"
    with log.open("wb") as out:
        make = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), "run",
                                 "STAMP=", f"BIN={BIN}"], env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: re.search(r"\n=+\n", log.read_text()), 120, "the first-run box")
        time.sleep(2)  # whatever else start-up prints would be on screen by now
        lines = log.read_text().splitlines()
        status = _form_list(port, _box(lines, instance, port)["url"])
    finally:
        os.killpg(make.pid, signal.SIGINT)  # Ctrl-C, as in a terminal
        make.wait(timeout=60)
    assert status == 200  # the demo device's URL reaches the server
    assert processes_using(instance) == []


def _box(lines: list[str], instance: Path, port: int) -> dict[str, str]:
    """Checks that the output ends with the first-run box, after every start-up line."""
    start = next(i for i, line in enumerate(lines) if line.startswith("=== "))
    box = "\n".join(lines[start:])
    assert re.fullmatch(r"=+", lines[-1]), "the box is not the last thing on screen:\n" + box
    before = "\n".join(lines[:start])
    assert "Booting worker" in before and "scheduler lease" in before, before
    assert "Admin login:" in box and "Đăng nhập quản trị" in box
    url = re.search(r"ODK Collect server URL: (\S+)", box)[1]
    assert url.startswith(f"http://127.0.0.1:{port}/key/")
    qr = Path(re.search(r"QR code[^:]*: (\S+\.png)$", box, re.MULTILINE)[1])
    assert qr.parent == instance and qr.read_bytes().startswith(b"\x89PNG")
    return {"url": url}
