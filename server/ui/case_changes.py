"""Changes made from the case page beyond closing work: handing work to a collaborator,
comments, possible duplicates and registration differences.

Each is a form post (with its CSRF token) on a case of the user's area, coming back to the case
page (post/redirect/get); a case, action, duplicate or difference outside the area is the same
404 as an unknown number. Assigning gives an open action to a collaborator of the person's
commune; "needs info" sends the case back to one with a note (``services/cases/handoffs``).
A possible duplicate is merged (the user chooses which record is kept) or marked a different
person; a registration difference is resolved by keeping the record or taking the new values.
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_babel import gettext

from server import problems, programme
from server.services.cases import comments, handoffs, persons, reads
from server.ui import bp
from server.ui.web import actor, read_id, signed_in_required


def _back(case_id: int):
    return redirect(url_for("ui.case_page", case_id=case_id))


@bp.post("/cases/<int:case_id>/actions/<int:action_id>/assign")
@signed_in_required
def assign_action(case_id: int, action_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    handoffs.assign(actor(), g.scope, g.user.role, case, action_id,
                    read_id(request.form.get("user_id"), gettext("Assign to")))
    return _back(case_id)


@bp.post("/cases/<int:case_id>/needs-info")
@signed_in_required
def needs_info(case_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    handoffs.send_back(actor(), g.user.role, case,
                       read_id(request.form.get("user_id"), gettext("Collaborator")),
                       request.form.get("note", ""), programme.current())
    return _back(case_id)


@bp.post("/cases/<int:case_id>/comments")
@signed_in_required
def add_comment(case_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    comments.add(actor(), case, request.form.get("body", ""))
    return _back(case_id)


def _duplicate(case, other_id: str) -> str:
    """``other_id`` when it is a possible duplicate of the case's person the user may see."""
    if other_id not in {p.id for p in reads.duplicates_in_scope(g.scope, case.person)}:
        raise problems.duplicate_unknown()
    return other_id


@bp.post("/cases/<int:case_id>/duplicates/<other_id>/merge")
@signed_in_required
def merge_duplicate(case_id: int, other_id: str):
    case = reads.case_in_scope(g.scope, case_id)
    other = _duplicate(case, other_id)
    keep_other = request.form.get("keep") == "other"
    keep, gone = (other, case.person_id) if keep_other else (case.person_id, other)
    kept = persons.merge_persons(actor(), keep, gone)
    kept_case = reads.case_of(kept)
    return _back(kept_case.id if kept_case is not None else case_id)


@bp.post("/cases/<int:case_id>/duplicates/<other_id>/distinct")
@signed_in_required
def distinct_duplicate(case_id: int, other_id: str):
    case = reads.case_in_scope(g.scope, case_id)
    persons.mark_distinct(actor(), case.person_id, _duplicate(case, other_id))
    return _back(case_id)


@bp.post("/cases/<int:case_id>/conflicts/<int:conflict_id>")
@signed_in_required
def resolve_conflict(case_id: int, conflict_id: int):
    case = reads.case_in_scope(g.scope, case_id)
    persons.resolve_conflict(actor(), g.scope, case.person, conflict_id,
                             take_new=request.form.get("choice") == "take")
    return _back(case_id)
