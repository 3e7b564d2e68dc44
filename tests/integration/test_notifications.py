"""Issue 10: urgent and review work reaches the area's supervisors, with no personal data.

A real SMTP server on loopback (aiosmtpd) and a real HTTP receiver (the standard library's
server in a thread) stand in for the mail relay and the SMS/Zalo gateway. Delivery runs as the
scheduler runs it (``sangloc jobs run deliver_notifications``, every 30 s).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import date, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies
from server.jobs.runner import run_job
from server.models import Notification
from server.models.types import utcnow
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.notify import delivery
from tests.support.instances import levels, screening_instance
from tests.support.live_server import ROOT, free_port, live_server, submit, wait_until

SECRET = "webhook-secret-for-tests"
ADULT = date(1990, 5, 17)
PERSONAL = ("Nguyễn Văn An", "Trần Thị Hoa", "0912345678", "Thôn Đông", "1990-05-17",
            "tự hại", "self-harm", "self_harm", "phq9", "PHQ")


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                     policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp(app, monkeypatch):
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setitem(app.config, "SANGLOC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SANGLOC_SMTP_PORT", controller.port)
    yield box
    controller.stop()


class Receiver:
    """An HTTP receiver that records each POST; ``start()`` / ``stop()`` take it up and down."""

    def __init__(self, port: int):
        self.port, self.requests, self.server = port, [], None

    def start(self) -> None:
        received = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                received.append((dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture
def gateway(app, monkeypatch):
    receiver = Receiver(free_port())
    monkeypatch.setitem(app.config, "SANGLOC_WEBHOOK_URL",
                        f"http://127.0.0.1:{receiver.port}/sangloc")
    monkeypatch.setitem(app.config, "SANGLOC_WEBHOOK_SECRET", SECRET)
    yield receiver
    receiver.stop()


@pytest.fixture
def staff(all_forms):
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"],
                          email="gs.badinh@example.vn")
        users.create_user(SYSTEM, "gs-ha-noi", "supervisor", ["01"], email="gs.hanoi@example.vn")
        users.create_user(SYSTEM, "gs-ngoc-ha", "supervisor", ["00008"],
                          email="gs.ngocha@example.vn")
        users.create_user(SYSTEM, "ctv-x", "collaborator", ["00004"], email="ctv@example.vn")
        users.create_user(SYSTEM, "gs-no-mail", "supervisor", ["00004"])


def deliver(app) -> dict:
    run = run_job(app, "deliver_notifications")
    assert run.status == "ok", run.detail
    return run.detail


def harm(device) -> None:
    xml = screening_instance("phq9", levels(9, q09=2), dob=ADULT)
    assert device.collect.submit(xml).status_code == 201


def test_an_urgent_action_reaches_the_supervisors_of_the_area_by_mail_and_webhook(
        app, staff, device, smtp, gateway):
    gateway.start()
    harm(device)
    assert deliver(app) == {"delivered": 3, "retried": 0, "failed": 0}
    recipients = sorted(r for rcpts, _ in smtp.messages for r in rcpts)
    assert recipients == ["gs.badinh@example.vn", "gs.hanoi@example.vn"]  # not 00008, not ctv
    _, mail = smtp.messages[0]
    text = mail["Subject"] + mail.get_content()
    assert "Phường Ba Đình" in text and "/cases/" in text and "hôm nay" in text
    [(headers, body)] = gateway.requests
    stamp = headers["X-Sangloc-Timestamp"]
    assert abs(int(stamp) - time.time()) < 60  # a receiver refuses old calls: no replay
    signed = stamp.encode() + b"." + body
    expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
    assert headers["X-Sangloc-Signature"] == expected
    payload = json.loads(body)
    assert (payload["topic"], payload["commune"]) == ("urgent", "00004")
    assert sorted(payload["supervisors"]) == ["gs-ba-dinh", "gs-ha-noi", "gs-no-mail"]
    for secret in PERSONAL:
        assert secret not in text and secret not in body.decode()
    assert deliver(app) == {"delivered": 0, "retried": 0, "failed": 0}  # once only


def test_a_receiver_that_is_down_is_retried_later(app, staff, device, smtp, gateway):
    harm(device)
    assert deliver(app) == {"delivered": 2, "retried": 1, "failed": 0}
    hook = db.session.scalar(select(Notification).where(Notification.channel == "webhook"))
    assert (hook.state, hook.attempts, hook.last_error) == ("pending", 1, "URLError")
    gateway.start()
    assert deliver(app)["delivered"] == 0  # not due yet: the next try is a minute later
    assert bodies.deliver_notifications(utcnow() + timedelta(minutes=2)) == \
        {"delivered": 1, "retried": 0, "failed": 0}
    assert len(gateway.requests) == 1


def test_a_row_another_runner_has_claimed_is_not_sent_twice(app, staff, device, smtp):
    """``sangloc jobs run deliver_notifications`` while the scheduler delivers: a claimed row
    is left alone until its claim runs out (5 minutes), then retried if it was not sent."""
    harm(device)
    now = utcnow()
    rows = delivery.due_ids(now)
    with transaction():
        assert delivery.claim(rows[0], now)  # the other runner
    with transaction():
        assert not delivery.claim(rows[0], now)
    assert deliver(app) == {"delivered": 1, "retried": 0, "failed": 0}  # only the other row
    assert bodies.deliver_notifications(now + timedelta(minutes=6))["delivered"] == 1
    assert len(smtp.messages) == 2


def test_only_urgent_and_review_work_is_announced(app, staff, device, smtp):
    severe = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3, q08=1)
    device.collect.submit(screening_instance("phq9", severe,
                                             dob=ADULT))
    assert db.session.scalar(select(Notification)) is None  # a referral in 7 days: the list
    answers = {f"q{n:02d}": "no" for n in range(1, 21) if n != 3}  # SRQ-20, q03 missing
    device.collect.submit(screening_instance("srq20", answers,
                                             dob=ADULT))
    assert deliver(app)["delivered"] == 2
    subjects = [mail["Subject"] for _, mail in smtp.messages]
    assert all("xem lại" in subject for subject in subjects), subjects


def test_mail_waits_when_no_smtp_server_is_set(app, staff, device):
    harm(device)
    assert deliver(app) == {"delivered": 0, "retried": 0, "failed": 0}
    assert {n.state for n in db.session.scalars(select(Notification))} == {"pending"}


@pytest.mark.slow
def test_on_a_default_install_an_urgent_action_reaches_the_inbox_within_a_minute(
        sqlite_template, tmp_path):
    """``sangloc serve`` (what ``make run`` starts) with a mail relay set: the scheduler it runs
    delivers the announcement of a same-day safety contact within 60 s of the submission."""
    box = Mailbox()
    relay = Controller(box, hostname="127.0.0.1", port=free_port())
    relay.start()
    server = live_server(sqlite_template, tmp_path / "instance", SMTP_HOST="127.0.0.1",
                         SMTP_PORT=str(relay.port))
    try:
        server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / "phq9.xlsx"))
        server.sangloc("users", "create", "gs", "--role", "supervisor", "--area", "00004",
                       "--email", "gs@example.vn")
        created = json.loads(server.sangloc("app-users", "create", "ctv", "--commune", "00004",
                                            "--json"))
        server.start()
        device = urlsplit(created["server_url"]).path
        xml = screening_instance("phq9", levels(9, q09=2), dob=ADULT)
        assert submit(server.port, device, xml) == 201
        sent = time.monotonic()
        wait_until(lambda: box.messages, 60, "the supervisor's e-mail")
        assert time.monotonic() - sent <= 60
        [(recipients, mail)] = box.messages
        assert recipients == ["gs@example.vn"] and "hôm nay" in mail["Subject"]
    finally:
        server.stop()
        relay.stop()
