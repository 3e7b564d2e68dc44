"""The licensed-text pages: a coordinator (or an admin) loads the licensed text of M-CHAT-R/F, SDQ
or EPDS into its form, item by item, as a new version (issue 12).

``GET /admin/licensed-texts`` lists the licensed forms offered in the user's area.
``GET /admin/forms/<form_id>/licensed-text?lang=`` shows the form's items in its order: key,
current label in each translation, answer values with their labels; the template to fill
(``.../template.csv?lang=``, the current labels beside an empty ``text`` column) and the upload.
``POST .../preview`` reads a CSV or XLSX for one translation: every problem on its row (nothing
kept), or what will change; a clean preview's address is kept in the session and
``POST .../confirm`` publishes it as the new version (only an address this session previewed,
once: 404.70 otherwise, so a form sent twice publishes once) and goes back to the page, which
names the new version. A form that is not a licensed instrument is 404.100; one not offered in
the user's area 404.1; coordinators and admins only (403.50), and a coordinator changes only a
form assigned inside their own area (403.100).
"""

from __future__ import annotations

import csv
import io

from flask import Response, current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import Form
from server.problems import Problem
from server.services.forms import licensed_text
from server.services.forms.licensed_rows import MAX_BYTES
from server.services.programme.population_import import shown_name
from server.ui import bp
from server.ui.web import actor, coordinator_required, signed_in_required

PREVIEWS_KEPT = 3
SESSION_KEY = "licensed_text_previews"


def _licensed(form_id: str) -> licensed_text.LicensedForm:
    return licensed_text.get_licensed_form(g.scope, form_id[:200])


def _language(licensed: licensed_text.LicensedForm, text: str | None) -> str:
    return licensed.languages[0] if text is None else \
        licensed_text.check_language(licensed, text)


def _page(licensed: licensed_text.LicensedForm, language: str, status: int = 200, **shown):
    return render_template(
        "licensed_text.html", licensed=licensed, language=language,
        may_load=_may_load(licensed), loaded=request.args.get("loaded", "")[:100],
        **shown), status


def _may_load(licensed: licensed_text.LicensedForm) -> bool:
    try:
        licensed_text.may_load(g.user.role, g.user.area_codes, g.scope, licensed.form)
    except Problem:
        return False
    return True


@bp.get("/admin/licensed-texts")
@signed_in_required
def licensed_forms_page():
    coordinator_required()
    found = []
    for form in db.session.scalars(select(Form).order_by(Form.xml_form_id)):
        version = form.current_version
        binding = (version.binding or {}) if version else {}
        if binding.get("instrument_id") in licensed_text.LICENSED and \
                g.scope.covers_assignment({a.area_code for a in form.assignments}):
            found.append(form)
    return render_template("licensed_text_forms.html", forms=found)


@bp.get("/admin/forms/<form_id>/licensed-text")
@signed_in_required
def licensed_text_page(form_id: str):
    coordinator_required()
    licensed = _licensed(form_id)
    return _page(licensed, _language(licensed, request.args.get("lang")))


@bp.get("/admin/forms/<form_id>/licensed-text/template.csv")
@signed_in_required
def licensed_text_template(form_id: str):
    coordinator_required()
    licensed = _licensed(form_id)
    language = _language(licensed, request.args.get("lang"))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        licensed_text.template_rows(licensed, language))
    name = f"noi-dung-{licensed.form.xml_form_id}-{licensed.version.version}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/admin/forms/<form_id>/licensed-text/preview")
@signed_in_required
def preview_licensed_text(form_id: str):
    coordinator_required()
    licensed = _licensed(form_id)
    language = _language(licensed, request.form.get("lang", ""))
    licensed_text.may_load(g.user.role, g.user.area_codes, g.scope, licensed.form)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise problems.import_file_missing()
        with upload.stream:  # a large upload is a temporary file: closed, hence deleted
            data = upload.stream.read(MAX_BYTES + 1)
        preview = licensed_text.preview_file(licensed, language, data)
    except Problem as problem:
        return _page(licensed, language, problem.status, upload_problem=problem)
    address = None
    if preview.clean:
        address = licensed_text.keep_preview(licensed, preview, g.user.id, _blobs())
        session[SESSION_KEY] = [address, *session.get(SESSION_KEY, [])][:PREVIEWS_KEPT]
    return render_template("licensed_text_preview.html", licensed=licensed, preview=preview,
                           address=address, filename=shown_name(upload.filename))


@bp.post("/admin/forms/<form_id>/licensed-text/confirm")
@signed_in_required
def confirm_licensed_text(form_id: str):
    coordinator_required()
    licensed = _licensed(form_id)
    licensed_text.may_load(g.user.role, g.user.area_codes, g.scope, licensed.form)
    address = request.form.get("preview", "")
    if address not in session.get(SESSION_KEY, []):
        raise problems.import_preview_gone()
    version = licensed_text.confirm_load(actor(), licensed, _blobs(), address, g.user.id,
                                         strict=current_app.config["SANGLOC_STRICT"])
    session[SESSION_KEY] = [a for a in session.get(SESSION_KEY, []) if a != address]
    return redirect(url_for("ui.licensed_text_page", form_id=licensed.form.xml_form_id,
                            loaded=version.version))


def _blobs():
    return current_app.extensions["sangloc_blobs"]
