"""The one JSON error shape of the API: ``{"error": {"code", "status", "message", "errors"}}``.

Problems from services carry their catalogue code (e.g. ``404.5``) and their text: English,
or Vietnamese when the request's ``Accept-Language`` prefers it (a phone's browser set to
Vietnamese, the mobile web app). HTTP errors (including flask-smorest's 422 validation
errors) carry the status as code and the field errors under ``errors``.
"""

from __future__ import annotations

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from server.api import bp
from server.problems import Problem


def error_body(code: str, status: int, message: str, errors: dict | None = None):
    response = jsonify({"error": {"code": code, "status": status, "message": message,
                                  "errors": errors or {}}})
    response.status_code = status
    return response


def json_http_error(error: HTTPException):
    data = getattr(error, "data", None) or {}
    return error_body(str(error.code), error.code or 500, error.description or error.name,
                      data.get("messages"))


@bp.errorhandler(Problem)
def json_problem(problem: Problem):
    return error_body(problem.code, problem.status, problem.message(language()))


def language() -> str:
    """vi when the request prefers Vietnamese to English, else en (API clients, scripts)."""
    return request.accept_languages.best_match(("vi", "en")) or "en"
