"""The staff pages: a coordinator or an admin manages the users of their own area.

``GET /admin/users`` lists the users within the area; ``/admin/users/new`` is the form for a
new one (username, role, areas within the manager's own, optional e-mail); ``/admin/users/<id>``
is one user: their role, areas and e-mail to edit, deactivate or activate, a new password, and
their devices. A new user who signs in to the pages, and a password reset, get a random password
shown once on the answer to the post (never stored but hashed, never audited); a reset ends the
user's open sessions. The rules (only within the area, 404.60 outside it; only an admin gives or
touches the admin role, 403.4; nobody changes their own role or areas or deactivates
themselves, 403.60) are in ``services/access/staff.py``; each change is audited there. Only
coordinators and admins reach these pages (403.50 for a supervisor).
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for

from server.problems import Problem
from server.services.access import areas, device_admin, staff
from server.ui import bp
from server.ui.labels import ROLE_LABELS
from server.ui.web import actor, coordinator_required, signed_in_required


def manager() -> staff.Manager:
    """The signed-in coordinator or admin; 403.50 for anyone else."""
    coordinator_required()
    return staff.Manager.of(g.user, g.scope)


def _form() -> dict[str, Any]:
    return {"username": request.form.get("username", ""), "role": request.form.get("role", ""),
            "areas": request.form.getlist("areas"), "email": request.form.get("email", "")}


@bp.get("/admin/users")
@signed_in_required
def staff_page():
    listed = staff.list_managed(manager())
    return render_template("staff.html", staff=listed, role_labels=ROLE_LABELS,
                           area_names=areas.names({c for u in listed for c in u.area_codes}))


@bp.get("/admin/users/new")
@signed_in_required
def new_user():
    return _new_page(manager())


def _new_page(who: staff.Manager, status: int = 200, **shown: Any):
    return render_template("staff_new.html", roles=who.roles, role_labels=ROLE_LABELS,
                           area_choices=staff.area_choices(who), **shown), status


@bp.post("/admin/users")
@signed_in_required
def create_user():
    who, form = manager(), _form()
    try:
        created = staff.create(actor(), who, form["username"], form["role"], form["areas"],
                               form["email"])
    except Problem as problem:
        return _new_page(who, problem.status, problem=problem, form=form)
    return _user_page(who, created.user, created=True, password=created.password)


@bp.get("/admin/users/<int:user_id>")
@signed_in_required
def user_page(user_id: int):
    who = manager()
    return _user_page(who, staff.get_managed(who, user_id),
                      saved=request.args.get("saved") == "1")


def _user_page(who: staff.Manager, user, status: int = 200, **shown: Any):
    devices = device_admin.devices_of(user.id)
    return render_template(
        "staff_user.html", user=user, roles=who.roles, role_labels=ROLE_LABELS,
        area_choices=staff.area_choices(who), area_names=areas.names(user.area_codes),
        changeable=user.role != "admin" or who.role == "admin",
        own=user.id == who.user_id, devices=devices, **shown), status


@bp.post("/admin/users/<int:user_id>")
@signed_in_required
def edit_user(user_id: int):
    who, form = manager(), _form()
    user = staff.get_managed(who, user_id)  # 404 outside the area, before anything else
    try:
        staff.change(actor(), who, user_id, form["role"], form["areas"], form["email"])
    except Problem as problem:
        return _user_page(who, user, problem.status, problem=problem, form=form)
    return redirect(url_for("ui.user_page", user_id=user_id, saved=1))


@bp.post("/admin/users/<int:user_id>/active")
@signed_in_required
def set_user_active(user_id: int):
    staff.set_active(actor(), manager(), user_id, request.form.get("active") == "yes")
    return redirect(url_for("ui.user_page", user_id=user_id, saved=1))


@bp.post("/admin/users/<int:user_id>/password")
@signed_in_required
def reset_password(user_id: int):
    who = manager()
    reset = staff.reset_password(actor(), who, user_id)
    return _user_page(who, reset.user, password=reset.password)
