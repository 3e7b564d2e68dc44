"""Loading the licensed text of an instrument into its form, item by item, as a new version.

M-CHAT-R/F, SDQ and EPDS ship with neutral labels (instruments.md §9); the coordinator loads the
licensed Vietnamese or English text, one translation at a time:

1. ``get_licensed_form`` finds the form's current version, offered in the caller's area (else
   404.1, as for an unknown form), whose binding is a licensed instrument (``LICENSED``; else
   404.100), and lists its items (:class:`Item`: key, path, answer values, labels per
   translation) in the form's order. Keys are the binding's (``q01``); the M-CHAT-R/F Follow-Up
   items are ``fu_q01``... after them. ``may_load`` says who may change it: an admin; a
   coordinator only a form assigned to areas all inside their own (403.100), since a new
   version reaches every device the form is offered to.
2. ``preview_file`` reads a CSV or XLSX (``licensed_rows``), checks every row against the
   items (order, answer values, each once, plain text) and, when clean, builds the new XForm
   (``licensed_xform``: the one function returning the bytes, which a draft could take as
   well) so that a shared option given two texts is found now (422.108). ``keep_preview``
   keeps a clean preview's rows (canonical JSON in the blob store, with the user's id and the
   version it was made from); the surface keeps its address in the session.
3. ``confirm_load`` reads them back, refuses if the form has a newer version since (409.100),
   checks the rows again, picks the next version (``forms.relabel.next_version``: today's
   ``yyyymmddNN``, after the current one), publishes through ``publishing.publish_xform``
   (JavaRosa, binding, field types: answer values and scoring cannot change, and the binding is
   compared with the old one), carries the old version's media files over and audits
   ``form.licensed_text`` with the translation and item keys only, never a text.

Flushes, never commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

import forms
from forms.labels import read_labels
from forms.relabel import choice_name, next_version, relabel_xform
from server import problems
from server.extensions import db
from server.models import Form, FormAttachment, FormVersion
from server.problems import Problem
from server.programme import today
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event
from server.services.forms import publishing
from server.services.forms.licensed_rows import (
    Row,
    Slot,
    check_rows,
    expected_rows,
    read_rows,
    slot_name,
)
from server.storage import BlobStore, is_address
from sync import Binding

LICENSED = ("mchat_r", "mchat_rf", "sdq_p4_17", "sdq_p2_4", "epds")
FOLLOWUP_PREFIX = "fu_"
KIND = "sangloc.licensed_text"
NO_ITEXT = ""  # the language of a form without translations


@dataclass(frozen=True)
class Item:
    """One item as the form asks it, with its labels in each translation."""

    key: str
    path: str
    values: tuple[str, ...]
    labels: dict[str, str]  # translation -> question label
    choices: dict[str, dict[str, str]]  # translation -> value -> label


@dataclass(frozen=True)
class LicensedForm:
    form: Form
    version: FormVersion
    instrument_id: str
    languages: tuple[str, ...]  # the form's translations; (NO_ITEXT,) when it has none
    items: tuple[Item, ...]

    @property
    def slots(self) -> tuple[Slot, ...]:
        return tuple(Slot(item.key, item.values) for item in self.items)


@dataclass(frozen=True)
class Change:
    row: int
    slot: str
    before: str
    after: str


@dataclass
class Preview:
    language: str
    rows: list[Row]
    problems: list[Problem]
    changes: list[Change] = field(default_factory=list)
    version: str = ""  # the version it would publish

    @property
    def clean(self) -> bool:
        return not self.problems


def get_licensed_form(scope: Scope, form_id: str) -> LicensedForm:
    """The form's current version and its items; 404.1 / 404.100 as the module says."""
    form = db.session.scalar(select(Form).where(Form.xml_form_id == form_id))
    if form is None or form.current_version is None or \
            not scope.covers_assignment({a.area_code for a in form.assignments}):
        raise problems.form_unknown(form_id)
    version = form.current_version
    binding = Binding.from_data(version.binding) if version.binding else None
    if binding is None or binding.instrument_id not in LICENSED:
        raise problems.licensed_text_not_offered(form_id)
    info = forms.read_xform(version.xml)
    languages = info.languages or (NO_ITEXT,)
    labels = {lang: read_labels(version.xml, lang or "vi") for lang in languages}
    order = {path: n for n, path in enumerate(labels[languages[0]].questions)}
    paths = [*((k, p) for k, p in binding.items.items() if isinstance(p, str)),
             *((FOLLOWUP_PREFIX + k, p) for k, p in binding.followup.items())]
    items = tuple(
        Item(key, path, info.fields[path].choices,
             {lang: labels[lang].questions[path].label for lang in languages},
             {lang: dict(labels[lang].questions[path].choices) for lang in languages})
        for key, path in sorted(paths, key=lambda kp: order.get(kp[1], len(order))))
    return LicensedForm(form, version, binding.instrument_id, languages, items)


def may_load(role: str, area_codes: Iterable[str], scope: Scope, form: Form) -> None:
    """403.100 unless an admin, or a coordinator whose own areas hold every area the form is
    assigned to (a form assigned nowhere is offered everywhere)."""
    if role == "admin":
        return
    assigned = {a.area_code for a in form.assignments}
    own = set(area_codes)
    if not assigned or not all(code in scope.communes if len(code) > 2 else code in own
                               for code in assigned):
        raise problems.licensed_text_area(form.xml_form_id)


def check_language(licensed: LicensedForm, language: str) -> str:
    if language not in licensed.languages:
        raise problems.licensed_text_language(language[:60])
    return language


