"""Trying a form in the browser before devices fill it: ODK Web Forms, scored, nothing stored.

For a published version, and the same four routes for a draft under
``/admin/forms/drafts/<id>/try`` (:func:`add_trial_routes`)::

    GET  /admin/forms/versions/<id>/try               the page: Web Forms renders the XForm
    GET  /admin/forms/versions/<id>/try/form.xml      the XForm, from this origin
    GET  /admin/forms/versions/<id>/try/media/<name>  a file the form names (attached, or the
                                                      trial's communes.csv and empty cases.csv)
    POST /admin/forms/versions/<id>/try/score         instance XML in (``xml_submission_file``,
                                                      with the CSRF token) -> the result as an
                                                      HTML fragment, labelled "not stored"

The score is ``services/forms/trial.py``: the same pure scoring and pathway as a real merge,
and nothing written but the audit row. A refusal is the same fragment with the problem, in the
page's language, with a 4xx status. Only coordinators and admins (403.50); a version not
offered in the user's area is 404.15.

How Web Forms is embedded (no Node at run time): ``make`` copies from npm, as pinned in
package-lock.json, ``@getodk/web-forms``' ES modules (``dist/*.js``, which bundle PrimeVue,
OpenLayers and the XForms engine and import only ``vue``) into ``static/vendor/web-forms/``
and Vue's runtime-only browser build into ``static/vendor/``. The page maps the bare names
``vue`` and ``@getodk/web-forms`` to those files with an import map, and our glue
(``static/form_trial.js``) mounts the component, after the XML fix-ups that /m/ shares
(``static/web_forms_fixes.js``, mapped as ``sangloc-web-forms-fixes``). The page's policy
differs from the others (:func:`trial_csp`) in these places only, everything still from this
origin:

- ``script-src`` allows that one import map by its hash: an import map must be inline
  (browsers do not load one from a file);
- ``script-src 'wasm-unsafe-eval'``: the XForms engine parses XPath with WebAssembly
  (tree-sitter, embedded in the bundle); this allows compiling WebAssembly, not ``eval``;
- ``style-src 'unsafe-inline'``: Web Forms writes its styles (its CSS, a reset, PrimeVue's
  theme) into ``<style>`` elements at run time and takes no nonce for them;
- ``font-src data:``: its CSS embeds its fonts as ``data:`` URLs.

Web Forms 0.22 links a question's label to a wrapper rather than to a date input or a select,
so the glue names those controls (``aria-labelledby``); ``sangloc.css`` keeps Pico's button
look off Web Forms' group titles and darkens two of its colours to pass WCAG AA contrast.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, g, render_template, request, url_for

from server import problems, programme
from server.problems import Problem
from server.services.access import staff
from server.services.forms import trial
from server.services.forms.trial import TrialTarget
from server.services.programme import settings
from server.ui import bp
from server.ui.labels import (
    DATE_SOURCES,
    FLAG_LABELS,
    KIND_LABELS,
    RISK_LABELS,
    SUBSCALE_BANDS,
    SUBSCALE_LABELS,
    age_words,
    instrument_titles,
)
from server.ui.web import CSP, actor, coordinator_required, language, signed_in_required
from sync import messages

#: the bare name and file (under ``static/``) of the fix-ups every page embedding Web Forms
#: applies to a form's XML (``web_forms_fixes.js``: date() of a cases.csv path); /m/ uses it too
FIXES_MODULE, FIXES_FILE = "sangloc-web-forms-fixes", "web_forms_fixes.js"

#: kind -> a loader: the route's arguments -> what is tried (404.15 when it is not the user's)
Loader = Callable[..., TrialTarget]


def importmap() -> str:
    """The page's import map (bare module names -> our copies), as the page writes it."""
    def vendor(path: str) -> str:
        return url_for("ui.static", filename=f"vendor/{path}")
    return json.dumps({"imports": {"vue": vendor("vue.runtime.esm-browser.prod.js"),
                                   "@getodk/web-forms": vendor("web-forms/index.js"),
                                   FIXES_MODULE: url_for("ui.static", filename=FIXES_FILE)}})


