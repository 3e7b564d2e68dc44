"""What every web page shares: who is signed in, the language, CSRF, headers, error pages.

- Sign-in state: a signed session cookie holding the user's id, a fingerprint of their password
  and the times of sign-in and of the last request (HttpOnly, SameSite=Lax, Secure when the
  public URL is https). It ends after ``IDLE_MINUTES`` without a request, ``MAX_HOURS`` after
  sign-in, and when the password changes. Each request loads the user and their one ``Scope``
  (``access.sessions.signed_in``); a page marked ``signed_in_required`` sends anyone else to the
  sign-in page (and back to the page, or for a post to the page it was posted from).
- Language: Vietnamese by default; the language picked with the switch (kept in the session)
  wins over the user's own setting (``users.language``). Dates dd/mm/yyyy, in Vietnam time.
- CSRF on every form post (Flask-WTF); the OpenRosa and API blueprints, which carry their own
  credentials and no cookies, are exempt.
- Headers on every HTML answer of the app (the pages', and the error page for a path no
  blueprint matched): a Content-Security-Policy that allows nothing from another site and no
  inline script, no framing, no referrer beyond the origin, no-store (``server/security.py``
  adds nosniff to every response).
- Errors on a page (a Problem, a 404, a refused CSRF token) are a short page in the user's
  language, with the problem's code; never a stack trace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Babel, get_locale, refresh
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from server import problems
from server.problems import Problem
from server.programme import local_date
from server.services.access import sessions
from server.services.audit import Actor
from server.storage import StoreUnavailable

IDLE_MINUTES = 30
MAX_HOURS = 12
YEARS = (1900, 2100)  # a date outside these years was mistyped
LANGUAGES = ("vi", "en")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
       "object-src 'none'")

csrf = CSRFProtect()
babel = Babel()


def register(app: Flask) -> None:
    """Set up the pages' foundation on ``app`` (after the other blueprints are registered)."""
    from server.api import bp as api_bp
    from server.openrosa import bp as openrosa_bp
    from server.ui import bp

    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=str(app.config["SANGLOC_PUBLIC_URL"] or "").startswith("https"),
        SESSION_COOKIE_NAME="sangloc_session", WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE=app.config["SANGLOC_DEFAULT_LANGUAGE"],
        BABEL_TRANSLATION_DIRECTORIES=str(app.root_path + "/ui/translations"))
    csrf.init_app(app)
    csrf.exempt(openrosa_bp)
    csrf.exempt(api_bp)
    babel.init_app(app, locale_selector=language)
    app.jinja_env.filters["vn_date"] = vn_date
    app.jinja_env.globals["get_locale"] = get_locale
    app.register_blueprint(bp)
    app.after_request(_headers)


def attach(bp: Blueprint) -> None:
    """The pages' hooks, attached once when the blueprint is defined."""
    bp.before_request(_load_user)
    bp.register_error_handler(Exception, error_page)


def language() -> str:
    """The page language: chosen in this session, else the user's own, else the default."""
    chosen = session.get("lang") or (g.user.language if g.get("user") else None)
    return chosen if chosen in LANGUAGES else current_app.config["SANGLOC_DEFAULT_LANGUAGE"]


def vn_date(day: date | datetime | None) -> str:
    """dd/mm/yyyy, as dates are written in Vietnam; a moment is taken to Vietnam's date."""
    if isinstance(day, datetime):
        day = local_date(day)
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def read_date(text: str | None) -> date | None:
    """A date written dd/mm/yyyy (as the pages show them) or yyyy-mm-dd, with a 4-digit year
    between 1900 and 2100; None if empty or unreadable."""
    text = (text or "").strip()
    parts = text.split("/")
    try:
        if len(parts) == 3 and len(parts[2]) == 4:
            found = date(int(parts[2]), int(parts[1]), int(parts[0]))
        else:
            found = date.fromisoformat(text) if len(text) == 10 else None
    except (ValueError, OverflowError):
        return None
    return found if found is not None and YEARS[0] <= found.year <= YEARS[1] else None


def read_id(text: str | None, field: str) -> int | None:
    """A record number from a form (ASCII digits); None if empty; 400.28 if it is not one."""
    text = (text or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise problems.number_unreadable(field)
    return int(text)


def required_date(text: str | None, field: str) -> date | None:
    """``read_date``, refusing (400.26) a date that was written but cannot be read."""
    found = read_date(text)
    if found is None and (text or "").strip():
        raise problems.date_unreadable(field)
    return found


def _load_user() -> None:
    g.user = g.scope = None
    # Flask-WTF's and Flask-Babel's per-request caches live in g, which an outer app context
    # (the tests') keeps from one request to the next
    g.pop("csrf_token", None)
    refresh()
    user_id, now = session.get("user_id"), time.time()
    if user_id is None:
        return
    if now - session.get("seen", 0) > IDLE_MINUTES * 60 or \
            now - session.get("since", 0) > MAX_HOURS * 3600:
        session.clear()
        return
    found = sessions.signed_in(user_id, session.get("pw"))
    if found is None:
        session.clear()
        return
    g.user, g.scope = found
    session["seen"] = int(time.time())


def actor() -> Actor:
    return Actor("user", g.user.id, request.remote_addr)


KEEPERS = ("coordinator", "admin")  # who keeps the area's lists, people and devices


def coordinator_required() -> None:
    """403.50 unless the signed-in user is a coordinator or an admin."""
    if g.user.role not in KEEPERS:
        raise problems.coordinator_only()


def signed_in_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            back = request.full_path.rstrip("?") if request.method == "GET" else \
                _local_path(request.referrer)
            return redirect(url_for("ui.sign_in", next=back))
        return view(*args, **kwargs)
    return wrapper


def _local_path(url: str | None) -> str | None:
    """The path of a URL of this site (a post's page, from its Referer), else None."""
    parts = urlsplit(url or "")
    return parts.path if parts.netloc == request.host and parts.path.startswith("/") else None


def _headers(response: Response) -> Response:
    # a page may set a policy of its own in ``g.csp`` (only the form trial does: see
    # ``form_trial.py``); popped, so an outer app context never carries it to the next request
    policy = g.pop("csp", None) or CSP
    if response.mimetype == "text/html":
        response.headers["Content-Security-Policy"] = policy
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
    return response


def error_page(error: Exception) -> tuple[str, int]:
    """The HTML answer to any error on a page (also for paths no blueprint matched)."""
    if isinstance(error, CSRFError):
        problem = problems.form_expired()
    elif isinstance(error, Problem):
        problem = error
    elif isinstance(error, HTTPException) and error.code == 404:
        problem = problems.page_not_found()
    elif isinstance(error, HTTPException) and error.code == 405:
        problem = problems.method_not_allowed()
    elif isinstance(error, HTTPException) and (error.code or 500) < 500:
        problem = problems.bad_request(error.name)
    elif isinstance(error, StoreUnavailable):
        current_app.logger.warning("object store unavailable on a page: %s", error)
        problem = problems.storage_unavailable()
    else:
        current_app.logger.exception("unhandled error on a page (%s)", type(error).__name__)
        problem = problems.page_failed()
    return render_template("error.html", code=problem.code,
                           text=problem.message(language())), problem.status
