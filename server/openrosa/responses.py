"""OpenRosa responses: the headers every answer carries and the one error writer.

Headers (openrosa.md a.1): ``X-OpenRosa-Version: 1.0`` on every response, the accepted body size
``X-OpenRosa-Accept-Content-Length`` (what Collect splits uploads by), ``Content-Language`` of
the message, and ``text/xml; charset=utf-8`` (Collect rejects ``application/xml``). Lists that
change (formList, manifest) are never cached by the client's HTTP cache (b.1).
"""

from __future__ import annotations

import logging

from flask import Response, current_app, g
from werkzeug.exceptions import HTTPException

import forms
from server.problems import Problem

log = logging.getLogger("sangloc.openrosa")

XML_TYPE = "text/xml; charset=utf-8"
# HTTP status -> catalogue code, for errors raised by Werkzeug rather than by a service
_HTTP_PROBLEMS = {400: "400.7", 404: "404.4", 405: "405.1", 413: "413.1"}


def language() -> str:
    device = g.get("device")
    if device is not None and device.language == "en":
        return "en"
    return current_app.config["SANGLOC_DEFAULT_LANGUAGE"]


def add_headers(response: Response, *, no_store: bool = False) -> Response:
    response.headers["X-OpenRosa-Version"] = "1.0"
    response.headers["X-OpenRosa-Accept-Content-Length"] = str(
        current_app.config["SANGLOC_MAX_SUBMISSION_BYTES"])
    response.headers["Content-Language"] = language()
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def xml_response(body: bytes, status: int = 200, *, no_store: bool = False) -> Response:
    return add_headers(Response(body, status=status, content_type=XML_TYPE), no_store=no_store)


def message_response(text: str, status: int, *, nature: str = "") -> Response:
    return xml_response(forms.render_response(text, nature=nature), status, no_store=True)


def problem_response(problem: Problem) -> Response:
    return message_response(problem.message(language()), problem.status, nature="error")


def error_response(error: Exception) -> Response:
    """Any exception on an OpenRosa route, as an OpenRosaResponse."""
    if isinstance(error, Problem):
        return problem_response(error)
    if isinstance(error, HTTPException):
        code = _HTTP_PROBLEMS.get(error.code or 500)
        if code == "413.1":
            return problem_response(Problem(
                code, limit=current_app.config["SANGLOC_MAX_SUBMISSION_BYTES"]))
        if code is not None:
            return problem_response(Problem(code, detail=error.description or ""))
        return message_response(error.name, error.code or 500, nature="error")
    log.exception("unhandled error on an OpenRosa route (%s)", type(error).__name__)
    return problem_response(Problem("500.1"))
