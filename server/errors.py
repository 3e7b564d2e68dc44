"""Application-level error writers, one per wire format, chosen by URL (never by ``Accept``).

Errors raised inside a blueprint are answered by that blueprint's writer. This module catches
what happens before a blueprint is known (no route matched, method not allowed, body too large,
a Problem from an app-wide check) and picks the writer from the path: ``/key/...`` ->
OpenRosaResponse XML, ``/api/...`` -> JSON, anything else -> the web pages' error page.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import HTTPException

from server.api.errors import json_http_error, json_problem
from server.openrosa.responses import error_response as openrosa_error
from server.problems import Problem
from server.ui.web import error_page


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if request.path.startswith("/key/"):
            return openrosa_error(error)
        if request.path.startswith("/api/"):
            return json_http_error(error)
        return error_page(error)

    @app.errorhandler(Problem)
    def _problem(problem: Problem):
        """A Problem raised before a blueprint's own writer applies (e.g. an app-wide check
        on a path that matches no route)."""
        if request.path.startswith("/key/"):
            return openrosa_error(problem)
        if request.path.startswith("/api/"):
            return json_problem(problem)
        return error_page(problem)
