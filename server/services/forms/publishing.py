"""Publishing forms: XLSForm or XForm in, an immutable published version out.

The CLI and (later) the web UI both call ``publish_form``. Steps: convert (pyxform, in process)
-> read the XForm -> validate with JavaRosa -> read the instrument binding -> check against the
form's earlier versions -> store the bytes once. Published versions are never changed or deleted.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select

import forms
from server.extensions import db
from server.models import Form, FormVersion
from server.services.audit import Actor, record_event
from sync import Binding, SyncError, read_binding

XFORM_SUFFIXES = (".xml",)


class PublishError(ValueError):
    """A form cannot be published; ``code`` says why, sheet/row/field where they are known."""

    def __init__(self, code: str, message: str, *, sheet: str | None = None,
                 row: int | None = None, field: str | None = None):
        super().__init__(message)
        self.code, self.message = code, message
        self.sheet, self.row, self.field = sheet, row, field

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "sheet": self.sheet,
                "row": self.row, "field": self.field}


@dataclass(frozen=True)
class Published:
    version: FormVersion
    warnings: tuple[str, ...]
    validated: bool  # JavaRosa ran (False only when Java is absent outside strict mode)


def to_xform(data: bytes, filename: str) -> tuple[bytes, tuple[str, ...]]:
    """XForm bytes (and pyxform warnings) from an XLSForm, or an XForm taken as it is."""
    if filename.lower().endswith(XFORM_SUFFIXES):
        return data, ()
    try:
        conversion = forms.convert_xlsform(data, filename)
    except forms.FormError as exc:
        raise PublishError(exc.code, exc.message, sheet=exc.sheet, row=exc.row) from exc
    return conversion.xml, tuple(conversion.warnings)


def publish_form(actor: Actor, data: bytes, filename: str, *, strict: bool) -> Published:
    """Publish an XLSForm (.xlsx, .xls, .csv, .md) or an XForm (.xml) as a new version."""
    xml, warnings = to_xform(data, filename)
    return publish_xform(actor, xml, filename, strict=strict, warnings=warnings)


def publish_xform(actor: Actor, xml: bytes, filename: str, *, strict: bool,
                  warnings: tuple[str, ...] = ()) -> Published:
    try:
        info = forms.read_xform(xml)
        validated = forms.validate_xform(xml, required=strict)
        binding = read_binding(info)
    except forms.FormError as exc:
        raise PublishError(exc.code, exc.message, sheet=exc.sheet, row=exc.row,
                           field=exc.field) from exc
    except SyncError as exc:
        raise PublishError(exc.code, exc.message, field=exc.field) from exc
    form = db.session.scalar(select(Form).where(Form.xml_form_id == info.form_id))
    if form is None:
        form = Form(xml_form_id=info.form_id)
        db.session.add(form)
        db.session.flush()
    version = _new_version(form, info, xml, binding, filename, actor)
    return Published(version, warnings, validated)


def _new_version(form: Form, info: forms.XFormInfo, xml: bytes, binding: Binding | None,
                 filename: str, actor: Actor) -> FormVersion:
    label = info.version or ""
    earlier = list(db.session.scalars(select(FormVersion).where(FormVersion.form_id == form.id)))
    if any(v.version == label for v in earlier):
        raise PublishError("version_exists", f"form {info.form_id!r} already has a published "
                           f"version {label!r}; published versions never change, so give the new "
                           "form a new version (settings sheet, column 'version')")
    fields = {path: field.type for path, field in info.fields.items()}
    _check_field_types(info.form_id, earlier, fields)
    version = FormVersion(
        form_id=form.id, version=label, title=info.title, xml=xml,
        md5=hashlib.md5(xml, usedforsecurity=False).hexdigest(),
        sha256=hashlib.sha256(xml).hexdigest(), fields=fields,
        binary_fields=list(info.binary_fields), media=list(info.media),
        default_language=info.default_language,
        binding=binding.to_data() if binding else None,
        source_filename=filename, published_by=actor.id if actor.type == "user" else None)
    db.session.add(version)
    db.session.flush()
    form.current_version_id = version.id
    record_event(actor, "form.publish", "form_version", version.id, form_id=info.form_id,
                 version=label)
    db.session.flush()
    return version


def _check_field_types(form_id: str, earlier: list[FormVersion], fields: dict[str, str]) -> None:
    for old in earlier:
        for path, old_type in old.fields.items():
            new_type = fields.get(path)
            if new_type is not None and new_type != old_type:
                raise PublishError(
                    "field_type_changed", f"field {path} of form {form_id!r} was {old_type!r} in "
                    f"version {old.version!r} and is {new_type!r} now; a field may not change "
                    "type between versions (give the new field a new name)", field=path)


def bundled_definitions() -> list[tuple[str, bytes]]:
    """The XLSForms shipped in ``forms/definitions`` as (file name, bytes), sorted."""
    folder = resources.files("forms").joinpath("definitions")
    if not folder.is_dir():
        return []
    return sorted((entry.name, entry.read_bytes()) for entry in folder.iterdir()
                  if entry.name.endswith(".xlsx") and not entry.name.startswith("~"))


def publish_bundled_forms(actor: Actor, *, strict: bool) -> list[str]:
    """Publish every bundled form whose version is not published yet; return what happened."""
    report = []
    for filename, data in bundled_definitions():
        xml, _ = to_xform(data, filename)
        info = forms.read_xform(xml)
        exists = db.session.scalar(
            select(FormVersion).join(Form, FormVersion.form_id == Form.id)
            .where(Form.xml_form_id == info.form_id, FormVersion.version == (info.version or "")))
        if exists is not None:
            report.append(f"{info.form_id} {info.version}: already published")
            continue
        publish_xform(actor, xml, filename, strict=strict)
        report.append(f"{info.form_id} {info.version}: published")
    return report
