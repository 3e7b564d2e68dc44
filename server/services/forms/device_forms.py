"""What a device may see of the published forms: the form list, and a form to download or submit.

A device sees the ``open`` forms that have no area assignment or are assigned to its commune or
that commune's province; it may submit to ``open`` and ``closing`` forms (``closed`` refuses).
These reads run on every Collect request, so they are single Core queries returning small value
objects. A Collect submission's device and the version it names are read together, in one query
(``device_and_version``; the device's checks are ``devices.scope_of``, the version's
``target_of``, in the order and with the answers of ``authenticate_token`` + ``get_target``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select

from server import problems
from server.extensions import db
from server.models import Form, FormAssignment, FormVersion
from server.services.access import devices
from server.services.access.scope import Scope


@dataclass(frozen=True)
class ListedForm:
    form_id: str
    title: str
    version: str
    md5: str
    has_media: bool


@dataclass(frozen=True)
class Target:
    """The published version a submission names."""

    version_id: int
    form_pk: int
    form_id: str
    state: str
    version: str
    binary_fields: tuple[str, ...]
    binding: dict | None  # the instrument binding as data; None for an ordinary form
    english: bool  # the form's default language is English (messages follow it)

    @property
    def scored(self) -> bool:
        return self.binding is not None


def _assignments(rows) -> dict[int, set[str]]:
    codes: dict[int, set[str]] = {}
    for row in rows:
        found = codes.setdefault(row.form_pk, set())
        if row.area_code is not None:
            found.add(row.area_code)
    return codes


def list_forms_for(device: Scope, form_id: str | None = None) -> list[ListedForm]:
    """Current versions of the open forms the device may use, by form id (formList)."""
    return _offered(_open_forms(form_id), device)


def list_forms_for_each(devices: Sequence[Scope]) -> list[list[ListedForm]]:
    """``list_forms_for`` of several devices, in their order, from one query (the
    coordinator's device list)."""
    rows = _open_forms(None)
    return [_offered(rows, device) for device in devices]


def _open_forms(form_id: str | None) -> list:
    query = (
        select(Form.id.label("form_pk"), Form.xml_form_id, FormVersion.title, FormVersion.version,
               FormVersion.md5, FormVersion.media, FormAssignment.area_code)
        .join(FormVersion, FormVersion.id == Form.current_version_id)
        .outerjoin(FormAssignment, FormAssignment.form_id == Form.id)
        .where(Form.state == "open").order_by(Form.xml_form_id))
    if form_id is not None:
        query = query.where(Form.xml_form_id == form_id)
    return list(db.session.execute(query).all())


def _offered(rows: list, device: Scope) -> list[ListedForm]:
    allowed = _assignments(rows)
    seen: dict[int, ListedForm] = {}
    for row in rows:
        if row.form_pk not in seen and device.covers_assignment(allowed[row.form_pk]):
            seen[row.form_pk] = ListedForm(row.xml_form_id, row.title, row.version, row.md5,
                                           bool(row.media))
    return list(seen.values())


def _check_access(device: Scope, form_id: str) -> None:
    """Problem 404.1 when the form does not exist, 403.2 when it is not the device's."""
    rows = db.session.execute(
        select(Form.id.label("form_pk"), Form.current_version_id, FormAssignment.area_code)
        .outerjoin(FormAssignment, FormAssignment.form_id == Form.id)
        .where(Form.xml_form_id == form_id)).all()
    if not rows or rows[0].current_version_id is None:
        raise problems.form_unknown(form_id)
    if not device.covers_assignment(_assignments(rows)[rows[0].form_pk]):
        raise problems.form_not_for_device(form_id)


def get_current_version(device: Scope, form_id: str) -> FormVersion:
    """The current version of a form the device may use (download, manifest, media)."""
    _check_access(device, form_id)
    return db.session.scalar(select(FormVersion).join(
        Form, Form.current_version_id == FormVersion.id).where(Form.xml_form_id == form_id))


_versions, _forms, _assigned = FormVersion.__table__, Form.__table__, FormAssignment.__table__
_TARGET_COLUMNS = (_versions.c.id, _forms.c.id.label("form_pk"), _forms.c.state,
                   _versions.c.version, _versions.c.binary_fields, _versions.c.binding,
                   _versions.c.default_language, _assigned.c.area_code)
# Built once, on the tables (Core) with parameters: it runs on every submission.
_TARGET = (
    select(*_TARGET_COLUMNS)
    .join(_forms, _forms.c.id == _versions.c.form_id)
    .outerjoin(_assigned, _assigned.c.form_id == _forms.c.id)
    .where(_forms.c.xml_form_id == bindparam("form_id"),
           _versions.c.version == bindparam("version"))
)


# The device of a token (devices.COLUMNS) and, on the same rows, the version a submission names
# (the version's columns are NULL when there is none): one round trip for both.
_DEVICE_AND_VERSION = (
    select(*devices.COLUMNS, *_TARGET_COLUMNS)
    .select_from(
        devices.DEVICE
        .outerjoin(_forms, _forms.c.xml_form_id == bindparam("form_id"))
        .outerjoin(_versions, and_(_versions.c.form_id == _forms.c.id,
                                   _versions.c.version == bindparam("version")))
        .outerjoin(_assigned, _assigned.c.form_id == _versions.c.form_id))
    .where(devices.TOKEN_MATCHES)
)


def device_and_version(token: str, form_id: str, version: str | None) -> list:
    """Rows of the token's device (``devices.scope_of`` reads the first; none: unknown token)
    with the ``version`` of ``form_id`` it names (``target_of`` reads them), in the request's
    transaction."""
    return db.session.connection().execute(_DEVICE_AND_VERSION, {
        "token_hash": devices.token_hash(token), "form_id": form_id,
        "version": version or ""}).all()


def get_target(device: Scope, form_id: str, version: str | None) -> Target:
    """The published ``version`` a submission names; 404.1, 403.2 or 404.2 otherwise."""
    rows = db.session.connection().execute(
        _TARGET, {"form_id": form_id, "version": version or ""}).all()
    return target_of(rows, device, form_id, version)


def target_of(rows: list, device: Scope, form_id: str, version: str | None) -> Target:
    """``get_target``'s answer from rows of ``_TARGET`` or ``device_and_version``."""
    rows = [row for row in rows if row.id is not None]
    if not rows:
        _check_access(device, form_id)
        raise problems.form_version_unpublished(form_id, version or "")
    if not device.covers_assignment(_assignments(rows)[rows[0].form_pk]):
        raise problems.form_not_for_device(form_id)
    row = rows[0]
    english = (row.default_language or "").lower().startswith("english")
    return Target(row.id, row.form_pk, form_id, row.state, row.version,
                  tuple(row.binary_fields or ()), row.binding, english)
