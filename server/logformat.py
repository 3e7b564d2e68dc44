"""The JSON log format (``SANGLOC_LOG_FORMAT=json``): one JSON object per line, for a collector.

Each line has ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger`` and ``message``;
a line written while a request is answered also has ``request_id`` (nginx's ``X-Request-ID``
when it is a plain token, else one made here), and the request log's own line adds ``method``,
``route`` (the Flask endpoint name), ``path`` (with the device token masked), ``status`` and
``duration_ms``. It carries exactly what the text format carries, in fields: never a query
string, a header value other than the request id, a form answer or a token.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import has_request_context, request

#: fields the request log passes with ``extra=``; copied into the line when present
REQUEST_FIELDS = ("method", "route", "path", "status", "duration_ms")
_KEY = "sangloc.request_id"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry = {"time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        if has_request_context():
            entry["request_id"] = request_id()
        for name in REQUEST_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def request_id() -> str:
    """This request's id: the proxy's ``X-Request-ID`` if it is a plain token (nginx sends its
    ``$request_id``), else a new one; made once per request, when first logged, and kept in
    the request's WSGI environment (``g`` may outlive a request: an outer app context)."""
    found = request.environ.get(_KEY)
    if found is None:
        sent = request.headers.get("X-Request-ID", "")
        found = request.environ[_KEY] = sent if _REQUEST_ID.match(sent) else uuid.uuid4().hex
    return found


def json_handler() -> logging.Handler:
    """A standard-error handler writing the JSON format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    return handler
