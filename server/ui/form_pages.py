"""The forms pages (issue 12): a coordinator or an admin uploads, checks and publishes forms.

``GET /admin/forms`` lists the forms and drafts the user sees, with the upload form.
``POST /admin/forms/upload`` converts and checks an XLSForm or XForm into the form's draft
(``services/forms/drafts.py``); a refusal answers the list page again with the Vietnamese
explanation, where the mistake is (sheet, row, column) and the tool's own English words.
``GET /admin/forms/drafts/<id>`` is a draft: what publishing it would change against the
current version, its media files (attach, missing or present), publish and discard.
``GET /admin/forms/<form_id>`` is a published form: its state (open, closing, closed, each
explained), its areas, its versions, and a comparison of any two versions
(``.../diff?before=&after=``). Who may change what is ``services/forms/management.py``'s rule;
every change is audited there. Only coordinators and admins (403.50 for anyone else).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from server import problems
from server.models.form import FORM_STATES
from server.problems import Problem
from server.services.access import areas, staff
from server.services.forms import drafts, management
from server.ui import bp
from server.ui.web import actor, coordinator_required, signed_in_required

STATE_LABELS = {"open": _l("Open"), "closing": _l("Closing"), "closed": _l("Closed")}
STATE_HELP = {
    "open": _l("Devices see the form in their list, download it and send filled forms."),
    "closing": _l("Devices no longer see the form in their list, so nobody starts it anew; "
                  "forms already filled can still be sent."),
    "closed": _l("Devices no longer see the form, and the server refuses filled forms sent "
                 "for it."),
}
MEDIA_LABELS = {"draft": _l("attached to the draft"),
                "current": _l("kept from the current version"),
                "generated": _l("made by the server for each device"),
                "missing": _l("missing")}
FORM_ID_LIMIT = 200


def _manager() -> staff.Manager:
    coordinator_required()
    return staff.Manager.of(g.user, g.scope)


def _strict() -> bool:
    return bool(current_app.config["SANGLOC_STRICT"])


def _form_id(text: str) -> str:
    if len(text) > FORM_ID_LIMIT or not text.isprintable():
        raise problems.form_unknown(text[:40])
    return text


def _upload(limit: int) -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise problems.form_upload_missing()
    with upload.stream:  # a large upload is a temporary file: closed, hence deleted
        data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise problems.upload_too_large(limit)
    return data, upload.filename


@bp.get("/admin/forms")
@signed_in_required
def forms_page():
    return _list_page(_manager())


def _list_page(who: staff.Manager, status: int = 200, **shown: Any):
    rows = management.list_forms(who, g.scope)
    return render_template("forms.html", rows=rows, state_labels=STATE_LABELS,
                           area_names=areas.names({c for r in rows for c in r.areas}),
                           suffixes=", ".join(drafts.SUFFIXES), **shown), status


@bp.post("/admin/forms/upload")
@signed_in_required
def upload_form():
    who = _manager()
    try:
        data, filename = _upload(drafts.MAX_FORM_BYTES)
        draft = drafts.create_draft(actor(), data, filename, strict=_strict(), manager=who)
    except Problem as problem:
        return _list_page(who, problem.status, upload_problem=problem,
                          filename=drafts.shown_name(request.files["file"].filename
                                                     if "file" in request.files else ""))
    return redirect(url_for("ui.draft_page", draft_id=draft.id))


@bp.get("/admin/forms/drafts/<int:draft_id>")
@signed_in_required
def draft_page(draft_id: int):
    return _draft_page(_manager(), draft_id)


def _draft_page(who: staff.Manager, draft_id: int, status: int = 200, **shown: Any):
    draft = drafts.get_draft(draft_id, who)
    current = management.current_version(draft.xml_form_id)
    return render_template(
        "form_draft.html", draft=draft, current=current,
        diff=management.diff_draft(draft, current), media=drafts.media_status(draft, current),
        media_labels=MEDIA_LABELS, uploader=management.usernames([draft.uploaded_by]),
        area_names=areas.names(draft.area_codes or ()), **shown), status


@bp.post("/admin/forms/drafts/<int:draft_id>/publish")
@signed_in_required
def publish_draft(draft_id: int):
    who = _manager()
    try:
        version = drafts.publish_draft(actor(), draft_id, strict=_strict(), manager=who)
    except Problem as problem:
        if problem.code == "404.80":
            raise
        return _draft_page(who, draft_id, problem.status, publish_problem=problem)
    return redirect(url_for("ui.form_page", form_id=version.form.xml_form_id,
                            published=version.version))


@bp.post("/admin/forms/drafts/<int:draft_id>/discard")
@signed_in_required
def discard_draft(draft_id: int):
    drafts.discard_draft(actor(), draft_id, _manager())
    return redirect(url_for("ui.forms_page"))


@bp.post("/admin/forms/drafts/<int:draft_id>/media")
@signed_in_required
def attach_draft_media(draft_id: int):
    who = _manager()
    try:
        data, filename = _upload(drafts.MAX_MEDIA_BYTES)
        drafts.attach_draft_media(actor(), current_app.extensions["sangloc_blobs"], draft_id,
                                  filename, data, who)
    except Problem as problem:
        if problem.code in ("404.80", "403.80"):
            raise
        return _draft_page(who, draft_id, problem.status, media_problem=problem)
    return redirect(url_for("ui.draft_page", draft_id=draft_id) + "#media-heading")


@bp.get("/admin/forms/<form_id>")
@signed_in_required
def form_page(form_id: str):
    return _form_page(_manager(), _form_id(form_id))


def _form_page(who: staff.Manager, form_id: str, status: int = 200, **shown: Any):
    form = management.get_form(who, g.scope, form_id)
    versions = management.versions_of(form)
    codes = management.form_areas(form)
    managed = management.manages_areas(who, codes)
    choices = staff.area_choices(who) if managed else []
    offered = {code for _, province, communes in choices
               for code in (province, *(c for c, _ in communes)) if code}
    return render_template(
        "form.html", form=form, versions=versions, states=FORM_STATES,
        state_labels=STATE_LABELS, state_help=STATE_HELP, managed=managed, areas=codes,
        area_names=areas.names(codes), admin=who.role == "admin",
        area_choices=choices, other_codes=[c for c in codes if c not in offered],
        draft=drafts.draft_for_form(form_id) if managed else None,
        publishers=management.usernames(v.published_by for v in versions),
        published=request.args.get("published", "")[:100], **shown), status


@bp.post("/admin/forms/<form_id>/state")
@signed_in_required
def change_form_state(form_id: str):
    who, form_id = _manager(), _form_id(form_id)
    try:
        management.change_state(actor(), who, form_id, request.form.get("state", "")[:20])
    except Problem as problem:
        if problem.status != 400:
            raise
        return _form_page(who, form_id, problem.status, state_problem=problem)
    return redirect(url_for("ui.form_page", form_id=form_id) + "#state-heading")


@bp.post("/admin/forms/<form_id>/areas")
@signed_in_required
def change_form_areas(form_id: str):
    who, form_id = _manager(), _form_id(form_id)
    codes = [] if request.form.get("everywhere") else _area_codes()
    try:
        management.change_areas(actor(), who, form_id, codes)
    except Problem as problem:
        if problem.code == "403.80":
            raise
        return _form_page(who, form_id, problem.status, areas_problem=problem)
    return redirect(url_for("ui.form_page", form_id=form_id) + "#areas-heading")


def _area_codes() -> list[str]:
    codes = [code.strip() for code in request.form.getlist("areas")]
    codes += [code.strip() for code in request.form.get("codes", "").replace(";", ",")
              .split(",")]
    return [code[:12] for code in codes if code][:500]


@bp.get("/admin/forms/<form_id>/diff")
@signed_in_required
def form_diff(form_id: str):
    who, form_id = _manager(), _form_id(form_id)
    form = management.get_form(who, g.scope, form_id)
    before = management.version_named(form, request.args.get("before", "")[:100])
    after = management.version_named(form, request.args.get("after", "")[:100])
    return render_template("form_diff.html", form=form, before=before, after=after,
                           diff=management.diff_versions(before, after),
                           versions=management.versions_of(form))

