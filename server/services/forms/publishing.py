"""Publishing forms: XLSForm or XForm in, an immutable published version out.

The CLI and (later) the web UI both call ``publish_form``. Steps: convert (pyxform, in process)
-> read the XForm -> check its version (present, new, after the current one) -> validate with
JavaRosa -> read the instrument binding -> check field types against the form's earlier
versions -> store the bytes once. Published versions are never changed or deleted. Every
refusal is a named problem (``server/problems.py``), the ``forms``/``sync`` code in its data.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources

from sqlalchemy import select

import forms
from server import problems
from server.extensions import db
from server.models import Form, FormVersion
from server.services.audit import Actor, record_event
from sync import Binding, SyncError, read_binding

XFORM_SUFFIXES = (".xml",)
_DIGITS = re.compile(r"[0-9]+")


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
        raise form_problem(exc) from exc
    return conversion.xml, tuple(conversion.warnings)


def form_problem(error: forms.FormError) -> problems.Problem:
    """The problem for a ``forms`` package error met while publishing."""
    if error.code == "xlsform_invalid":
        return problems.xlsform_invalid(error.code, error.message, error.sheet, error.row)
    if error.code == "javarosa_invalid":
        return problems.javarosa_refused(error.code, error.message, error.field)
    if error.code in ("javarosa_failed", "java_missing"):
        return problems.validation_unavailable(error.code, error.message)
    return problems.xform_invalid(error.code, error.message)


def publish_form(actor: Actor, data: bytes, filename: str, *, strict: bool,
                 allow_older: bool = False) -> Published:
    """Publish an XLSForm (.xlsx, .xls, .csv, .md) or an XForm (.xml) as a new version."""
    xml, warnings = to_xform(data, filename)
    return publish_xform(actor, xml, filename, strict=strict, warnings=warnings,
                         allow_older=allow_older)


def publish_xform(actor: Actor, xml: bytes, filename: str, *, strict: bool,
                  warnings: tuple[str, ...] = (), allow_older: bool = False) -> Published:
    """Publish an XForm as the form's new current version.

    Refused: a form without a version; a version already published; a version that does not
    sort after the current one (``version_after``) unless ``allow_older``; a field whose type
    changed since an earlier version; what JavaRosa or the instrument binding refuses.
    """
    checked = check_xform(xml, strict=strict, allow_older=allow_older)
    form = checked.form
    if form is None:
        form = Form(xml_form_id=checked.info.form_id)
        db.session.add(form)
        db.session.flush()
    version = _new_version(form, checked.info, xml, checked.binding, filename, actor)
    return Published(version, warnings, checked.validated)


@dataclass(frozen=True)
class Checked:
    """An XForm that passed every check publishing makes (nothing written)."""

    info: forms.XFormInfo
    form: Form | None  # the form it is a new version of; None for a new form
    binding: Binding | None
    validated: bool


def check_xform(xml: bytes, *, strict: bool, allow_older: bool = False) -> Checked:
    """Every check ``publish_xform`` makes, without writing: drafts are checked at upload.
    A refusal from the ``forms`` package keeps its ``FormError`` as ``__cause__``."""
    info = _read_xform(xml)
    form = db.session.scalar(select(Form).where(Form.xml_form_id == info.form_id))
    _check_version(form, info, allow_older=allow_older)
    try:
        validated = forms.validate_xform(xml, required=strict)
        binding = read_binding(info)
    except forms.FormError as exc:
        raise form_problem(exc) from exc
    except SyncError as exc:
        raise problems.binding_invalid(exc.code, exc.message, exc.field) from exc
    if form is not None:
        earlier = list(db.session.scalars(select(FormVersion).where(
            FormVersion.form_id == form.id)))
        _check_field_types(info.form_id, earlier, field_types(info))
    return Checked(info, form, binding, validated)


def field_types(info: forms.XFormInfo) -> dict[str, str]:
    """Path -> bind type, as a version stores it."""
    return {path: field.type for path, field in info.fields.items()}


def _read_xform(xml: bytes) -> forms.XFormInfo:
    try:
        return forms.read_xform(xml)
    except forms.FormError as exc:
        raise form_problem(exc) from exc


def version_after(version: str, current: str) -> bool:
    """Whether ``version`` sorts after ``current``, compared as ODK versions are in practice.

    ODK treats a version as an opaque string, but by convention versions increase, and most
    are numbers (pyxform's default and the bundled forms' ``2026120101`` are dates written as
    digits): when both are all ASCII digits they are compared as numbers (``10`` after ``9``),
    otherwise as strings (``v2`` after ``v10``, so a scheme with letters should pad numbers).
    """
    if _DIGITS.fullmatch(version) and _DIGITS.fullmatch(current):
        return int(version) > int(current)
    return version > current


def _check_version(form: Form | None, info: forms.XFormInfo, *, allow_older: bool) -> None:
    label = info.version or ""
    if not label.strip():
        raise problems.form_version_missing(info.form_id)
    if _is_published(form, label):
        raise problems.form_version_exists(info.form_id, label)
    current = _current_label(form)
    if current is not None and not allow_older and not version_after(label, current):
        raise problems.form_version_not_newer(info.form_id, label, current)


def _is_published(form: Form | None, label: str) -> bool:
    return form is not None and db.session.scalar(select(FormVersion.id).where(
        FormVersion.form_id == form.id, FormVersion.version == label)) is not None


def _current_label(form: Form | None) -> str | None:
    return form.current_version.version if form and form.current_version else None


def _new_version(form: Form, info: forms.XFormInfo, xml: bytes, binding: Binding | None,
                 filename: str, actor: Actor) -> FormVersion:
    label = info.version or ""
    fields = field_types(info)
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
                raise problems.field_type_changed(form_id, path, old_type, new_type,
                                                  old.version)


def bundled_definitions() -> list[tuple[str, bytes]]:
    """The XLSForms shipped in ``forms/definitions`` as (file name, bytes), sorted."""
    folder = resources.files("forms").joinpath("definitions")
    if not folder.is_dir():
        return []
    return sorted((entry.name, entry.read_bytes()) for entry in folder.iterdir()
                  if entry.name.endswith(".xlsx") and not entry.name.startswith("~"))


def publish_bundled_forms(actor: Actor, *, strict: bool) -> list[str]:
    """Publish every bundled form whose version is not published yet and sorts after the
    current one (a newer version published by hand stays current); return what happened."""
    report = []
    for filename, data in bundled_definitions():
        xml, _ = to_xform(data, filename)
        info = _read_xform(xml)
        label = info.version or ""
        form = db.session.scalar(select(Form).where(Form.xml_form_id == info.form_id))
        current = _current_label(form)
        if _is_published(form, label):
            report.append(f"{info.form_id} {label}: already published")
        elif current is not None and not version_after(label, current):
            report.append(f"{info.form_id} {label}: not published, {current} is current")
        else:
            publish_xform(actor, xml, filename, strict=strict)
            report.append(f"{info.form_id} {label}: published")
    return report
