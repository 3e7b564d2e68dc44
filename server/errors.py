"""Application-level error writers, one per wire format, chosen by URL (never by ``Accept``).

Errors raised inside a blueprint are answered by that blueprint's writer. This module catches
what happens before a blueprint is known (no route matched, method not allowed, body too large)
and picks the writer from the path: ``/key/...`` -> OpenRosaResponse XML, ``/api/...`` -> JSON,
anything else -> a short plain page.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from server.api.errors import json_http_error
from server.openrosa.responses import error_response as openrosa_error


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if request.path.startswith("/key/"):
            return openrosa_error(error)
        if request.path.startswith("/api/"):
            return json_http_error(error)
        return error
