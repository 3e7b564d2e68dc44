"""Intake without a screening: the page where a hotline call or a walk-in is written down.

``GET /intake`` shows the form (the person, the concern in the caller's words, how it came,
who called, the first work and its due date; communes of the user's area only); the post
registers the person and opens their case (``services/cases/calls``) and goes to the case page;
``?person=<id>`` (the case page's link) takes a call about someone already registered, whose
case it joins.
A form that cannot be used comes back with its message and everything typed kept.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext

from server.problems import Problem
from server.programme import today
from server.services.access import areas
from server.services.cases import calls, reads
from server.ui import bp
from server.ui.labels import CHANNEL_LABELS, KIND_LABELS
from server.ui.web import actor, language, required_date, signed_in_required


@bp.get("/intake")
@signed_in_required
def intake_form():
    values = {"due": today(), "commune": g.scope.commune_code}
    if request.args.get("person"):
        values["person"] = request.args["person"][:36]
    return _page(values)


@bp.post("/intake")
@signed_in_required
def take_intake():
    form = request.form
    try:
        call = calls.Call(
            channel=form.get("channel", ""), concern=form.get("concern", ""),
            caller=form.get("caller", ""), full_name=form.get("full_name", ""),
            dob=required_date(form.get("dob"), gettext("Date of birth")),
            sex=form.get("sex") if form.get("sex") in ("female", "male") else None,
            caregiver_name=form.get("caregiver_name"), phone=form.get("phone"),
            commune=form.get("commune", ""), village=form.get("village"),
            first_kind=form.get("first_kind", ""),
            due=required_date(form.get("due"), gettext("Due")) or today(),
            person_id=form.get("person") or None)
        case = calls.take(actor(), g.scope, g.user.role, call)
    except Problem as problem:
        if problem.status >= 403:  # not a typing mistake: the usual error page
            raise
        return _page(form, problem.message(language())), problem.status
    return redirect(url_for("ui.case_page", case_id=case.id))


def _page(values, error: str | None = None) -> str:
    """The form; a call about a registered person names them (reading them is audited)."""
    about = reads.get_person(actor(), g.scope, values["person"]) if values.get("person") \
        else None
    return render_template(
        "intake.html", values=values, error=error, about=about, channels=calls.CHANNELS,
        channel_labels=CHANNEL_LABELS, kinds=calls.FIRST_KINDS, kind_labels=KIND_LABELS,
        communes=areas.names(g.scope.communes))
