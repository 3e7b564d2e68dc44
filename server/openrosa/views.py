"""OpenRosa routes. Each view: read the request -> one service call -> an XML response.

Protocol quirks handled here, with their source in openrosa.md:
- ``deviceID`` query parameter and Collect's 12-hour ``Date`` header are ignored (b.1);
- ``HEAD /submission`` answers 204, which Collect requires (a.8); Flask would otherwise answer a
  HEAD with the GET view's 200, so HEAD is declared explicitly; its token may be answered from
  the tokens verified for a HEAD in the last few seconds (``recent_tokens.py``), never a POST's;
- the XML part is read from files, or from form fields when it came without a filename (a.9);
- attachment names are matched exactly, unsanitised, re-decoded when a client sent raw UTF-8
  that the multipart parser read as Latin-1 (a.9).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, g, request, url_for

import forms
from server import problems, security
from server.openrosa import RECENT_TOKENS, bp, multipart
from server.openrosa.responses import error_response, message_response, xml_response
from server.services.access import devices
from server.services.audit import Actor
from server.services.cases import case_list
from server.services.forms import device_forms, media
from server.services.intake import receive, store
from sync import result_message

# Routes that must carry X-OpenRosa-Version: 1.0 (a.1); downloads need not.
_VERSIONED_ENDPOINTS = {"openrosa.form_list", "openrosa.manifest", "openrosa.submission",
                        "openrosa.submission_head",
                        "openrosa.integrity"}


@bp.url_value_preprocessor
def _pop_token(_endpoint, values) -> None:
    g.token = values.pop("token", None) if values else None


@bp.before_request
def _authenticate() -> None:
    g.device = None
    if request.endpoint == "openrosa.submission":
        return  # the view authenticates, with the version look-up (``_authenticate_submission``)
    _authenticate_device()


def _authenticate_device() -> None:
    """The device of the URL's token (401.1/403.1, 429.1 when throttled), then the
    X-OpenRosa-Version header (400): in this order on every route."""
    agent = request.headers.get("User-Agent")
    with security.checked_token():  # 429.1 for an address sending wrong tokens (security.py)
        if request.endpoint == "openrosa.submission_head":
            g.device = devices.authenticate_head(
                g.token or "", current_app.extensions[RECENT_TOKENS], user_agent=agent)
        else:
            g.device = devices.authenticate_token(
                g.token or "", read_only=request.method in ("GET", "HEAD"), user_agent=agent)
    _check_version_header()


def _check_version_header() -> None:
    if request.endpoint in _VERSIONED_ENDPOINTS and \
            request.headers.get("X-OpenRosa-Version", "").strip() != "1.0":
        raise problems.openrosa_version_missing()


@bp.url_defaults
def _keep_token(_endpoint, values) -> None:
    values.setdefault("token", g.token)


bp.register_error_handler(Exception, error_response)


def _actor() -> Actor:
    return Actor("app_user", g.device.app_user_id, request.remote_addr)


def _blobs():
    return current_app.extensions["sangloc_blobs"]


def _base_url() -> str:
    """This device's server URL (``.../key/<token>``), built once per request."""
    return url_for("openrosa.form_list", _external=True).removesuffix("/formList")


@bp.get("/formList")
def form_list():
    base = _base_url()
    entries = [
        forms.FormListEntry(
            form_id=f.form_id, name=f.title or f.form_id, version=f.version or None,
            hash_md5=f.md5, download_url=f"{base}/forms/{quote(f.form_id, safe='')}.xml",
            manifest_url=f"{base}/forms/{quote(f.form_id, safe='')}/manifest"
            if f.has_media else None)
        for f in device_forms.list_forms_for(g.device, request.args.get("formID"))]
    return xml_response(forms.render_form_list(entries), no_store=True)


@bp.get("/forms/<form_id>.xml")
def form_xml(form_id: str):
    return xml_response(device_forms.get_current_version(g.device, form_id).xml)


