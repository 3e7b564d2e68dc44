"""Delivering the outbox: e-mail over SMTP and a signed JSON webhook, with retries.

``deliver_due`` sends every pending row whose time has come (the scheduler runs it every 20
seconds, so an urgent action is announced within a minute of the submission). A failure is
recorded on the row (the error's type only) and retried after 1 minute, then 2, 4 ... at most
an hour apart; after ``MAX_ATTEMPTS`` the row is ``failed`` and a warning names its id. E-mail:
``SANGLOC_SMTP_HOST`` (no host: e-mail rows wait until one is set), ``SMTP_PORT``,
``SMTP_STARTTLS``, ``SMTP_USER``/``SMTP_PASSWORD`` (optional), ``SMTP_FROM``. Webhook:
``SANGLOC_WEBHOOK_URL`` receives the row's JSON payload with ``X-Sangloc-Signature: sha256=<HMAC
of the body with SANGLOC_WEBHOOK_SECRET>``; any 2xx answer is a delivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import select

from server.extensions import db
from server.models import Notification
from server.models.types import utcnow
from sync.messages import format_date

log = logging.getLogger("sangloc.notify")

MAX_ATTEMPTS = 12
FIRST_WAIT = timedelta(minutes=1)
MAX_WAIT = timedelta(hours=1)
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


def deliver_due(now: datetime | None = None) -> dict[str, int]:
    """Send the pending rows that are due; counts of delivered, retried and failed rows."""
    now = now or utcnow()
    counts = {"delivered": 0, "retried": 0, "failed": 0}
    config = current_app.config
    rows = db.session.scalars(
        select(Notification).where(Notification.state == "pending",
                                   Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at, Notification.id).limit(BATCH)).all()
    for row in rows:
        if row.channel == "email" and not config["SANGLOC_SMTP_HOST"]:
            continue  # e-mail is not set up: the row waits, nothing is lost
        try:
            _send(row, config)
        except Exception as exc:
            counts[_failed(row, exc, now)] += 1
        else:
            row.state, row.delivered_at, row.last_error = "delivered", now, None
            row.attempts += 1
            counts["delivered"] += 1
        db.session.flush()
    return counts


def render(row: Notification) -> tuple[str, str]:
    """The e-mail's subject and body in the recipient's language."""
    texts = TEXTS[row.payload["topic"]]["en" if row.language == "en" else "vi"]
    due = datetime.fromisoformat(row.payload["due"]).date()
    fill = {"commune": row.payload["commune_name"], "due": format_date(due),
            "link": row.payload["link"]}
    return texts[0].format(**fill), texts[1].format(**fill)


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
            smtp.starttls()
        if config["SANGLOC_SMTP_USER"]:
            smtp.login(config["SANGLOC_SMTP_USER"], config["SANGLOC_SMTP_PASSWORD"])
        smtp.send_message(message)


def _webhook(row: Notification, config: Mapping[str, Any]) -> None:
    body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310  (the operator's own URL)
        config["SANGLOC_WEBHOOK_URL"], data=body, method="POST",
        headers={"Content-Type": "application/json; charset=utf-8",
                 "X-Sangloc-Signature": signature(body, config["SANGLOC_WEBHOOK_SECRET"])})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
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
