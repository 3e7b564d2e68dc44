"""Issue 14: the example production configuration in ``deploy/`` works as written.

Debian's nginx runs ``deploy/nginx.conf`` with only ports, certificate paths and upstream
addresses substituted (real TLS, a self-signed certificate made by ``openssl``) in front of a
real ``sangloc serve`` with two gunicorn workers, ``SANGLOC_PROXY_COUNT=1`` and JSON logs, as the
example environment file sets them. Checked: Collect's HEAD + POST through nginx, the client's
address and scheme as sangloc sees them, ``/metrics`` refused through nginx but summed over
every worker on the node, the JSON log, the example settings and the systemd units.
A missing nginx or openssl skips, or fails in strict mode (``SANGLOC_STRICT=1``).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families

from server.config import ConfigError, check_settings, read_environment
from tests.conftest import STRICT
from tests.support.collect import headers as collect_headers
from tests.support.collect import multipart
from tests.support.instances import mchat_answers, screening_instance
from tests.support.live_server import ROOT, LiveServer, free_port, live_server, wait_until

pytestmark = pytest.mark.slow
DEPLOY = ROOT / "deploy"
NGINX = Path("/usr/sbin/nginx")
CLIENT = "127.0.0.2"  # the phone's address: nginx itself connects from 127.0.0.1
NAME = "localhost"  # the server's name in the rendered configuration and its certificate


def need(binary: str | None, what: str) -> str:
    if binary and Path(binary).exists():
        return binary
    if STRICT:
        pytest.fail(f"strict mode: {what} is missing")
    pytest.skip(f"{what} is missing")


@dataclass
class Stack:
    server: LiveServer
    https: int
    http: int
    cert: Path
    device: str  # /key/<token>

    def tls(self, method: str, path: str, body: bytes = b"", headers=None, source=CLIENT,
            name: str = NAME):
        """A request to nginx over TLS for host ``name`` (the certificate checked); status,
        headers, body."""
        context = ssl.create_default_context(cafile=str(self.cert))
        connection = _Tls(name, self.https, context=context, timeout=30,
                          source_address=(source, 0))
        return _exchange(connection, method, path, body, headers)

    def plain(self, port: int, method: str, path: str, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return _exchange(connection, method, path, b"", headers)


class _Tls(http.client.HTTPSConnection):
    """To nginx on 127.0.0.1, naming ``host`` in TLS (SNI) and in the Host header, as a phone
    does: nginx refuses a handshake for any other name (``ssl_reject_handshake``)."""

    def connect(self) -> None:
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout,
                                        self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _exchange(connection, method, path, body, headers):
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def render_nginx(root: Path, https: int, plain: int, upstream: int, cert: Path, key: Path) -> Path:
    """deploy/nginx.conf for this test, inside a main file with the process-level settings a
    Debian /etc/nginx/nginx.conf would give (here: files under ``root``, in the foreground)."""
    site = (DEPLOY / "nginx.conf").read_text()
    substitutions = {
        "/etc/letsencrypt/live/sangloc.example.vn/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/sangloc.example.vn/privkey.pem": str(key),
        "sangloc.example.vn": NAME,
        "10.0.0.11:8000": f"127.0.0.1:{upstream}", "10.0.0.12:8000": f"127.0.0.1:{upstream}",
        "listen 80": f"listen 127.0.0.1:{plain}", "listen 443": f"listen 127.0.0.1:{https}",
        "/var/www/acme": str(root / "acme"),
    }
    for old, new in substitutions.items():
        assert old in site, old  # the example still has the shape this test renders
        site = site.replace(old, new)
    site = re.sub(r"^\s*listen \[::\].*$", "", site, flags=re.MULTILINE)  # loopback IPv4 only
    (root / "sangloc.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {root}/{kind};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = root / "nginx.conf"
    main.write_text(f"user root; worker_processes 1; daemon off; pid {root}/nginx.pid;\n"
                    f"error_log {root}/error.log warn;\nevents {{ worker_connections 64; }}\n"
                    f"http {{ access_log {root}/access.log; {temp}\n"
                    f"  include {root}/sangloc.conf; }}\n")
    return main


def self_signed(root: Path) -> tuple[Path, Path]:
    openssl = need(shutil.which("openssl"), "openssl")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/CN={NAME}", "-addext", f"subjectAltName=DNS:{NAME}",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def stack(sqlite_template, tmp_path_factory):
    nginx = need(str(NGINX), "Debian nginx (/usr/sbin/nginx)")
    root = tmp_path_factory.mktemp("deploy")
    cert, key = self_signed(root)
    https, plain = free_port(), free_port()
    server = live_server(sqlite_template, root / "instance", WORKERS="2", PROXY_COUNT="1",
                         LOG_FORMAT="json", LOG_LEVEL="INFO",
                         PUBLIC_URL=f"https://{NAME}:{https}")
    server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "mchat_r.xlsx"))
    created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                        "--json"))
    conf = render_nginx(root, https, plain, server.port, cert, key)
    server.start("--no-scheduler")
    proxy = subprocess.Popen([nginx, "-p", str(root), "-c", str(conf), "-e",
                              str(root / "error.log")], stderr=subprocess.PIPE)
    stack = Stack(server, https, plain, cert, urlsplit(created["server_url"]).path)
    try:
        wait_until(lambda: proxy.poll() is not None or _answers(stack), 30, "nginx")
        assert proxy.poll() is None, proxy.stderr.read().decode()
        yield stack
    finally:
        proxy.terminate()
        try:
            proxy.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proxy.kill()
            proxy.wait(timeout=10)
        proxy.stderr.close()
        server.stop()


def _answers(stack: Stack) -> bool:
    try:
        return stack.tls("GET", "/healthz")[0] == 200
    except OSError:
        return False


def scrape(stack: Stack) -> dict:
    status, _, body = stack.plain(stack.server.port, "GET", "/metrics")  # straight to gunicorn
    assert status == 200, body
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(body.decode()) for s in family.samples}


def healthz_count(samples) -> float:
    labels = frozenset({"route": "ops.healthz", "method": "GET", "status": "200"}.items())
    return samples.get(("sangloc_http_requests_total", labels), 0.0)


# --- through nginx -----------------------------------------------------------------------

def test_collect_submits_through_nginx_with_its_headers_kept(stack):
    status, head, _ = stack.tls("HEAD", f"{stack.device}/submission?deviceID=collect:x",
                                headers=collect_headers())
    assert status == 204
    assert head["X-OpenRosa-Version"] == "1.0"
    assert head["X-OpenRosa-Accept-Content-Length"] == "100000000"
    body, content_type = multipart(screening_instance("mchat_r", mchat_answers(1),
                                                      name="Phạm Bí Mật"))
    status, head, answer = stack.tls("POST", f"{stack.device}/submission?deviceID=collect:x",
                                     body, {**collect_headers(), "Content-Type": content_type})
    assert status == 201, answer
    assert head["X-OpenRosa-Version"] == "1.0"
    assert b"<OpenRosaResponse" in answer


def test_sangloc_sees_the_phone_s_address_scheme_and_host(stack):
    status, head, body = stack.tls("GET", f"{stack.device}/formList", headers=collect_headers())
    assert status == 200
    assert f"<downloadUrl>https://{NAME}:{stack.https}/key/".encode() in body  # proto, host
    assert head["Strict-Transport-Security"] == "max-age=31536000"  # HTTPS, said by the proxy
    body, content_type = multipart(screening_instance("mchat_r", mchat_answers(0)))
    assert stack.tls("POST", f"{stack.device}/submission", body,
                     {**collect_headers(), "Content-Type": content_type})[0] == 201
    database = stack.server.env["SANGLOC_DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        addresses = {row[0] for row in connection.execute(
            "SELECT remote_addr FROM audit_events WHERE action = 'submission.create'")}
    assert addresses == {CLIENT}  # not nginx's 127.0.0.1


def test_plain_http_only_redirects_to_https(stack):
    status, head, _ = stack.plain(stack.http, "GET", "/healthz", {"Host": NAME})
    assert (status, head["Location"]) == (301, f"https://{NAME}/healthz")  # port 443 in life


def test_another_host_name_is_refused(stack):
    with pytest.raises(http.client.RemoteDisconnected):  # nginx's 444: closed, no answer
        stack.plain(stack.http, "GET", "/healthz", {"Host": "elsewhere.example"})
    with pytest.raises(ssl.SSLError):
        stack.tls("GET", "/healthz", name="elsewhere.example")


def test_health_and_readiness_answer_through_nginx(stack):
    status, _, body = stack.tls("GET", "/healthz")
    assert (status, body) == (200, b"ok\n")
    status, _, body = stack.tls("GET", "/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ready", "checks": {
        "database": "ok", "storage": "ok", "migrations": "ok"}}


@pytest.mark.parametrize("path", ["/metrics", "/%6Detrics", "//metrics", "/metrics?x=1"])
def test_metrics_are_refused_through_nginx(stack, path):
    for source in (CLIENT, "127.0.0.1"):
        status, _, body = stack.tls("GET", path, source=source)
        assert status == 404, (path, source)
        assert b"sangloc_" not in body


def _booted(log: Path) -> list[str] | None:
    pids = re.findall(r'"Booting worker with pid: (\d+)"', log.read_text())
    return pids if len(pids) == 2 else None


# --- on the node --------------------------------------------------------------------------

def test_metrics_on_the_node_sum_every_worker(stack):
    """10 requests answered by each of the two gunicorn workers (the other one paused with
    SIGSTOP meanwhile, so the kernel hands every connection to the one running); any one
    scrape then reports all 20."""
    folder = Path(stack.server.env["SANGLOC_INSTANCE_DIR"]) / "run" / "metrics"
    workers = wait_until(lambda: _booted(stack.server.log), 30, "two workers booted")
    wait_until(lambda: all((folder / f"counter_{pid}.db").exists() for pid in workers), 60,
               "both workers loaded the application")  # it writes its files at import
    before = healthz_count(scrape(stack))
    for serving, paused in (workers, reversed(workers)):
        os.kill(int(paused), signal.SIGSTOP)
        try:
            for _ in range(10):
                assert stack.plain(stack.server.port, "GET", "/healthz")[0] == 200
        finally:
            os.kill(int(paused), signal.SIGCONT)
        assert (folder / f"histogram_{serving}.db").exists()  # this one answered
    assert healthz_count(scrape(stack)) - before == 20


def test_the_json_log_has_one_object_a_line_and_nothing_personal(stack):
    body, content_type = multipart(screening_instance("mchat_r", mchat_answers(2),
                                                      name="Phạm Bí Mật"))
    assert stack.tls("POST", f"{stack.device}/submission", body,
                     {**collect_headers(), "Content-Type": content_type,
                      "X-Request-ID": "chosen-by-the-client"})[0] == 201
    log = stack.server.log.read_text()
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    requests = [e for e in entries if e["logger"] == "sangloc.request"
                and e.get("route") == "openrosa.submission" and e["status"] == 201]
    assert requests, log
    for entry in requests:
        assert entry["path"] == "/key/***/submission"
        assert re.fullmatch(r"[0-9a-f]{32}", entry["request_id"]), entry  # nginx's $request_id
        assert entry["message"].startswith("POST /key/***/submission 201 ")
    assert any(e["logger"].startswith("gunicorn") for e in entries)  # gunicorn's own, as JSON
    for secret in (stack.device.split("/")[2], "Bí Mật", "chosen-by-the-client", "deviceID"):
        assert secret not in log


# --- the other examples --------------------------------------------------------------------

def example_settings() -> dict[str, str]:
    settings = {}
    for line in (DEPLOY / "sangloc.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            settings[name] = value.strip('"')
    return settings


def test_the_example_environment_file_is_a_valid_production_configuration():
    settings = example_settings()
    try:
        checked = read_environment(settings)
        check_settings(checked)
    except ConfigError as exc:
        pytest.fail(f"deploy/sangloc.env: {exc}")
    assert checked["PROXY_COUNT"] == 1 and checked["LOG_FORMAT"] == "json"
    assert checked["DATABASE_PGBOUNCER"] is True
    for name in ("DATABASE_URL", "DATABASE_REPLICA_URL", "STORAGE_URL", "SECRET_KEY",
                 "METRICS_TOKEN", "S3_ACCESS_KEY", "S3_SECRET_KEY"):
        assert checked[name], name
    nginx = (DEPLOY / "nginx.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1)) * 1_000_000
    assert limit == checked["MAX_SUBMISSION_BYTES"] + 1_000_000  # config.MULTIPART_OVERHEAD


def test_the_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is missing (not required)")
    (tmp_path / "sangloc.env").write_text("")
    names = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        text = unit.read_text().replace("/etc/sangloc/sangloc.env", str(tmp_path / "sangloc.env"))
        name = unit.name.replace("@.", "@8000.")
        (tmp_path / name).write_text(text.replace("/opt/sangloc", str(ROOT)))
        names.append(str(tmp_path / name))
    done = subprocess.run([analyze, "verify", "--man=no", *names], capture_output=True,
                          text=True, timeout=60, check=False)
    ours = [line for line in done.stderr.splitlines() if str(tmp_path) in line
            or "sangloc" in line]
    assert done.returncode == 0 and not ours, done.stderr


def test_the_scheduler_unit_starts_the_scheduler_and_the_web_unit_does_not():
    web = (DEPLOY / "systemd" / "sangloc-web@.service").read_text()
    scheduler = (DEPLOY / "systemd" / "sangloc-scheduler.service").read_text()
    assert "ExecStart=/opt/sangloc/.venv/bin/sangloc serve --no-scheduler\n" in web
    assert "ExecStart=/opt/sangloc/.venv/bin/sangloc scheduler\n" in scheduler


def test_the_proxy_waits_for_slow_uploads_itself():
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_request_buffering on;" in nginx
    assert re.search(r"location = /metrics \{\s*return 404;", nginx)
