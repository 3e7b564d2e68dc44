"""Managing published forms: state changes, area assignments and media attachments.

What a device may see of these forms is in ``device_forms``; publishing is in ``publishing``.
"""

from __future__ import annotations

import hashlib
import mimetypes

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import Form, FormAssignment, FormAttachment, FormVersion
from server.models.form import FORM_STATES
from server.services.access import areas
from server.services.audit import Actor, record_event
from server.storage import BlobStore


def get_version(form: Form, version: str | None) -> FormVersion:
    """The published version ``version`` of ``form``."""
    found = db.session.scalar(select(FormVersion).where(
        FormVersion.form_id == form.id, FormVersion.version == (version or "")))
    if found is None:
        raise problems.form_has_no_version(form.xml_form_id, version or "")
    return found


def _form(form_id: str) -> Form:
    form = db.session.scalar(select(Form).where(Form.xml_form_id == form_id))
    if form is None:
        raise problems.form_unknown(form_id)
    return form


def set_form_state(actor: Actor, form_id: str, state: str) -> Form:
    if state not in FORM_STATES:
        raise problems.form_state_unknown(state, FORM_STATES)
    form = _form(form_id)
    if form.state != state:
        record_event(actor, "form.state", "form", form.id, before=form.state, after=state)
        form.state = state
        db.session.flush()
    return form


def assign_form(actor: Actor, form_id: str, area_codes: list[str]) -> Form:
    """Limit a form to areas; an empty list offers it everywhere again."""
    form = _form(form_id)
    for code in area_codes:
        areas.get_unit(code)
    form.assignments = [FormAssignment(area_code=code) for code in sorted(set(area_codes))]
    record_event(actor, "form.assign", "form", form.id, areas=sorted(set(area_codes)))
    db.session.flush()
    return form


def attach_media(actor: Actor, blobs: BlobStore, form_id: str, filename: str, data: bytes,
                 version: str | None = None) -> FormAttachment:
    """Attach a media file the form version references (replacing one of the same name)."""
    form = _form(form_id)
    target = form.current_version if version is None else get_version(form, version)
    if filename not in target.media:
        raise problems.media_not_used(form_id, target.version, filename, target.media)
    existing = {a.filename: a for a in target.attachments}.get(filename)
    sha256 = blobs.put(data)
    values = {"content_type": mimetypes.guess_type(filename)[0] or "application/octet-stream",
              "blob_sha256": sha256, "size": len(data),
              "md5": hashlib.md5(data, usedforsecurity=False).hexdigest()}
    if existing is None:
        existing = FormAttachment(form_version_id=target.id, filename=filename, **values)
        target.attachments.append(existing)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
    record_event(actor, "form.attach", "form_version", target.id, filename=filename,
                 sha256=sha256)
    db.session.flush()
    return existing
