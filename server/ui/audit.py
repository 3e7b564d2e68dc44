"""The audit view: an admin reads who read or changed what (``services/audit_trail.py``).

``GET /admin/audit`` lists the audit rows the admin may see (their area's, or all of them for
an admin of the whole country), newest first, 50 to a page, filtered by values kept in the URL:
``user`` (a username), ``person`` (a record id), ``action`` (``person.read``, or a family such
as ``person``), ``from`` and ``to`` (dd/mm/yyyy, Vietnam's dates). A filter that cannot be
read answers the page with its problem and no rows (400.26, 400.73; 404.6 for an unknown
username). Each viewing is audited. Only admins (403.4 for anyone else signed in). The rows may
be read from the read replica (``server/replica.py``), a few seconds behind.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import g, render_template, request
from flask_babel import gettext

from server import problems
from server.problems import Problem
from server.programme import VIETNAM
from server.replica import lag_tolerant
from server.services import audit_trail
from server.ui import bp
from server.ui.web import actor, required_date, signed_in_required

_PERSON = re.compile(r"[A-Za-z0-9-]{1,36}")
_ACTION = re.compile(r"[a-z_.]{1,60}")
_USERNAME_LIMIT = 80
_LAST_PAGE = 100_000


@bp.app_template_filter("vn_moment")
def vn_moment(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


@bp.get("/admin/audit")
@signed_in_required
@lag_tolerant
def audit_page():
    if g.user.role != "admin":
        raise problems.admin_only()
    asked = {key: request.args.get(key, "").strip() for key in
             ("user", "person", "action", "from", "to")}
    try:
        filters = _filters(asked)
        rows, more = audit_trail.list_events(actor(), g.scope, filters, _page())
    except Problem as problem:
        return render_template("audit.html", asked=asked, rows=[], more=False, page=1, links={},
                               problem=problem), problem.status
    return render_template("audit.html", asked=asked, rows=rows, more=more, page=_page(),
                           links={k: v for k, v in asked.items() if v})


def _filters(asked: dict[str, str]) -> audit_trail.Filters:
    person, action = asked["person"] or None, asked["action"] or None
    if person is not None and not _PERSON.fullmatch(person):
        raise problems.audit_filter_unreadable(gettext("Person"))
    if action is not None and not _ACTION.fullmatch(action):
        raise problems.audit_filter_unreadable(gettext("Action"))
    return audit_trail.Filters(
        user=asked["user"][:_USERNAME_LIMIT] or None, person=person, action=action,
        since=required_date(asked["from"], gettext("From")),
        until=required_date(asked["to"], gettext("To")))


def _page() -> int:
    text = request.args.get("page", "")
    return min(int(text), _LAST_PAGE) if text.isascii() and text.isdigit() and \
        0 < len(text) < 7 and int(text) > 0 else 1
