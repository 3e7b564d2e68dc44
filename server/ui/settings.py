"""The programme settings page: a province's threshold table and due periods (issue 12).

``GET /admin/settings`` lists the provinces the user holds whole (``programme/settings.py``)
with the table and periods in force, each marked when it is the server's default.
``GET /admin/settings/<code>`` is one province's form (empty = the default) and the history of
its changes (who, when, before -> after). ``POST /admin/settings/<code>`` reads the form (a
period that is not a whole number of days within 0-365, or an unknown table, answers the page
again with the problem and the form as typed, 400); a change of the table in force is first
previewed (``programme/threshold_preview.py``: how many open results would change band or
screen-positive status, per instrument; nothing written), and only a second POST with
``confirm`` saves it. A saved change of the table re-scores that province's stale screenings
at once, up to ``rescoring.AT_ONCE``, in the same unit of work; the rest, if any, are re-scored
by the nightly ``rescore_screenings`` job (the page says which). Every save is audited
(``settings.change``) and each re-score too (``screening.rescore``).

Only coordinators and admins (403.50); a province the user does not hold whole is the same
404.8 as an unknown one.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from server import programme
from server.problems import Problem
from server.services.cases import rescoring
from server.services.programme import settings, threshold_preview
from server.ui import bp
from server.ui.labels import instrument_titles
from server.ui.web import actor, coordinator_required, signed_in_required

PERIOD_LABELS = {
    "referral_days": _l("Referral"),
    "urgent_referral_days": _l("Referral for severe depression"),
    "assessment_days": _l("Assessment at the commune health station"),
    "sdq_assessment_days": _l("SDQ assessment"),
    "interview_days": _l("M-CHAT-R/F Follow-Up interview"),
    "rescreen_days": _l("Rescreen (mild PHQ)"),
    "epds_rescreen_days": _l("EPDS rescreen"),
    "review_days": _l("Supervisor review"),
    "referral_followup_days": _l("A referral not heard back from"),
    "needs_info_days": _l("A case sent back for more information"),
}
TABLE_LABELS = {"international": _l("International cut-offs"),
                "vietnam": _l("Vietnamese validated cut-offs")}


def _labels() -> dict:
    return {"period_labels": PERIOD_LABELS, "table_labels": TABLE_LABELS,
            "period_names": settings.PERIOD_NAMES, "tables": settings.TABLES,
            "days": settings.DAYS, "at_once": rescoring.AT_ONCE}


@bp.get("/admin/settings")
@signed_in_required
def settings_page():
    coordinator_required()
    return render_template("settings.html", provinces=settings.list_settings(
        g.scope, programme.current()), default=programme.current(), **_labels())


def _province_page(code: str, status: int = 200, **shown):
    base = programme.current()
    return render_template(
        "settings_province.html", province=settings.read_settings(g.scope, code, base),
        default=base, history=settings.history(g.scope, code), saved=_saved(), **_labels(),
        **shown), status


def _saved() -> dict[str, int] | None:
    """What the last save did (from the redirect's URL)."""
    found = {key: request.args.get(key, "") for key in ("rescored", "left")}
    if request.args.get("saved") != "1" or not all(
            text.isascii() and text.isdigit() and len(text) < 8 for text in found.values()):
        return None
    return {key: int(text) for key, text in found.items()}


@bp.get("/admin/settings/<code>")
@signed_in_required
def province_settings(code: str):
    coordinator_required()
    return _province_page(code)


@bp.post("/admin/settings/<code>")
@signed_in_required
def save_province_settings(code: str):
    coordinator_required()
    base = programme.current()
    current = settings.read_settings(g.scope, code, base)
    try:
        proposed = settings.read_form(request.form)
    except Problem as problem:
        return _province_page(code, problem.status, problem=problem, form=request.form)
    after = base.with_overrides(proposed.thresholds, proposed.periods).thresholds
    table_changes = after != current.effective.thresholds
    if table_changes and request.form.get("confirm") != "1":
        preview = threshold_preview.preview_table(code, current.effective.thresholds, after)
        return render_template("settings_preview.html", province=current, preview=preview,
                               form=request.form, titles=instrument_titles(
                                   row.instrument for row in preview.rows), **_labels())
    shown = (request.form.get("shown_thresholds") or "").strip() or None
    try:
        changed = settings.save_settings(actor(), g.scope, code, proposed, user_id=g.user.id,
                                         shown_thresholds=shown)
    except Problem as problem:
        return _province_page(code, problem.status, problem=problem, form=request.form)
    done = rescoring.rescore_province(actor(), code, base) if changed and table_changes \
        else rescoring.Rescored(0, 0, False)
    return redirect(url_for("ui.province_settings", code=code, saved=1,
                            rescored=done.rescored, left=int(done.left)))
