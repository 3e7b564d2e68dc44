"""The population pages: a coordinator (or an admin) keeps their area's denominators (issue 12).

``GET /admin/population?year=&province=`` shows the totals per province of the user's area and,
for one province, a table commune x group (children 0-6, children 16-30 months, adults) in one
form, with who entered each commune's latest number, when and how. A cell is written only when
its text differs from the one the page showed (a hidden ``shown-`` field beside each), so a page
opened before an import does not put the old numbers back; an emptied cell removes its number.
A number that cannot be read answers the page again with the problem and the form as typed.
``POST /admin/population/import`` previews a CSV or XLSX file (every problem on its row, nothing
written); a clean preview's address is kept in the session, and ``POST .../import/confirm``
writes it (only an address this session previewed, once: 404.70 otherwise, so a form sent
twice writes once).
``GET /admin/population/template.csv`` is the file to fill: the province's communes with their
numbers of the year. Only coordinators and admins (403.50); a province outside the user's area
is the same 404 as an unknown one.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Response, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from server import problems
from server.models.programme_data import POPULATION_GROUPS
from server.problems import Problem
from server.programme import today
from server.services.programme import population, population_import
from server.ui import bp
from server.ui.web import actor, coordinator_required, signed_in_required

GROUP_LABELS = {"children_0_6": _l("Children 0–6 years"),
                "children_16_30m": _l("Children 16–30 months"), "adults": _l("Adults")}
PREVIEWS_KEPT = 3  # previews a session may confirm (one per open tab, say)
YEARS_OFFERED = 6  # this year, the next one, and the four before


@bp.app_template_filter("vn_number")
def vn_number(value: int | None) -> str:
    """A whole number as Vietnamese write it: 1.234.567."""
    return "" if value is None else f"{value:,}".replace(",", ".")



def _year(text: str | None) -> int:
    return today().year if not (text or "").strip() else population.read_year(text)


def _province(text: str | None) -> str:
    """The province asked for, or the user's first; 404.8 for one outside their area."""
    if not text:
        return min(g.scope.provinces)
    if text not in g.scope.provinces:
        raise problems.area_unknown(text[:population.ECHOED])
    return text


def _page(year: int, province: str, status: int = 200, **shown: Any):
    offered = sorted({*range(today().year - YEARS_OFFERED + 2, today().year + 2), year},
                     reverse=True)
    totals = population.province_totals(g.scope, year)
    return render_template(
        "population.html", year=year, province=province, years=offered, totals=totals,
        province_total=next(t for t in totals if t.code == province),
        rows=population.read_table(g.scope, year, province), groups=POPULATION_GROUPS,
        group_labels=GROUP_LABELS, saved=_saved(), **shown), status


def _saved() -> int | None:
    """How many numbers the last save changed (from the redirect's URL)."""
    text = request.args.get("saved", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 8 else None


@bp.get("/admin/population")
@signed_in_required
def population_page():
    coordinator_required()
    return _page(_year(request.args.get("year")), _province(request.args.get("province")))


@bp.post("/admin/population")
@signed_in_required
def save_population():
    coordinator_required()
    year = _year(request.form.get("year"))
    province = _province(request.form.get("province"))
    try:
        changes = population.set_values(actor(), g.scope, year, _typed())
    except Problem as problem:
        return _page(year, province, problem.status, problem=problem, form=request.form)
    return redirect(url_for("ui.population_page", year=year, province=province,
                            saved=changes.written + changes.removed))


def _typed() -> dict[tuple[str, str], int | None]:
    """The cells whose text differs from what the page showed, as counts."""
    changed = {}
    for key, text in request.form.items():
        kind, _, cell = key.partition("-")
        code, _, group = cell.partition("-")
        if kind != "count" or text.strip() == request.form.get(f"shown-{cell}", "").strip():
            continue
        try:
            changed[(code, group)] = population.count_of(text)
        except ValueError:
            label = GROUP_LABELS.get(group, group[:population.ECHOED])
            raise problems.population_value_unreadable(code[:population.ECHOED],
                                                       str(label)) from None
    return changed


@bp.post("/admin/population/import")
@signed_in_required
def preview_population():
    coordinator_required()
    year = _year(request.form.get("year"))
    province = _province(request.form.get("province"))
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise problems.import_file_missing()
        with upload.stream:  # a large upload is a temporary file: closed, hence deleted
            data = upload.stream.read(population_import.MAX_BYTES + 1)
        preview = population_import.preview_file(g.scope, data)
    except Problem as problem:
        return _page(year, province, problem.status, import_problem=problem)
    address = None
    if preview.clean:
        address = population_import.keep_preview(preview, g.user.id, _blobs())
        session["population_previews"] = [
            address, *session.get("population_previews", [])][:PREVIEWS_KEPT]
    return render_template("population_preview.html", preview=preview, address=address,
                           filename=population_import.shown_name(upload.filename), year=year,
                           province=province,
                           group_labels=GROUP_LABELS)


@bp.post("/admin/population/import/confirm")
@signed_in_required
def confirm_population():
    coordinator_required()
    address = request.form.get("preview", "")
    if address not in session.get("population_previews", []):
        raise problems.import_preview_gone()
    changes = population_import.confirm(actor(), g.scope, _blobs(), address, g.user.id)
    session["population_previews"] = [
        a for a in session.get("population_previews", []) if a != address]
    return redirect(url_for("ui.population_page", year=_year(request.form.get("year")),
                            province=_province(request.form.get("province")),
                            saved=changes.written + changes.removed))


@bp.get("/admin/population/template.csv")
@signed_in_required
def population_template():
    coordinator_required()
    year = _year(request.args.get("year"))
    province = _province(request.args.get("province"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(population_import.COLUMNS)
    for row in population.read_table(g.scope, year, province):
        writer.writerow([row.code, row.name, year,
                         *(row.values.get(group, "") for group in POPULATION_GROUPS)])
    name = f"dan-so-{province}-{year}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _blobs():
    return current_app.extensions["sangloc_blobs"]
