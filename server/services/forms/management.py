"""The forms a coordinator or an admin manages from the pages, and the rule of who may.

The rule (issue 12): a form's *areas* are its assignments (provinces or communes); a form with
none is offered everywhere.

- An admin may do anything to any form: publish, discard a draft, change its state or areas,
  attach media, and offer a form everywhere.
- A coordinator may manage a form whose areas are all within their own (a province they hold,
  or a commune they hold or that lies in a province they hold, as for managing people,
  ``access.staff.Manager``). A form offered everywhere, or also offered outside their area, is
  the admin's: 403.80. A coordinator gives only areas within their own (404.8 otherwise, as
  for an unknown code) and may not empty a form's areas (that offers it everywhere: 403.81).
- A new form id uploaded by a coordinator becomes a draft that will be assigned to the
  coordinator's own areas when published (``drafts``); its draft is managed by whoever manages
  those areas. A draft of an existing form is managed by whoever manages the form.
- What a user sees in the list: an admin every form; a coordinator the forms offered in their
  area (``Scope.covers_assignment``) and the drafts they may manage. A form they cannot see
  is "unknown" (404.1).

Every change is audited by the ``catalogue`` functions it calls; these functions flush, never
commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

import forms
from forms.diff import FormDiff, diff_forms
from server import problems
from server.extensions import db
from server.models import Form, FormDraft, FormVersion, User
from server.services.access.scope import Scope
from server.services.access.staff import Manager
from server.services.audit import Actor
from server.services.forms import catalogue


def manages_areas(manager: Manager, codes: Iterable[str] | None) -> bool:
    """Whether ``manager`` may manage a form (or a draft) offered in ``codes`` (None or
    empty: everywhere)."""
    if manager.role == "admin":
        return True
    codes = list(codes or ())
    return bool(codes) and all(manager.holds(code) for code in codes)


def form_areas(form: Form) -> list[str]:
    return sorted(a.area_code for a in form.assignments)


def find_form(xml_form_id: str) -> Form | None:
    return db.session.scalar(select(Form).where(Form.xml_form_id == xml_form_id))


def current_version(xml_form_id: str) -> FormVersion | None:
    form = find_form(xml_form_id)
    return form.current_version if form is not None else None


def check_form(manager: Manager, form: Form) -> None:
    if not manages_areas(manager, form_areas(form)):
        raise problems.form_not_managed(form.xml_form_id)


def check_form_id(manager: Manager, xml_form_id: str) -> None:
    """403.80 unless ``manager`` may upload a new version of ``xml_form_id`` (a new form id:
    any coordinator)."""
    form = find_form(xml_form_id)
    if form is not None:
        check_form(manager, form)


def check_draft(manager: Manager, draft: FormDraft) -> None:
    form = find_form(draft.xml_form_id)
    if form is not None:
        check_form(manager, form)
    elif not manages_areas(manager, draft.area_codes):
        raise problems.form_not_managed(draft.xml_form_id)


@dataclass(frozen=True)
class FormRow:
    """One line of the forms page: a published form and/or its draft."""

    xml_form_id: str
    form: Form | None
    draft: FormDraft | None
    areas: list[str]
    managed: bool


def list_forms(manager: Manager, scope: Scope) -> list[FormRow]:
    """The forms and drafts ``manager`` sees, by form id."""
    found = db.session.scalars(select(Form).options(selectinload(Form.assignments))
                               .order_by(Form.xml_form_id))
    drafts = {d.xml_form_id: d for d in db.session.scalars(select(FormDraft))}
    rows = {}
    for form in found:
        codes = form_areas(form)
        if manager.role == "admin" or scope.covers_assignment(set(codes)):
            managed = manages_areas(manager, codes)
            rows[form.xml_form_id] = FormRow(form.xml_form_id, form,
                                             drafts.get(form.xml_form_id) if managed else None,
                                             codes, managed)
    for form_id, draft in drafts.items():
        if form_id not in rows and find_form(form_id) is None and \
                manages_areas(manager, draft.area_codes):
            rows[form_id] = FormRow(form_id, None, draft, list(draft.area_codes or ()), True)
    return [rows[key] for key in sorted(rows)]


def get_form(manager: Manager, scope: Scope, xml_form_id: str) -> Form:
    """A form the user sees (404.1 otherwise, as for an unknown id)."""
    form = find_form(xml_form_id)
    if form is None or not (manager.role == "admin" or manages_areas(manager, form_areas(form))
                            or scope.covers_assignment(set(form_areas(form)))):
        raise problems.form_unknown(xml_form_id)
    return form


def versions_of(form: Form) -> list[FormVersion]:
    """Every published version, newest first."""
    return list(db.session.scalars(select(FormVersion).where(FormVersion.form_id == form.id)
                                   .order_by(FormVersion.published_at.desc(),
                                             FormVersion.id.desc())))


def change_state(actor: Actor, manager: Manager, xml_form_id: str, state: str) -> Form:
    form = find_form(xml_form_id)
    if form is None:
        raise problems.form_unknown(xml_form_id)
    check_form(manager, form)
    return catalogue.set_form_state(actor, xml_form_id, state)


def change_areas(actor: Actor, manager: Manager, xml_form_id: str,
                 codes: list[str]) -> Form:
    """Limit a form to ``codes`` (empty: everywhere, an admin's choice only)."""
    form = find_form(xml_form_id)
    if form is None:
        raise problems.form_unknown(xml_form_id)
    check_form(manager, form)
    codes = sorted(set(codes))
    if manager.role != "admin":
        if not codes:
            raise problems.form_everywhere_admin_only()
        for code in codes:
            if not manager.holds(code):
                raise problems.area_unknown(code[:12])
    return catalogue.assign_form(actor, xml_form_id, codes)


def assign_areas(actor: Actor, xml_form_id: str, codes: list[str]) -> Form:
    """Assign a just-published new form to the areas its draft was uploaded for."""
    return catalogue.assign_form(actor, xml_form_id, codes)


def version_named(form: Form, label: str) -> FormVersion:
    return catalogue.get_version(form, label)


def diff_versions(before: FormVersion, after: FormVersion) -> FormDiff:
    return diff_forms(before.xml, after.xml, binding_before=before.binding,
                      binding_after=after.binding)


def diff_draft(draft: FormDraft, current: FormVersion | None) -> FormDiff | None:
    """What publishing the draft changes against the current version (None: a new form)."""
    if current is None:
        return None
    try:
        return diff_forms(current.xml, draft.xml, binding_before=current.binding,
                          binding_after=draft.binding)
    except forms.FormError:  # a hand-written XForm published long ago that no longer reads
        return None


def usernames(ids: Iterable[int | None]) -> dict[int, str]:
    """User id -> username, for who published or uploaded."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row.username for row in db.session.execute(
        select(User.id, User.username).where(User.id.in_(wanted)))}