def template_rows(licensed: LicensedForm, language: str) -> list[list[str]]:
    """The file to fill: the header, then one row per item and per option, with the form's
    current label in ``current`` and ``text`` empty."""
    by_key = {item.key: item for item in licensed.items}
    rows = [["item", "value", "current", "text"]]
    for key, value in expected_rows(licensed.slots):
        item = by_key[key]
        current = item.choices[language].get(value, "") if value else item.labels[language]
        rows.append([key, value, current, ""])
    return rows


def preview_file(licensed: LicensedForm, language: str, data: bytes) -> Preview:
    """Read and check a file; raise only for a file that cannot be read at all."""
    return preview_rows(licensed, check_language(licensed, language), read_rows(data))


def preview_rows(licensed: LicensedForm, language: str, rows: list[Row]) -> Preview:
    preview = Preview(language, rows, check_rows(licensed.slots, rows))
    if not preview.clean:
        return preview
    preview.version = _next_label(licensed)
    try:
        licensed_xform(licensed, language, rows, preview.version)
    except forms.FormError as exc:
        if exc.code != "relabel_conflict":
            raise publishing.form_problem(exc) from exc
        where = {choice_name(_path(licensed, r.key), r.value): r for r in rows if r.value}
        row = where.get(exc.field or "")
        preview.problems.append(problems.licensed_text_shared(
            slot_name(row.key, row.value) if row else "?", row.number if row else 0))
        return preview
    preview.changes = _changes(licensed, language, rows)
    return preview


def licensed_xform(licensed: LicensedForm, language: str, rows: list[Row],
                   version: str) -> bytes:
    """The current version's XForm with the rows' texts in ``language`` and ``version``
    (checked rows only: ``check_rows`` first)."""
    questions = {_path(licensed, r.key): r.text for r in rows if not r.value}
    choices = {(_path(licensed, r.key), r.value): r.text for r in rows if r.value}
    return relabel_xform(licensed.version.xml, language or None, questions, choices,
                         version=version)


def keep_preview(licensed: LicensedForm, preview: Preview, user_id: int,
                 blobs: BlobStore) -> str:
    """Keep a clean preview's rows for ``confirm_load``; return its address."""
    if not preview.clean:
        raise ValueError("a preview with problems is never kept")
    kept = {"kind": KIND, "version": 1, "user": user_id, "form_id": licensed.form.xml_form_id,
            "form_version": licensed.version.version, "language": preview.language,
            "rows": [[r.number, r.key, r.value, r.text] for r in preview.rows]}
    return blobs.put(json.dumps(kept, sort_keys=True, separators=(",", ":")).encode())


def confirm_load(actor: Actor, licensed: LicensedForm, blobs: BlobStore, address: str,
                 user_id: int, *, strict: bool) -> FormVersion:
    """Publish a kept preview as the form's new version (the caller checked ``may_load``)."""
    kept = _kept(blobs, address, user_id, licensed.form.xml_form_id)
    current = licensed.version.version
    if kept["form_version"] != current:
        raise problems.licensed_text_outdated(licensed.form.xml_form_id, kept["form_version"],
                                              current)
    language = check_language(licensed, kept["language"])
    rows = [Row(*row) for row in kept["rows"]]
    preview = preview_rows(licensed, language, rows)
    if not preview.clean:
        raise preview.problems[0]
    xml = licensed_xform(licensed, language, rows, preview.version)
    published = publishing.publish_xform(
        actor, xml, f"{licensed.form.xml_form_id}-{preview.version}.xml", strict=strict)
    new = published.version
    if new.binding != licensed.version.binding:
        raise problems.xform_invalid("relabel_unsupported", "the binding changed")
    _carry_media(licensed.version, new)
    record_event(actor, "form.licensed_text", "form_version", new.id,
                 form_id=licensed.form.xml_form_id, before=current, version=new.version,
                 language=language or None, items=[c.slot for c in preview.changes])
    db.session.flush()
    return new


def _path(licensed: LicensedForm, key: str) -> str:
    return next(item.path for item in licensed.items if item.key == key)


def _next_label(licensed: LicensedForm) -> str:
    taken = set(db.session.scalars(select(FormVersion.version).where(
        FormVersion.form_id == licensed.form.id)))
    return next_version(licensed.version.version, today(), taken)


def _changes(licensed: LicensedForm, language: str, rows: list[Row]) -> list[Change]:
    by_key = {item.key: item for item in licensed.items}
    changes = []
    for row in rows:
        item = by_key[row.key]
        before = item.choices[language].get(row.value, "") if row.value else \
            item.labels[language]
        if before != row.text:
            changes.append(Change(row.number, slot_name(row.key, row.value), before, row.text))
    return changes


def _carry_media(old: FormVersion, new: FormVersion) -> None:
    """The old version's media files, for the new one (same names: only labels changed)."""
    for attachment in old.attachments:
        if attachment.filename in new.media:
            new.attachments.append(FormAttachment(
                filename=attachment.filename, content_type=attachment.content_type,
                blob_sha256=attachment.blob_sha256, md5=attachment.md5,
                size=attachment.size))


def _kept(blobs: BlobStore, address: str, user_id: int, form_id: str) -> dict:
    if not is_address(address):
        raise problems.import_preview_gone()
    try:
        kept = json.loads(blobs.get(address))
    except (KeyError, ValueError):
        raise problems.import_preview_gone() from None
    if not isinstance(kept, dict) or kept.get("kind") != KIND or \
            kept.get("user") != user_id or kept.get("form_id") != form_id:
        raise problems.import_preview_gone()
    return kept
