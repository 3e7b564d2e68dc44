"""Delivering the outbox: e-mail over SMTP and a signed JSON webhook, with retries.

The scheduler runs ``deliver_notifications`` every 30 seconds, so an urgent action is announced
within a minute of the submission. ``due_ids`` lists the pending rows whose time has come (e-mail
rows only when an SMTP host is set: without one they wait, nothing is lost). Each row is then
``claim``-ed in a unit of work of its own (a conditional UPDATE that moves its next attempt 5
minutes on, so a second runner such as ``sangloc jobs run`` skips it, and a row whose runner
died is retried), and ``send`` in another, which records the delivery; the job body
(``server/jobs/bodies.py``) owns those units of work, as services never commit.
A failure is recorded on the row (the error's type only) and retried after 1 minute, then 2, 4
... at most an hour apart; after ``MAX_ATTEMPTS`` the row is ``failed`` and a warning names it.
Every attempt is counted for Prometheus by channel and outcome (``server/metrics.py``).

E-mail: ``SANGLOC_SMTP_HOST``, ``SMTP_PORT``, ``SMTP_STARTTLS`` (with the system's certificate
checks), ``SMTP_USER``/``SMTP_PASSWORD`` (optional), ``SMTP_FROM``. Webhook:
``SANGLOC_WEBHOOK_URL`` receives the row's JSON payload with ``X-Sangloc-Timestamp`` (Unix
seconds) and ``X-Sangloc-Signature: sha256=<HMAC-SHA256 of "<timestamp>.<body>" with
SANGLOC_WEBHOOK_SECRET>`` (a receiver refuses old timestamps, so a captured call cannot be
replayed); redirects are not followed; any 2xx answer is a delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import ssl
import time
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from server import metrics
from server.extensions import db
from server.models import Notification
from sync.messages import format_date

log = logging.getLogger("sangloc.notify")

MAX_ATTEMPTS = 12
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
CLAIM = timedelta(minutes=5)  # a claimed row is left alone this long by other runners
BATCH = 200
TIMEOUT_SECONDS = 10

#: (subject, body) per topic and language; {commune}, {due}, {link} filled in
TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "urgent": {
        "vi": ("[Sàng lọc] Việc khẩn cấp tại {commune}: liên hệ trong hôm nay",
               "Có một việc khẩn cấp cần người giám sát liên hệ trong hôm nay ({due}) tại "
               "{commune}.\nXem ca: {link}\n\nThư này không chứa thông tin cá nhân; hãy đăng nhập "
               "để xem chi tiết."),
        "en": ("[Screening] Urgent work in {commune}: make contact today",
               "There is urgent work for a supervisor to make contact today ({due}) in "
               "{commune}.\nOpen the case: {link}\n\nThis message holds no personal data; sign "
               "in to see the details."),
    },
    "review": {
        "vi": ("[Sàng lọc] Một phiếu cần xem lại tại {commune}",
               "Một phiếu sàng lọc tại {commune} cần người giám sát xem lại trước {due}.\n"
               "Xem ca: {link}\n\nThư này không chứa thông tin cá nhân; hãy đăng nhập để xem chi "
               "tiết."),
        "en": ("[Screening] A form to review in {commune}",
               "A screening form in {commune} needs a supervisor's review by {due}.\n"
               "Open the case: {link}\n\nThis message holds no personal data; sign in to see the "
               "details."),
    },
}


def due_ids(now: datetime) -> list[int]:
    """The pending rows whose next attempt is due, oldest first (at most ``BATCH``)."""
    query = select(Notification.id).where(Notification.state == "pending",
                                          Notification.next_attempt_at <= now)
    if not current_app.config["SANGLOC_SMTP_HOST"]:
        query = query.where(Notification.channel != "email")
    return list(db.session.scalars(
        query.order_by(Notification.next_attempt_at, Notification.id).limit(BATCH)))


def claim(row_id: int, now: datetime) -> bool:
    """Take a due row for sending (False: another runner has it, or it is not due)."""
    row = db.session.get(Notification, row_id)
    if row is None or row.state != "pending" or row.next_attempt_at > now:
        return False
    return db.session.execute(
        update(Notification).where(Notification.id == row_id,
                                   Notification.next_attempt_at == row.next_attempt_at)
        .values(next_attempt_at=now + CLAIM)).rowcount == 1


def send(row_id: int, now: datetime) -> str:
    """Send a claimed row: ``delivered``, ``retried`` or ``failed``."""
    row = db.session.get(Notification, row_id)
    try:
        _send(row, current_app.config)
    except Exception as exc:
        metrics.count_delivery(row.channel, ok=False)
        return _failed(row, exc, now)
    metrics.count_delivery(row.channel, ok=True)
    row.state, row.delivered_at, row.last_error = "delivered", now, None
    row.attempts += 1
    return "delivered"


def render(row: Notification) -> tuple[str, str]:
    """The e-mail's subject and body in the recipient's language."""
    texts = TEXTS[row.payload["topic"]]["en" if row.language == "en" else "vi"]
    due = datetime.fromisoformat(row.payload["due"]).date()
    fill = {"commune": row.payload["commune_name"], "due": format_date(due),
            "link": row.payload["link"]}
    return texts[0].format(**fill), texts[1].format(**fill)


def signature(timestamp: str, body: bytes, secret: str) -> str:
    """``sha256=<hex HMAC of "<timestamp>.<body>">``: what a receiver checks."""
    signed = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def _send(row: Notification, config: Mapping[str, Any]) -> None:
    if row.channel == "email":
        _email(row, config)
    else:
        _webhook(row, config)


def _email(row: Notification, config: Mapping[str, Any]) -> None:
    subject, body = render(row)
    message = EmailMessage()
    message["Subject"], message["From"], message["To"] = subject, config["SANGLOC_SMTP_FROM"], \
        row.address
    message.set_content(body)
    with smtplib.SMTP(config["SANGLOC_SMTP_HOST"], config["SANGLOC_SMTP_PORT"],
                      timeout=TIMEOUT_SECONDS) as smtp:
        if config["SANGLOC_SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SANGLOC_SMTP_USER"]:
            smtp.login(config["SANGLOC_SMTP_USER"], config["SANGLOC_SMTP_PASSWORD"])
        smtp.send_message(message)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is a failure: following it would turn the POST into a GET elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _webhook(row: Notification, config: Mapping[str, Any]) -> None:
    body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310  (the operator's own URL)
        config["SANGLOC_WEBHOOK_URL"], data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "X-Sangloc-Timestamp": timestamp,
                 "X-Sangloc-Signature": signature(timestamp, body,
                                                  config["SANGLOC_WEBHOOK_SECRET"])})
    with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
        if not 200 <= answer.status < 300:
            raise OSError(f"webhook answered {answer.status}")


def _failed(row: Notification, exc: Exception, now: datetime) -> str:
    row.attempts += 1
    row.last_error = type(exc).__name__  # never the message: it may quote an address
    if row.attempts >= MAX_ATTEMPTS:
        row.state = "failed"
        log.warning("notification %s failed %s times; given up", row.id, row.attempts)
        return "failed"
    row.next_attempt_at = now + min(FIRST_WAIT * 2 ** (row.attempts - 1), MAX_WAIT)
    return "retried"
