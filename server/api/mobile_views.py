"""What the mobile web app (``/m/``) needs besides sync: signing in and out, who it works for,
and its forms (list, XForm, media).

``POST /api/v1/session`` is the one call without a bearer token: a collaborator's username and
password (throttled and audited like the web sign-in, ``services/access/sessions.py``) give an
ordinary 90-day API token. ``DELETE /api/v1/session`` revokes the API token used; a device
link's token is left alone (the coordinator revokes devices). The forms are the ones a device
of the caller's scope gets over OpenRosa (``services/forms/app_forms.py``).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, g, request, url_for

from server.api import bp
from server.api.auth import actor
from server.api.errors import error_body, language
from server.api.schemas import (
    FormListSchema,
    FormPathSchema,
    MediaPathSchema,
    MeSchema,
    SessionRequestSchema,
    SessionSchema,
)
from server.problems import Problem
from server.services.access import api_tokens, bearer, sessions
from server.services.audit import Actor, record_event
from server.services.forms import app_forms

TOKEN_DAYS = 90


@bp.post("/session")
@bp.arguments(SessionRequestSchema)
@bp.response(201, SessionSchema)
def create_session(body):
    """Sign in to the mobile web app (collaborators only); no bearer token needed."""
    address = request.remote_addr
    try:
        user = sessions.sign_in_app(body["username"], body["password"], address)
    except Problem as problem:
        record_event(Actor("anonymous", None, address), "user.sign_in_refused", "user", "*",
                     code=problem.code, channel="mobile")
        # answered, not raised: the refusal's audit row is committed with the request
        return error_body(problem.code, problem.status, problem.message(language()))
    who = Actor("user", user.id, address)
    record_event(who, "user.sign_in", "user", user.id, channel="mobile")
    token, expires_at = api_tokens.issue_token(who, user, TOKEN_DAYS)
    return {"token": token, "expires_at": expires_at,
            "me": bearer.me(bearer.resolve(token))}


@bp.delete("/session")
@bp.response(204)
def delete_session():
    """Sign out: revoke the API token used (a device link's token stays valid)."""
    if not g.caller.device:
        api_tokens.revoke_presented(actor(), g.token)
        record_event(actor(), "user.sign_out", "user", g.user.id, channel="mobile")
    return ""


@bp.get("/me")
@bp.response(200, MeSchema)
def get_me():
    return bearer.me(g.caller)


@bp.get("/forms")
@bp.response(200, FormListSchema)
def list_forms():
    """The open forms of the caller's scope, with their files (never ``cases.csv``)."""
    return {"forms": [
        {"form_id": f.form_id, "version": f.version, "title": f.title, "hash": _md5(f.md5),
         "xml_url": url_for("api.form_xml", form_id=f.form_id),
         "case_list": f.case_list,
         "media": [{"name": m.filename, "hash": _md5(m.md5),
                    "url": f"{url_for('api.form_xml', form_id=f.form_id).removesuffix('/xml')}"
                           f"/media/{quote(m.filename)}"} for m in f.media]}
        for f in app_forms.forms_for(g.scope)]}


@bp.get("/forms/<form_id>/xml")
@bp.arguments(FormPathSchema, location="path", as_kwargs=True)
@bp.response(200, content_type="text/xml")
def form_xml(form_id: str):
    version = app_forms.current_version(g.scope, form_id)
    return current_app.response_class(version.xml, content_type="text/xml; charset=utf-8")


@bp.get("/forms/<form_id>/media/<path:name>")
@bp.arguments(MediaPathSchema, location="path", as_kwargs=True)
@bp.response(200, content_type="application/octet-stream")
def form_media(form_id: str, name: str):
    found = app_forms.media_file(g.scope, form_id, name, current_app.extensions["sangloc_blobs"])
    response = current_app.response_class(found.data, content_type=found.content_type)
    response.set_etag(found.md5)
    return response.make_conditional(request)


def _md5(digest: str) -> str:
    return "md5:" + digest.removeprefix("md5:")
