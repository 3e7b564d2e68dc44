"""OpenRosa responses: the headers every answer carries and the one error writer.

Headers (openrosa.md a.1): ``X-OpenRosa-Version: 1.0`` on every response, the accepted body size
``X-OpenRosa-Accept-Content-Length`` (what Collect splits uploads by), ``Content-Language`` of
the message, and ``text/xml; charset=utf-8`` (Collect rejects ``application/xml``). Lists that
change (formList, manifest) are never cached by the client's HTTP cache (b.1).
"""

from __future__ import annotations

import logging

from flask import Response, current_app, g, request
from werkzeug.exceptions import HTTPException

import forms
from server import problems
from server.problems import Problem
from server.storage import StoreUnavailable

log = logging.getLogger("sangloc.openrosa")

XML_TYPE = "text/xml; charset=utf-8"
SUBMISSION_ENDPOINT = "openrosa.submission"


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
    """Any exception on an OpenRosa route, as an OpenRosaResponse; a refused submission is also
    a warning in the log, naming its code only (the text may quote what was sent)."""
    if isinstance(error, Problem):
        problem: Problem | None = error
    elif isinstance(error, HTTPException):
        problem = _http_problem(error)
    elif isinstance(error, StoreUnavailable):
        log.warning("object store unavailable on an OpenRosa route: %s", error)
        problem = problems.storage_unavailable()
    else:
        log.exception("unhandled error on an OpenRosa route (%s)", type(error).__name__)
        problem = problems.server_error()
    if problem is None:
        response = message_response(error.name, error.code or 500, nature="error")
        code = str(error.code)
    else:
        response, code = problem_response(problem), problem.code
    if request.endpoint == SUBMISSION_ENDPOINT and response.status_code < 500:
        log.warning("refused submission: %s", code)
    return response


def _http_problem(error: HTTPException) -> Problem | None:
    """The problem for an error raised by Werkzeug rather than by a service, if it has one."""
    if error.code == 400:
        return problems.bad_request(error.description or "")
    if error.code == 404:
        return problems.not_found()
    if error.code == 405:
        return problems.method_not_allowed()
    if error.code == 413:
        return problems.request_too_large(current_app.config["SANGLOC_MAX_SUBMISSION_BYTES"])
    return None