@bp.get("/forms/<form_id>/manifest")
def manifest(form_id: str):
    version = device_forms.get_current_version(g.device, form_id)
    folder = f"{_base_url()}/forms/{quote(form_id, safe='')}/attachments"
    integrity = f"{_base_url()}/datasets/cases/integrity"
    entries = [
        forms.MediaFileEntry(filename=f.filename, hash_md5=f.md5,
                             download_url=f"{folder}/{quote(f.filename)}",
                             entity_list=f.entity_list,
                             integrity_url=integrity if f.entity_list else None)
        for f in media.media_for(version, g.device)]
    return xml_response(forms.render_manifest(entries), no_store=True)


@bp.get("/forms/<form_id>/attachments/<path:filename>")
def media_file(form_id: str, filename: str):
    version = device_forms.get_current_version(g.device, form_id)
    found = media.get_media(version, g.device, _blobs(), filename)
    response = current_app.response_class(found.data, content_type=found.content_type)
    response.set_etag(found.md5)
    response.headers["X-OpenRosa-Version"] = "1.0"
    return response.make_conditional(request)


@bp.get("/datasets/cases/integrity")
def integrity():
    """Which of the listed people still exist for this device (openrosa.md a.7)."""
    ids = [i for i in request.args.get("id", "").split(",") if i]
    states = case_list.deleted_states(ids, g.device)
    return xml_response(forms.render_integrity(states), no_store=True)


@bp.route("/submission", methods=["HEAD"])
def submission_head():
    response = xml_response(b"", 204)
    response.headers.pop("Content-Type", None)
    return response


@bp.post("/submission")
def submission():
    try:
        xml, files = _read_small_body() or (_read_xml_part(), _read_files())
    except Exception:
        _authenticate_device()  # a bad token or header is answered before a bad body
        raise
    upload = store.Upload(
        xml=xml, files=files, device_id=request.args.get("deviceID"),
        user_agent=request.headers.get("User-Agent"))
    known = _authenticate_submission(xml)
    receipt, result = receive.receive(_actor(), g.device, upload, known=known)
    english = g.device.language == "en" or receipt.target.english
    text = result_message(result.outcome if result else None, result.actions if result else (),
                          "en" if english else "vi", result.state if result else None)
    return message_response(text, 201)


def _authenticate_submission(xml: bytes) -> store.Known | None:
    """``_authenticate_device`` for a submission: when the XML parses, the device and the
    version it names are read in one query (their checks and answers as before: token, header,
    then in ``receive`` the version); when it does not, the device is read alone and ``receive``
    parses again and answers the parse error, counted as before."""
    try:
        parsed = store.parse_upload(xml)
    except Exception:  # answered by ``receive``, after the token is checked
        _authenticate_device()
        return None
    with security.checked_token():
        rows = device_forms.device_and_version(g.token or "", parsed.form_id, parsed.version)
        g.device = devices.scope_of(rows[0] if rows else None,
                                    request.headers.get("User-Agent"))
    _check_version_header()
    return store.Known(parsed, rows)


def _read_small_body() -> tuple[bytes, dict[str, tuple[bytes, str | None]]] | None:
    """The common case, a small body, split in memory (``multipart.py``); None otherwise."""
    length = request.content_length
    if not length or length > multipart.LIMIT:
        return None
    parts = multipart.parse_small(request.get_data(cache=True), request.content_type or "")
    if parts is None:
        return None  # Werkzeug parses the cached body instead
    xml = next((p.data for p in parts if p.name == "xml_submission_file"), None)
    if xml is None:
        raise problems.submission_file_missing()
    files = {p.filename: (p.data, p.content_type) for p in parts
             if p.filename is not None and p.name != "xml_submission_file"}
    return xml, files


def _read_xml_part() -> bytes:
    part = request.files.get("xml_submission_file")
    if part is not None:
        return part.read()
    text = request.form.get("xml_submission_file")
    if text:
        return text.encode("utf-8")
    raise problems.submission_file_missing()


def _read_files() -> dict[str, tuple[bytes, str | None]]:
    files = {}
    for key, part in request.files.items(multi=True):
        if key == "xml_submission_file":
            continue
        files[_utf8_name(part.filename or key)] = (part.read(), part.mimetype or None)
    return files


def _utf8_name(name: str) -> str:
    """Undo a Latin-1 reading of a raw UTF-8 file name; leave real names untouched."""
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name