def trial_csp(inline_script: str) -> str:
    """The other pages' policy, relaxed for Web Forms where the module docstring says."""
    digest = base64.b64encode(hashlib.sha256(inline_script.encode()).digest()).decode()
    return CSP.replace("script-src 'self'",
                       f"script-src 'self' 'sha256-{digest}' 'wasm-unsafe-eval'") \
        .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'; font-src 'self' data:")


def add_trial_routes(kind: str, rule: str, load: Loader) -> None:
    """The four trial routes under ``rule`` (e.g. ``/admin/forms/drafts/<int:draft_id>/try``),
    endpoints ``ui.<kind>_trial``, ``_trial_form``, ``_trial_media``, ``_trial_score``."""

    def target(args: dict[str, Any]) -> TrialTarget:
        coordinator_required()
        return load(**args)

    def page(**args: Any):
        tried = target(args)
        script = importmap()
        g.csp = trial_csp(script)
        urls = {name: url_for(f"ui.{kind}_trial_{name}", **args) for name in ("form", "score")}
        urls["media"] = url_for(f"ui.{kind}_trial_media", filename="-", **args)[:-1]
        return render_template("form_trial.html", target=tried, importmap=script, urls=urls)

    def form(**args: Any):
        return Response(target(args).xml, mimetype="text/xml",
                        headers={"Cache-Control": "no-store"})

    def media(filename: str, **args: Any):
        found = trial.trial_media(target(args), g.scope, filename)
        return Response(found.data, mimetype=found.content_type,
                        headers={"Cache-Control": "no-store"})

    def score(**args: Any):
        try:
            config = settings.programme_for_scope(g.scope, programme.current())
            result = trial.score_trial(actor(), target(args), _instance(), config,
                                       today=programme.today(), language=language())
        except Problem as problem:
            return _fragment(problem=problem), problem.status
        return _fragment(result=result)

    for suffix, view, methods, path in (("", page, ["GET"], ""),
                                        ("_form", form, ["GET"], "/form.xml"),
                                        ("_media", media, ["GET"], "/media/<filename>"),
                                        ("_score", score, ["POST"], "/score")):
        bp.add_url_rule(rule + path, f"{kind}_trial{suffix}", signed_in_required(view),
                        methods=methods)


def _instance() -> bytes:
    """The posted instance (the ``xml_submission_file`` part, as Web Forms names it)."""
    upload = request.files.get("xml_submission_file")
    if upload is None:
        raise problems.submission_file_missing()
    with upload.stream:
        return upload.stream.read(trial.MAX_INSTANCE_BYTES + 1)


def _fragment(**shown: Any) -> str:
    result = shown.get("result")
    instrument = getattr(result, "instrument_id", None)
    english = 1 if language() == "en" else 0
    band = messages.BAND_WORDS.get(instrument or "", {}).get(getattr(result, "band", "") or "")
    return render_template(
        "_form_trial_result.html", title=instrument_titles([instrument]).get(instrument)
        if instrument else None, band_words=band[english] if band else None,
        kind_labels=KIND_LABELS, risk_labels=RISK_LABELS, flag_labels=FLAG_LABELS,
        subscale_labels=SUBSCALE_LABELS, subscale_bands=SUBSCALE_BANDS,
        date_sources=DATE_SOURCES, age_words=age_words, **shown)


def load_version(version_id: int) -> TrialTarget:
    """A published version, within the user's area."""
    return trial.version_target(g.scope, version_id, current_app.extensions["sangloc_blobs"])


add_trial_routes("version", "/admin/forms/versions/<int:version_id>/try", load_version)


def load_draft(draft_id: int) -> TrialTarget:
    """A draft the user may manage (the forms pages' rule)."""
    return trial.draft_target(staff.Manager.of(g.user, g.scope), draft_id,
                              current_app.extensions["sangloc_blobs"])


add_trial_routes("draft", "/admin/forms/drafts/<int:draft_id>/try", load_draft)
