"""The device pages: a coordinator or an admin gives collaborators their ODK Collect devices.

``GET /admin/devices`` lists the devices (app users) of the area's communes: name,
collaborator, commune, created, revoked, last contact (dd/mm/yyyy HH:MM, Vietnam time), the
Collect version seen then, and the forms its formList offers now. ``/admin/devices/new`` makes
one for a collaborator and a commune of the area; the answer shows the QR code Collect scans
(an SVG ``data:`` image made here with segno: the CSP allows no inline script or style) and a
button to a printable page with instructions in the device's language (Vietnamese unless it
was set otherwise). Both also show the same token as a device link of the mobile web app
(``<public URL>/m/#device=<token>``, in the fragment so no server log holds it) with its own QR
code, for a collaborator who uses the browser instead of Collect. The token exists in clear
only in that answer (only its hash is stored), so the printable page is a post carrying it
back, checked against the hash; printing again later means making a new code
(``POST .../code``), which ends the old one: the pages say so. ``/admin/devices/<id>`` is one
device, with revoke. Rules and audit are in
``services/access/device_admin.py``; a device outside the area is a 404 (404.61); only
coordinators and admins reach these pages (403.50).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import force_locale

from server.collect_settings import (
    mobile_app_url,
    project_name,
    qr_svg_data_uri,
    server_url,
    settings_payload,
)
from server.models.types import utcnow
from server.problems import Problem
from server.programme import VIETNAM
from server.services.access import device_admin
from server.ui import bp
from server.ui.admin import manager
from server.ui.web import actor, read_id, signed_in_required


@bp.app_template_filter("vn_time")
def vn_time(moment: datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time; empty for no moment."""
    return "" if moment is None else moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


@bp.get("/admin/devices")
@signed_in_required
def devices_page():
    manager()
    return render_template("devices.html", devices=device_admin.list_devices(g.scope))


@bp.get("/admin/devices/new")
@signed_in_required
def new_device():
    chosen = request.args.get("collaborator", "")
    return _new_page(form={"collaborator": chosen[:19]})


def _new_page(status: int = 200, **shown: Any):
    return render_template(
        "device_new.html", collaborators=device_admin.collaborators(manager()),
        commune_choices=device_admin.commune_choices(g.scope), **shown), status


@bp.post("/admin/devices")
@signed_in_required
def create_device():
    who = manager()
    form = {key: request.form.get(key, "") for key in ("name", "commune", "collaborator")}
    try:
        collaborator = read_id(form["collaborator"], "collaborator")
        created = device_admin.create(actor(), who, g.scope, form["name"], form["commune"],
                                      collaborator)
    except Problem as problem:
        return _new_page(problem.status, problem=problem, form=form)
    return _code_page(created.app_user, created.token, created=True)


@bp.get("/admin/devices/<int:device_id>")
@signed_in_required
def device_page(device_id: int):
    manager()
    return render_template("device.html", shown=device_admin.view(g.scope, device_id),
                           saved=request.args.get("saved") == "1")


@bp.post("/admin/devices/<int:device_id>/revoke")
@signed_in_required
def revoke_device(device_id: int):
    manager()
    device_admin.revoke(actor(), g.scope, device_id)
    return redirect(url_for("ui.device_page", device_id=device_id, saved=1))


@bp.post("/admin/devices/<int:device_id>/code")
@signed_in_required
def new_device_code(device_id: int):
    manager()
    device, token = device_admin.new_token(actor(), g.scope, device_id)
    return _code_page(device, token)


@bp.get("/admin/devices/<int:device_id>/print")
@signed_in_required
def print_explained(device_id: int):
    """A bookmarked or reloaded printable page: the code cannot be shown again."""
    manager()
    return render_template("device.html", shown=device_admin.view(g.scope, device_id),
                           print_gone=True)


@bp.post("/admin/devices/<int:device_id>/print")
@signed_in_required
def print_code(device_id: int):
    manager()
    token = request.form.get("token", "")[:100]
    device = device_admin.check_token(actor(), g.scope, device_id, token)
    with force_locale(device.language):
        return render_template("device_print.html", device=device, now=utcnow(),
                               **_code(device, token))


def _code(device, token: str) -> dict[str, str]:
    """The server URL Collect is given and the QR code of its settings (openrosa.md b.7);
    the mobile web app's device link and its QR code (a phone's camera opens it)."""
    origin = current_app.config["SANGLOC_PUBLIC_URL"] or request.url_root
    url, project = server_url(origin, token), project_name(device.commune.name)
    app_url = mobile_app_url(origin, token)
    return {"url": url, "token": token, "project": project,
            "qr": qr_svg_data_uri(settings_payload(url, project)),
            "app_url": app_url, "app_qr": qr_svg_data_uri(app_url)}


def _code_page(device, token: str, **shown: Any):
    return render_template("device_code.html", device=device, **_code(device, token), **shown)
