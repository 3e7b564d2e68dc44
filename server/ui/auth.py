"""Signing in and out, changing one's password, choosing the language.

The sign-in form posts a username and password (with its CSRF token); a wrong detail and a
throttled account get the problem's text in the page's language, with the form kept. A new
session starts clean (no fixation); changing the password ends every other session. Signing in,
a refused sign-in and signing out are audited. Signing out is a POST (a link cannot sign anyone
out).
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, session, url_for

from server.problems import Problem
from server.services.access import sessions, users
from server.services.audit import Actor, record_event
from server.ui import bp
from server.ui.web import KEEPERS, LANGUAGES, actor, signed_in_required


@bp.get("/")
def home():
    """Coordinators and admins land on their dashboard, everyone else on the worklist."""
    if g.get("user") is None:
        return redirect(url_for("ui.sign_in"))
    return redirect(url_for("ui.dashboard_page" if g.user.role in KEEPERS else "ui.worklist"))


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if request.method == "GET":
        return render_template("sign_in.html", username="")
    username = request.form.get("username", "")[:80]
    try:
        user = sessions.sign_in(username, request.form.get("password", ""),
                                request.remote_addr)
    except Problem as problem:
        record_event(Actor("anonymous", None, request.remote_addr), "user.sign_in_refused",
                     "user", "*", code=problem.code)
        return render_template("sign_in.html", username=username, problem=problem), \
            problem.status
    language = session.get("lang")
    session.clear()  # a new session: nothing carried over from before the sign-in
    now = int(time.time())
    session.update(user_id=user.id, pw=sessions.password_fingerprint(user), since=now,
                   seen=now)
    record_event(Actor("user", user.id, request.remote_addr), "user.sign_in", "user", user.id)
    if language:
        session["lang"] = language
    return redirect(_local(request.args.get("next")) or url_for("ui.worklist"))


@bp.post("/sign-out")
def sign_out():
    if g.get("user") is not None:
        record_event(actor(), "user.sign_out", "user", g.user.id)
    session.clear()
    return redirect(url_for("ui.sign_in"))


@bp.post("/language")
def language():
    chosen = request.form.get("lang", "")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return redirect(_local(request.form.get("back")) or url_for("ui.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in_required
def change_password():
    if request.method == "GET":
        return render_template("password.html")
    try:
        users.change_password(actor(), g.user, request.form.get("current", ""),
                              request.form.get("new", ""), request.form.get("again", ""))
    except Problem as problem:
        return render_template("password.html", problem=problem), problem.status
    session["pw"] = sessions.password_fingerprint(g.user)  # this session goes on; others end
    return render_template("password.html", done=True)


def _local(target: str | None) -> str | None:
    """Only a path on this site (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") \
        and not target.startswith("//") and "\\" not in target else None
