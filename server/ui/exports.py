"""The exports page (issue 12): ask for a file, watch it being made, download it when ready.

``GET /admin/exports`` shows the request form (what: screenings, actions, referrals or a
dashboard table; CSV or XLSX; period, province, commune, instrument, sex) and the user's own
exports, newest first, each with a ``<progress>`` bar; while one is waiting or being made the
list reloads itself every 2 seconds (htmx, ``GET /admin/exports/list``), and stops once none is.
``POST /admin/exports`` queues an export and comes back to the page; a dashboard page posts
here too (``kind=table:<key>`` with its own filters, unknown fields ignored). The file is made
by the ``run_exports`` job in the scheduler process, never here.
``GET /admin/exports/<id>/download`` streams the finished file (its content type, a safe name)
to the user who asked for it or to an admin of the export's area (anyone else: the 404 page).
Requests and downloads are audited. Coordinators and admins only (403.50): exports are the
area's records in bulk, beyond a supervisor's casework. The page and its list may read from
the read replica (``server/replica.py``): a user's own request is there once it is replayed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from flask import Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from server import problems
from server.models.export_job import EXPORT_FORMATS
from server.problems import Problem
from server.replica import lag_tolerant
from server.services.exports import files, requests, tables
from server.services.exports.filters import read_filters
from server.ui import bp
from server.ui.web import actor, coordinator_required, read_id, signed_in_required

KIND_LABELS = {"screenings": _l("Screenings (one row per screening)"),
               "actions": _l("Actions (the work each result opened)"),
               "referrals": _l("Referrals and their outcomes")}
STATE_LABELS = {"queued": _l("Waiting"), "running": _l("Being made"), "done": _l("Ready"),
                "failed": _l("Failed"), "expired": _l("Expired (deleted)")}
SEX_LABELS = {"male": _l("Male"), "female": _l("Female"), "other": _l("Other")}
# how a stored error code is told again: the constructor that made it
_FAILURES = {
    "413.146": lambda: problems.export_too_many_rows(files.XLSX_MAX_ROWS),
    "500.144": problems.export_failed,
}


def kind_label(kind: str) -> str:
    if kind.startswith(requests.TABLE_PREFIX):
        spec = tables.TABLES.get(kind.removeprefix(requests.TABLE_PREFIX))
        return str(spec.title) if spec else kind
    return str(KIND_LABELS.get(kind, kind))


def failure_text(code: str | None, lang: str) -> str:
    """Why an export failed, in the page's language (a code without its own text: 500.144)."""
    problem = _FAILURES.get(code or "", problems.export_failed)()
    return problem.message(lang)


def _list_context() -> dict:
    exports = requests.list_exports(g.user)
    return {"exports": exports, "kind_label": kind_label, "state_labels": STATE_LABELS,
            "failure_text": failure_text,
            "waiting": any(e.state in ("queued", "running") for e in exports)}


def _page(status: int = 200, **shown):
    kinds = requests.known_kinds()
    return render_template(
        "exports.html", record_kinds=[k for k in kinds if k in KIND_LABELS],
        table_kinds=[k for k in kinds if k not in KIND_LABELS], formats=EXPORT_FORMATS,
        provinces=sorted(g.scope.provinces), sex_labels=SEX_LABELS,
        form=shown.pop("form", {}), asked=_asked(), **_list_context(), **shown), status


def _asked() -> int | None:
    """The export just asked for (from the redirect's URL), to say so on the page."""
    try:
        return read_id(request.args.get("asked"), "asked")
    except Problem:
        return None


@bp.get("/admin/exports")
@signed_in_required
@lag_tolerant
def exports_page():
    coordinator_required()
    return _page()


@bp.get("/admin/exports/list")
@signed_in_required
@lag_tolerant
def export_list():
    coordinator_required()
    return render_template("_export_list.html", **_list_context())


@bp.post("/admin/exports")
@signed_in_required
def request_export():
    coordinator_required()
    form = request.form
    try:
        found = read_filters(form, g.scope)
        export = requests.request_export(actor(), g.user, g.scope,
                                         form.get("kind", "").strip(),
                                         form.get("format", "csv").strip(), found)
    except Problem as problem:
        return _page(problem.status, problem=problem, form=form)
    return redirect(url_for("ui.exports_page", asked=export.id))


@bp.get("/admin/exports/<int:export_id>/download")
@signed_in_required
def download_export(export_id: int):
    coordinator_required()
    export = requests.export_for_download(actor(), g.user, g.scope, export_id)
    try:
        handle = current_app.extensions["sangloc_blobs"].open(export.blob_sha256)
    except KeyError:  # deleted by hand, or a restored database older than the file
        raise problems.export_expired(requests.KEEP_DAYS) from None
    name = requests.file_name(export)  # ASCII letters, digits, - and . only
    return Response(_chunks(handle), mimetype=files.CONTENT_TYPES[export.format], headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Length": str(export.size_bytes), "Cache-Control": "no-store"})


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    """The file a megabyte at a time, closed once sent (or when the client goes away)."""
    with handle:
        while chunk := handle.read(1 << 20):
            yield chunk
