"""The supervisor's worklist: the open work of their area, urgent first, then overdue, then
risk, then due date (``services/cases/worklist.py``), filtered by values kept in the URL so a
filtered list can be bookmarked and shared. Reading it is audited (``reads.list_cases``).
"""

from __future__ import annotations

from datetime import date

from flask import g, render_template, request
from flask_babel import lazy_gettext as _l

from server.models.case import CASE_STATES
from server.programme import today
from server.services.access import areas
from server.services.cases import reads
from server.services.cases import worklist as case_worklist
from server.ui import bp
from server.ui.web import actor, read_date, signed_in_required, vn_date
from sync.pathway import KINDS

PAGE = 50
KIND_LABELS = {
    "safety_contact": _l("Safety contact today"), "referral": _l("Referral"),
    "assessment": _l("Assessment"), "followup_interview": _l("Follow-Up interview"),
    "rescreen": _l("Rescreen"), "review": _l("Review the form"),
    "referral_followup": _l("Follow the referral up"),
}
RISK_LABELS = {"urgent": _l("Urgent"), "high": _l("High"), "medium": _l("Medium"),
               "low": _l("Low"), "none": _l("None")}
STATE_LABELS = {"new": _l("New"), "in_review": _l("In review"), "needs_info": _l("Needs info"),
                "referred": _l("Referred"), "monitoring": _l("Monitoring"),
                "closed": _l("Closed")}


@bp.get("/worklist")
@signed_in_required
def worklist():
    filters = {**_filters(), "open_only": True}
    page = max(_int(request.args.get("page"), 1), 1)
    cases = reads.list_cases(actor(), g.scope, limit=PAGE + 1, offset=(page - 1) * PAGE,
                             **filters)
    communes = areas.names(g.scope.communes)
    counted = case_worklist.counts(g.scope, today(), **filters)
    return render_template(
        "worklist.html", cases=cases[:PAGE], more=len(cases) > PAGE, page=page,
        filters=filters,
        link_filters={k: vn_date(v) if isinstance(v, date) else v for k, v in filters.items()
                      if k != "open_only"},
        kinds=KINDS, states=CASE_STATES, communes=communes, counts=counted,
        kind_labels=KIND_LABELS, risk_labels=RISK_LABELS, state_labels=STATE_LABELS)


def _filters() -> dict:
    """Known values only: anything else in the URL is ignored rather than refused."""
    args = request.args
    found = {
        "state": args.get("state") if args.get("state") in CASE_STATES else None,
        "kind": args.get("kind") if args.get("kind") in KINDS else None,
        "commune": args.get("commune") if args.get("commune") in g.scope.communes else None,
        "due_before": read_date(args.get("due_before")),
    }
    return {key: value for key, value in found.items() if value is not None}


def _int(text: str | None, default: int) -> int:
    try:
        return min(int(text or default), 100_000)
    except ValueError:
        return default
