"""Checks on every value from outside, made at the boundary before anything reaches a query.

- No control character (NUL and the other C0 controls but tab, CR and LF, and DEL) in the URL
  path, a query parameter, a header or a field of a posted web form: PostgreSQL refuses NUL in
  text, so without this check a NUL in ``?deviceID=``, a form id or a comment was a 500 on
  PostgreSQL and accepted on SQLite. The check is one ``before_request`` hook for every route;
  the error is Problem ``400.9`` in the route's own format (OpenRosaResponse XML, JSON, an HTML
  page, or plain text; ``server/errors.py``).
- Lengths: ``check_length`` refuses a value longer than its column (Problem ``400.8`` naming
  the limit); callers pass the column's own length (``column_limit``), so a limit is written
  once, in the model, and is the same on SQLite (which would store anything) and PostgreSQL.

Values inside a submission's XML cannot hold NUL (XML 1.0 forbids it; the parser refuses it);
person fields are checked against their limits when the registration is read
(``sync.FIELD_LIMITS``).
"""

from __future__ import annotations

import re

from flask import Flask, request
from sqlalchemy import Column

from server import problems

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def register(app: Flask) -> None:
    app.before_request(reject_control_characters)


def reject_control_characters() -> None:
    """Problem 400.9 for a control character in the path, a query parameter, a header or a
    web form's field (a page's post; Collect's multipart bodies are read by their route)."""
    if _CONTROL.search(request.path):
        raise problems.control_character("path")
    fields = request.args.items(multi=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        fields = [*fields, *request.form.items(multi=True)]
    for key, value in fields:
        if _CONTROL.search(key) or _CONTROL.search(value):
            raise problems.control_character(_printable(key))
    for key, value in request.headers.items():
        if _CONTROL.search(value):
            raise problems.control_character(_printable(key))


def _printable(name: str) -> str:
    return _CONTROL.sub("?", name)[:60]


def column_limit(column: Column) -> int:
    """The declared length of a string column."""
    return column.type.length


def check_length(field: str, value: str | None, limit: int) -> None:
    """Problem 400.8 when ``value`` is longer than ``limit`` characters."""
    if value is not None and len(value) > limit:
        raise problems.value_too_long(field, limit)

