"""Form drafts: an uploaded XLSForm or XForm, converted and checked, not yet served to devices.

``create_draft`` converts the upload (pyxform), makes every check publishing makes
(``publishing.check_xform``: version present, new and after the current one, field types
unchanged, JavaRosa, the instrument binding) and stores the result as the form id's one draft
(a new upload replaces it, keeping the media files attached to it that the new one still
names). A refusal stores nothing; a pyxform or JavaRosa refusal is a problem whose data says
where the mistake is (``forms.locate``: sheet, row, column letter and header, field path) and
what the tool said in its own words (``detail``). ``publish_draft`` publishes the draft's XForm
through ``publishing.publish_xform`` (the checks run again: something may have been published
meanwhile), carries the media files onto the new version (the draft's, else the current
version's file of the same name), assigns a new form uploaded by a coordinator to that
coordinator's areas, and removes the draft. A draft is never a ``FormVersion``, so formList,
the manifest and submissions never see it.

Who may do what is ``management``'s rule, checked here when a ``manager`` is given (the pages
give one; the CLI and tests may act as the system with none). Every change is audited; these
functions flush, never commit.
"""

from __future__ import annotations

import hashlib
import io
import mimetypes
import zipfile
from pathlib import PurePosixPath

from sqlalchemy import select

import forms
from forms.locate import Location, locate_error
from server import problems
from server.extensions import db
from server.models import FormAttachment, FormDraft, FormDraftAttachment, FormVersion
from server.problems import Problem
from server.services.access.staff import Manager
from server.services.audit import Actor, record_event
from server.services.forms import management, publishing
from server.services.forms.media import GENERATED
from server.storage import BlobStore

MAX_FORM_BYTES = 10_000_000
MAX_MEDIA_BYTES = 20_000_000
MAX_UNPACKED = 100_000_000  # an .xlsx that unpacks to more is refused before pyxform reads it
NAME_LIMIT = 300
XLSFORM_SUFFIXES = forms.xlsform.SUPPORTED_SUFFIXES
SUFFIXES = (*XLSFORM_SUFFIXES, *publishing.XFORM_SUFFIXES)
_MAGIC = {".xlsx": b"PK\x03\x04", ".xlsm": b"PK\x03\x04", ".xls": b"\xd0\xcf\x11\xe0"}


def get_draft(draft_id: int, manager: Manager | None = None) -> FormDraft:
    """The draft ``draft_id`` (404.80 when there is none); with a ``manager``, 403.80 unless
    they may manage it."""
    draft = db.session.get(FormDraft, draft_id)
    if draft is None:
        raise problems.draft_unknown(draft_id)
    if manager is not None:
        management.check_draft(manager, draft)
    return draft


def draft_for_form(xml_form_id: str) -> FormDraft | None:
    return db.session.scalar(select(FormDraft).where(FormDraft.xml_form_id == xml_form_id))


def shown_name(filename: str) -> str:
    """An uploaded file's base name, printable, at most ``NAME_LIMIT`` characters."""
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    return "".join(ch for ch in base if ch.isprintable()).strip()[:NAME_LIMIT]


