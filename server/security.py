"""HTTP hardening shared by every route: security headers and throttling of wrong tokens.

Headers (one ``after_request`` hook, so error answers get them too):
- ``X-Content-Type-Options: nosniff`` on every response;
- ``Cache-Control: no-store`` on every ``/api/`` response (persons carry names and phone
  numbers; errors and the OpenAPI document included) and on the per-device generated media
  (``cases.csv``, ``communes.csv``), which Collect's HTTP client would otherwise keep in its
  disk cache (openrosa.md b.1);
- ``Strict-Transport-Security`` only when the request came over HTTPS: directly, or through a
  trusted proxy (``SANGLOC_PROXY_COUNT``, whose ``X-Forwarded-Proto`` ProxyFix turns into the
  request's scheme). An ``X-Forwarded-Proto`` from an untrusted client changes nothing.

Wrong tokens: ``checked_token`` wraps a token look-up. An address (after ProxyFix) that sent
too many wrong tokens recently (``server/throttle.py``) is answered 429.1 with ``Retry-After``
before its token is even looked up; other addresses are unaffected. What counts as wrong is an
unknown device token (401.1) and an API token that is unknown, revoked or expired (401.2). A
revoked device (403.1) does not count: its token is real, and a revoked phone that keeps
retrying its queue must not lock out colleagues behind the same address (a commune health
station's Wi-Fi, a mobile carrier's NAT).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, current_app, g, request

from server import problems
from server.problems import Problem
from server.services.forms.media import GENERATED
from server.throttle import WrongTokenThrottle, address_key

_THROTTLE = "sangloc_wrong_tokens"
# the problems counted as a wrong token; a revoked device (403.1) is not, so it cannot lock out
# its colleagues behind the same address
WRONG_TOKEN_CODES = frozenset(wrong().code for wrong in (problems.device_key_unknown,
                                                         problems.api_token_invalid))
HSTS = "max-age=31536000"  # one year; no includeSubDomains: other hosts of the domain are not ours


def register(app: Flask) -> None:
    """Install the hooks on ``app``."""
    app.extensions[_THROTTLE] = WrongTokenThrottle()
    app.after_request(add_headers)


@contextmanager
def checked_token() -> Iterator[None]:
    """Refuse a throttled address before the look-up; count a wrong token it raises."""
    throttle: WrongTokenThrottle = current_app.extensions[_THROTTLE]
    key = address_key(request.remote_addr)
    seconds = throttle.wait_seconds(key)
    if seconds:
        g.retry_after = seconds
        raise problems.too_many_wrong_keys(seconds)
    try:
        yield
    except Problem as problem:
        if problem.code in WRONG_TOKEN_CODES:
            throttle.record_failure(key)
        raise


def add_headers(response: Response) -> Response:
    headers = response.headers
    headers["X-Content-Type-Options"] = "nosniff"
    if request.path.startswith("/api/") or _generated_media():
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if g.get("retry_after"):
        headers["Retry-After"] = str(g.retry_after)
    return response


def _generated_media() -> bool:
    """A per-device generated list (cases.csv: names and dates of birth of the area's people)."""
    return request.endpoint == "openrosa.media_file" and \
        (request.view_args or {}).get("filename") in GENERATED
