"""Two gunicorn worker processes on one PostgreSQL behave as one server.

A real gunicorn with two sync workers serves a fresh database; identical submissions sent at
the same time over HTTP, landing on both workers, are stored once.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import create_engine, text

from tests.integration.conftest import anchor_instance
from tests.support.collect import headers, multipart
from tests.support.live_server import BIN, ROOT, free_port
from tests.support.paths import ANCHOR_FORM


@pytest.fixture
def server(pg_cluster, tmp_path):
    database = f"two_{uuid.uuid4().hex[:8]}"
    subprocess.run([str(pg_cluster.bindir / "createdb"), "-h", str(pg_cluster.root), "-U",
                    pg_cluster.user, database], check=True)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update(SANGLOC_DATABASE_URL=pg_cluster.url(database), SANGLOC_INSTANCE_DIR=str(tmp_path),
               SANGLOC_PUBLIC_URL=f"http://127.0.0.1:{port}", SANGLOC_LOG_LEVEL="WARNING")

    def sangloc(*args: str) -> str:
        return subprocess.run([str(BIN / "sangloc"), *args], env=env, cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout

    subprocess.run([str(BIN / "sangloc"), "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    sangloc("forms", "publish", str(ANCHOR_FORM))
    sangloc("init")  # seeds the areas (and publishes the bundled forms)
    url = json.loads(sangloc("app-users", "create", "ctv", "--commune", "00004", "--json"))
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", str(ROOT / "server" / "gunicorn_conf.py"), "-b",
         f"127.0.0.1:{port}", "-w", "2", "wsgi:app"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(port)
    yield urlsplit(url["server_url"]).path, port, pg_cluster.url(database)
    process.terminate()
    process.wait(timeout=30)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def _post(port: int, path: str, xml: bytes) -> int:
    body, content_type = multipart(xml)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", f"{path}/submission", body,
                       {**headers(), "Content-Type": content_type})
    status = connection.getresponse().status
    connection.close()
    return status


def test_identical_posts_across_two_workers_store_one_submission(server):
    path, port, database_url = server
    instance_ids = [f"uuid:{uuid.uuid4()}" for _ in range(10)]
    statuses: list[int] = []
    lock = threading.Lock()

    def send(xml: bytes) -> None:
        status = _post(port, path, xml)
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send, args=(anchor_instance(i),))
               for i in instance_ids for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [201] * 40
    engine = create_engine(database_url)
    with engine.connect() as connection:
        counts = connection.execute(text(
            "SELECT count(*), count(DISTINCT instance_id) FROM submissions")).one()
    engine.dispose()
    assert tuple(counts) == (10, 10)
