"""The supervisor's worklist: the open work of their area, urgent first, then overdue, then
risk, then due date (``services/cases/worklist.py``), filtered by values kept in the URL (commune,
work kind, state, due before, instrument, risk, "assigned to me") so a filtered list can be
bookmarked and shared. Reading it is audited (``reads.list_cases``).
"""

from __future__ import annotations

from datetime import date

from flask import g, render_template, request

from server.models.case import CASE_STATES
from server.services.access import areas
from server.services.cases import reads
from server.services.cases import worklist as case_worklist
from server.ui import bp
from server.ui.labels import KIND_LABELS, RISK_LABELS, STATE_LABELS, instrument_titles
from server.ui.web import actor, read_date, signed_in_required, vn_date
from sync import messages
from sync.pathway import KINDS

INSTRUMENTS = tuple(messages.TITLES)

PAGE = 50


@bp.get("/worklist")
@signed_in_required
def worklist():
    filters = _filters()
    chosen = case_worklist.Filters(**filters, open_only=True)
    page = max(_int(request.args.get("page"), 1), 1)
    cases, counted = reads.worklist_page(actor(), g.scope, chosen, limit=PAGE + 1,
                                         offset=(page - 1) * PAGE)
    communes = areas.names(g.scope.communes)
    return render_template(
        "worklist.html", cases=cases[:PAGE], more=len(cases) > PAGE, page=page,
        filters=filters,
        link_filters=_link_filters(filters), instruments=INSTRUMENTS,
        instrument_titles=instrument_titles(INSTRUMENTS),
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
        "instrument": args.get("instrument") if args.get("instrument") in INSTRUMENTS else None,
        "risk": args.get("risk") if args.get("risk") in RISK_LABELS else None,
        "assigned_to": g.user.id if args.get("mine") == "1" else None,
    }
    return {key: value for key, value in found.items() if value is not None}


def _link_filters(filters: dict) -> dict:
    """The filters as the URL says them (a page link keeps them)."""
    shown = {k: vn_date(v) if isinstance(v, date) else v for k, v in filters.items()
             if k != "assigned_to"}
    return {**shown, "mine": "1"} if "assigned_to" in filters else shown


def _int(text: str | None, default: int) -> int:
    try:
        return min(int(text or default), 100_000)
    except ValueError:
        return default
