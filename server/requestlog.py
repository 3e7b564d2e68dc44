"""Request logging that never writes a device token or personal data.

App-user tokens are part of the URL path (``/key/<token>/...``), so the path is masked before it
is logged. Query strings are left out entirely. gunicorn's own access log is switched off in
``server/gunicorn_conf.py`` for the same reason.

The same hook counts each answer for Prometheus (``server/metrics.py``) by route (the Flask
endpoint name, never the path), method and status, with its duration; and passes the line's
parts as fields for the JSON log format (``server/logformat.py``).
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

from server import metrics

log = logging.getLogger("sangloc.request")
_TOKEN_IN_PATH = re.compile(r"^/key/[^/]+")


def mask_path(path: str) -> str:
    """``/key/<token>/formList`` -> ``/key/***/formList``."""
    return _TOKEN_IN_PATH.sub("/key/***", path)


def register(app: Flask) -> None:
    @app.before_request
    def _start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
        metrics.count_request(request.endpoint, request.method, response.status_code, seconds)
        if log.isEnabledFor(logging.INFO):
            path = mask_path(request.path)
            log.info("%s %s %s %.1fms", request.method, path, response.status_code, seconds * 1e3,
                     extra={"method": request.method, "route": request.endpoint or "unmatched",
                            "path": path, "status": response.status_code,
                            "duration_ms": round(seconds * 1e3, 1)})
        return response