def create_draft(actor: Actor, data: bytes, filename: str, *, strict: bool,
                 manager: Manager | None = None) -> FormDraft:
    """Convert, check and store an upload as its form's draft (replacing an earlier one)."""
    name = _checked_upload(data, filename)
    xml, warnings = _convert(data, name)
    checked = _checked(xml, data, name, strict=strict)
    info = checked.info
    earlier = draft_for_form(info.form_id)
    if manager is not None:
        management.check_form_id(manager, info.form_id)
        if earlier is not None:
            management.check_draft(manager, earlier)
    kept = _kept_media(earlier, info.media)
    if earlier is not None:
        db.session.delete(earlier)
        db.session.flush()
    draft = FormDraft(
        xml_form_id=info.form_id, version=info.version or "", title=info.title, xml=xml,
        md5=hashlib.md5(xml, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(xml).hexdigest(), source=data, source_filename=name,
        fields=publishing.field_types(info), media=list(info.media),
        default_language=info.default_language,
        binding=checked.binding.to_data() if checked.binding else None,
        warnings=list(warnings), validated=checked.validated,
        area_codes=_new_form_areas(manager) if checked.form is None else None,
        uploaded_by=actor.id if actor.type == "user" else None, attachments=kept)
    db.session.add(draft)
    db.session.flush()
    record_event(actor, "form.draft_upload", "form_draft", draft.id, form_id=info.form_id,
                 version=draft.version, filename=name, sha256=draft.sha256,
                 replaced=earlier.id if earlier is not None else None)
    return draft


def _checked_upload(data: bytes, filename: str) -> str:
    name = shown_name(filename)
    suffix = PurePosixPath(name).suffix.lower()
    if not name or suffix not in SUFFIXES:
        raise problems.form_upload_unsupported(name or "-")
    if not data:
        raise problems.form_upload_missing()
    if len(data) > MAX_FORM_BYTES:
        raise problems.upload_too_large(MAX_FORM_BYTES)
    magic = _MAGIC.get(suffix)
    if magic is not None and not data.startswith(magic):
        raise problems.form_upload_unreadable(name)
    if magic == _MAGIC[".xlsx"]:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                unpacked = sum(item.file_size for item in archive.infolist())
        except zipfile.BadZipFile:
            raise problems.form_upload_unreadable(name) from None
        if unpacked > MAX_UNPACKED:  # a small file that unpacks to gigabytes
            raise problems.upload_too_large(MAX_FORM_BYTES)
    return name


def _convert(data: bytes, name: str) -> tuple[bytes, tuple[str, ...]]:
    if name.lower().endswith(publishing.XFORM_SUFFIXES):
        return data, ()
    try:
        conversion = forms.convert_xlsform(data, name)
    except forms.FormError as exc:
        raise located_problem(exc, data, name) from exc
    return conversion.xml, tuple(conversion.warnings)


def _checked(xml: bytes, source: bytes, name: str, *, strict: bool) -> publishing.Checked:
    try:
        return publishing.check_xform(xml, strict=strict)
    except Problem as problem:
        cause = problem.__cause__
        if isinstance(cause, forms.FormError) and cause.code == "javarosa_invalid":
            workbook = None if name.lower().endswith(publishing.XFORM_SUFFIXES) else source
            raise located_problem(cause, workbook, name) from cause
        raise


def located_problem(error: forms.FormError, workbook: bytes | None, name: str) -> Problem:
    """The problem for a pyxform or JavaRosa refusal, its location and own words as data."""
    if error.code not in ("xlsform_invalid", "javarosa_invalid"):
        return publishing.form_problem(error)
    found = locate_error(error, workbook, name)
    where = _where(found, error)
    named = {"unknown_function": problems.form_unknown_function,
             "unknown_reference": problems.form_unknown_reference,
             "duplicate_name": problems.form_duplicate_name,
             "unknown_type": problems.form_unknown_type}
    if found.kind in named and found.name:
        return named[found.kind](found.name, where)
    if found.kind == "expression_syntax":
        return problems.form_expression_syntax(where)
    if error.code == "javarosa_invalid":
        return problems.javarosa_refused_located(where)
    return problems.xlsform_refused(where)


def _where(found: Location, error: forms.FormError) -> dict[str, object]:
    detail = error.message.removeprefix("XLSForm error: ")
    detail = detail.removeprefix("JavaRosa rejected the form: ")
    return {"sheet": found.sheet, "row": found.row, "column": found.column,
            "header": found.header, "field": found.field, "reason": error.code,
            "detail": detail[:2000]}


def _new_form_areas(manager: Manager | None) -> list[str] | None:
    """A new form uploaded by a coordinator is offered in their areas; by an admin (or the
    system), everywhere."""
    if manager is None or manager.role == "admin":
        return None
    return sorted(manager.held)


def _kept_media(earlier: FormDraft | None, names: tuple[str, ...]) -> list[FormDraftAttachment]:
    if earlier is None:
        return []
    return [FormDraftAttachment(filename=a.filename, content_type=a.content_type,
                                blob_sha256=a.blob_sha256, md5=a.md5, size=a.size,
                                attached_at=a.attached_at)
            for a in earlier.attachments if a.filename in names]


def attach_draft_media(actor: Actor, blobs: BlobStore, draft_id: int, filename: str,
                       data: bytes, manager: Manager | None = None) -> FormDraftAttachment:
    """Attach a media file the draft's XForm names (replacing one of the same name)."""
    draft = get_draft(draft_id, manager)
    name = shown_name(filename)
    if name not in draft.media:
        raise problems.media_not_used(draft.xml_form_id, draft.version, name or "-", draft.media)
    if len(data) > MAX_MEDIA_BYTES:
        raise problems.upload_too_large(MAX_MEDIA_BYTES)
    sha256 = blobs.put(data)
    values = {"content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
              "blob_sha256": sha256, "size": len(data),
              "md5": hashlib.md5(data, usedforsecurity=False).hexdigest()}
    attachment = next((a for a in draft.attachments if a.filename == name), None)
    if attachment is None:
        attachment = FormDraftAttachment(filename=name, **values)
        draft.attachments.append(attachment)
    else:
        for key, value in values.items():
            setattr(attachment, key, value)
    record_event(actor, "form.draft_attach", "form_draft", draft.id, filename=name,
                 sha256=sha256)
    db.session.flush()
    return attachment


def media_status(draft: FormDraft, current: FormVersion | None) -> list[tuple[str, str]]:
    """(file name, where it comes from) for each file the draft names: ``draft`` (attached
    to it), ``current`` (the current version's file, carried over), ``generated`` (made per
    device by the server) or ``missing``."""
    attached = {a.filename for a in draft.attachments}
    carried = {a.filename for a in current.attachments} if current is not None else set()
    status = []
    for name in draft.media:
        state = "draft" if name in attached else "current" if name in carried else \
            "generated" if name in GENERATED else "missing"
        status.append((name, state))
    return status


def publish_draft(actor: Actor, draft_id: int, *, strict: bool,
                  manager: Manager | None = None) -> FormVersion:
    """Publish the draft as its form's new current version and remove the draft."""
    draft = get_draft(draft_id, manager)
    previous = management.current_version(draft.xml_form_id)
    published = publishing.publish_xform(actor, draft.xml, draft.source_filename,
                                         strict=strict, warnings=tuple(draft.warnings))
    version = published.version
    _carry_media(draft, previous, version)
    if previous is None and draft.area_codes:
        management.assign_areas(actor, draft.xml_form_id, draft.area_codes)
    record_event(actor, "form.draft_publish", "form_draft", draft.id,
                 form_id=draft.xml_form_id, version=draft.version, form_version=version.id)
    db.session.delete(draft)
    db.session.flush()
    return version


def _carry_media(draft: FormDraft, previous: FormVersion | None, version: FormVersion) -> None:
    sources = {a.filename: a for a in previous.attachments} if previous is not None else {}
    sources.update({a.filename: a for a in draft.attachments})
    for name in version.media:
        source = sources.get(name)
        if source is not None:
            version.attachments.append(FormAttachment(
                filename=name, content_type=source.content_type,
                blob_sha256=source.blob_sha256, md5=source.md5, size=source.size))
    db.session.flush()


def discard_draft(actor: Actor, draft_id: int, manager: Manager | None = None) -> None:
    draft = get_draft(draft_id, manager)
    record_event(actor, "form.draft_discard", "form_draft", draft.id,
                 form_id=draft.xml_form_id, version=draft.version)
    db.session.delete(draft)
    db.session.flush()
