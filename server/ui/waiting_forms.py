"""The import page for a phone's waiting-forms file (``/intake/waiting-forms``).

When a collaborator's phone cannot sync (its storage at risk, no signal for days), the mobile
web app exports its waiting forms to a file; a supervisor or coordinator uploads it here. The
file is checked whole (``services/intake/waiting_file.py``); a malformed one (not JSON, another
format, too large, an item without its fields) gets its message on the page and nothing of it
is received. Otherwise every item goes through the same batch as ``POST /api/v1/sync``, with
the uploader's scope, and the page lists each item: its form, accepted, duplicate or rejected,
and the result message or the reason. Never the answers. Uploading the same file again is
harmless: every item is then a duplicate.
"""

from __future__ import annotations

from dataclasses import replace

from flask import g, render_template, request

from server.problems import Problem
from server.services.intake import waiting_file
from server.ui import bp
from server.ui.web import actor, language, signed_in_required


@bp.get("/intake/waiting-forms")
@signed_in_required
def waiting_forms_page():
    return _page()


@bp.post("/intake/waiting-forms")
@signed_in_required
def import_waiting_forms():
    upload = request.files.get("file")
    try:
        data = None
        if upload is not None and upload.filename:
            with upload.stream:  # a large upload is a temporary file: closed, hence deleted
                data = upload.stream.read(waiting_file.MAX_BYTES + 1)
        waiting = waiting_file.read(data)
    except Problem as problem:
        return _page(problem=problem), problem.status
    # results (messages, reasons) in the page's language
    imported = waiting_file.take_in(actor(), replace(g.scope, language=language()), waiting)
    return _page(imported=imported)


def _page(*, problem: Problem | None = None, imported: waiting_file.Imported | None = None):
    return render_template("waiting_forms.html", problem=problem, imported=imported,
                           limit=waiting_file.MAX_MEGABYTES, lang=language())
