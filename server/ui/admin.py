"""Administration pages: an admin sees the staff of their area and resets a password.

A reset gives the user a new random password, shown once to the admin to pass on; the user's
open sessions end (their password changed) and the reset is audited. Only an admin reaches these
pages (403.4 for anyone else signed in), and only for users within the admin's own area.
"""

from __future__ import annotations

from flask import g, render_template

from server import problems
from server.services.access import users
from server.ui import bp
from server.ui.web import actor, signed_in_required


def _admin() -> None:
    if g.user.role != "admin":
        raise problems.admin_only()


@bp.get("/admin/users")
@signed_in_required
def staff():
    _admin()
    return render_template("staff.html", staff=users.list_staff(g.scope))


@bp.post("/admin/users/<username>/password")
@signed_in_required
def reset_password(username: str):
    _admin()
    if username not in {u.username for u in users.list_staff(g.scope)}:
        raise problems.user_unknown(username)
    password = users.reset_password(actor(), username)
    return render_template("staff.html", staff=users.list_staff(g.scope), reset=username,
                           password=password)
