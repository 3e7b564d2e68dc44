"""Request logging that never writes a device token or personal data.

App-user tokens are part of the URL path (``/key/<token>/...``), so the path is masked before it
is logged. Query strings are left out entirely. gunicorn's own access log is switched off in
``server/gunicorn_conf.py`` for the same reason.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, Response, g, request

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
        if log.isEnabledFor(logging.INFO):
            elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1e3
            log.info("%s %s %s %.1fms", request.method, mask_path(request.path),
                     response.status_code, elapsed)
        return response
