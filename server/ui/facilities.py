"""The facility list pages: a coordinator (or an admin) keeps the places people are referred to.

``GET /admin/facilities`` lists every facility kept within the user's area (name, kind, area,
address, phone, whether it is offered) with a form to add one and, for each, a button to take
it off the list or put it back; ``GET /admin/facilities/<id>`` is one facility's edit form
(one form per page: each form carries the area list, which for a province is over a hundred
communes). Each change posts a form (with its CSRF token) and comes back to the list
(post/redirect/get). A bad value answers the form's page again with the problem's text in the
page's language and the form kept as typed. Only coordinators and admins reach these pages
(403.50 for anyone else signed in); a facility outside the user's area is the same 404 as an
unknown number (``services/cases/facilities``).
"""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext

from server.models.facility import FACILITY_KINDS
from server.problems import Problem
from server.services.access import areas
from server.services.cases import facilities
from server.ui import bp
from server.ui.labels import FACILITY_KIND_LABELS
from server.ui.web import actor, coordinator_required, signed_in_required

FIELDS = ("name", "kind", "area_code", "address", "phone")



def _form() -> dict[str, str]:
    return {key: request.form.get(key, "") for key in FIELDS}


def _labels() -> dict[str, str]:
    """The fields' names as the page shows them, for a refusal's text."""
    return {"name": gettext("Name"), "address": gettext("Address"), "phone": gettext("Phone")}


def _page(status: int = 200, **shown: Any):
    listed = facilities.list_managed(g.scope)
    saved = request.args.get("saved", "")[:12]
    return render_template(
        "facilities.html", facilities=listed, kinds=FACILITY_KINDS,
        kind_labels=FACILITY_KIND_LABELS,
        area_choices=facilities.area_choices(g.scope),
        area_names=areas.names({f.area_code for f in listed}),
        saved=int(saved) if saved.isascii() and saved.isdigit() else None, **shown), status


@bp.get("/admin/facilities")
@signed_in_required
def facilities_page():
    coordinator_required()
    return _page()


@bp.post("/admin/facilities")
@signed_in_required
def add_facility():
    coordinator_required()
    form = _form()
    try:
        added = facilities.add(actor(), g.scope, **form, labels=_labels())
    except Problem as problem:
        return _page(problem.status, problem=problem, form=form)
    return redirect(url_for("ui.facilities_page", saved=added.id, _anchor=f"f{added.id}"))


@bp.get("/admin/facilities/<int:facility_id>")
@signed_in_required
def facility_page(facility_id: int):
    coordinator_required()
    return _edit_page(facilities.get_managed(g.scope, facility_id))


@bp.post("/admin/facilities/<int:facility_id>")
@signed_in_required
def edit_facility(facility_id: int):
    coordinator_required()
    facility = facilities.get_managed(g.scope, facility_id)  # 404 outside the area
    form = _form()
    try:
        facilities.update(actor(), g.scope, facility_id, facilities.Details(**form),
                          labels=_labels())
    except Problem as problem:
        return _edit_page(facility, problem.status, problem=problem, form=form)
    return redirect(url_for("ui.facilities_page", saved=facility_id, _anchor=f"f{facility_id}"))


def _edit_page(facility, status: int = 200, **shown: Any):
    return render_template(
        "facility.html", facility=facility, kinds=FACILITY_KINDS, kind_labels=FACILITY_KIND_LABELS,
        area_choices=facilities.area_choices(g.scope), **shown), status


@bp.post("/admin/facilities/<int:facility_id>/active")
@signed_in_required
def set_facility_active(facility_id: int):
    coordinator_required()
    facilities.set_active(actor(), g.scope, facility_id, request.form.get("active") == "yes")
    return redirect(url_for("ui.facilities_page", saved=facility_id, _anchor=f"f{facility_id}"))
