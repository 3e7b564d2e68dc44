"""The record exports: screenings, actions and referrals, read a page at a time.

Each source is a query of (id, record, commune) rows for a scope and filters, and a function
making one file row of a record. Persons are those the scope sees (``access.scope.visible``:
the scope's communes, withdrawn and merged-away persons left out), as in every read.

What goes out about a person (Law 91/2025 and Decree 356/2025, vietnam.md §6: exports are
pseudonymised): the person's id (a random UUID, meaningless outside sangloc) and commune code,
never a name, date of birth, caregiver, phone number or village, and no free-text note (a note
may name anyone). Screenings have the columns of ``sangloc export``
(``services/cases/exports.py``). Actions and referrals add the person's commune code, so a
file can be counted by commune without the register.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from server.extensions import db
from server.models import CaseAction, Person, Referral, Screening
from server.services.access.scope import Scope, visible
from server.services.cases import exports as screening_exports
from server.services.exports.filters import Filters, narrowed


@dataclass(frozen=True)
class Source:
    columns: tuple[str, ...]
    model: Any  # the record's model; its ``id`` orders the pages
    where: Callable[[Filters], list]  # the filters' conditions on the record
    row: Callable[[Any, str], list]  # (record, commune code) -> the file's cells


def _base(source: Source, scope: Scope, found: Filters) -> Select:
    model = source.model
    conditions = [*visible(narrowed(scope, found)), *source.where(found)]
    if found.sex is not None:
        conditions.append(Person.sex == found.sex)
    return (select(model, Person.commune_code).join(Person, Person.id == model.person_id)
            .where(*conditions))


def count_rows(source: Source, scope: Scope, found: Filters) -> int:
    query = _base(source, scope, found).with_only_columns(func.count(source.model.id))
    return db.session.scalar(query.order_by(None)) or 0


def page_rows(source: Source, scope: Scope, found: Filters, after: int | None,
              limit: int) -> tuple[int | None, list[list]]:
    """The next ``limit`` rows after record id ``after``; the last id read (keyset paging)."""
    model = source.model
    query = _base(source, scope, found).order_by(model.id).limit(limit)
    if after is not None:
        query = query.where(model.id > after)
    found_rows = db.session.execute(query).all()
    if not found_rows:
        return after, []
    return found_rows[-1][0].id, [source.row(record, commune) for record, commune in found_rows]


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _screening_where(found: Filters) -> list:
    conditions = []
    if found.date_from:
        conditions.append(Screening.screened_on >= found.date_from)
    if found.date_to:
        conditions.append(Screening.screened_on <= found.date_to)
    if found.instrument:
        conditions.append(Screening.instrument == found.instrument)
    return conditions


def _screening_row(record: Screening, _commune: str) -> list:
    return screening_exports.flat_row(screening_exports.screening_row(record))


ACTION_COLUMNS = ("action_id", "person_id", "commune_code", "case_id", "kind", "rule",
                  "reason", "instrument", "risk", "urgent", "opened_at", "due", "state",
                  "closed_at", "outcome")


def _action_where(found: Filters) -> list:
    start, end = found.moments()
    conditions = []
    if start:
        conditions.append(CaseAction.opened_at >= start)
    if end:
        conditions.append(CaseAction.opened_at <= end)
    if found.instrument:
        conditions.append(CaseAction.instrument == found.instrument)
    return conditions


def _action_row(a: CaseAction, commune: str) -> list:
    return [a.id, a.person_id, commune, a.case_id, a.kind, a.rule, a.reason, a.instrument,
            a.risk, a.urgent, _iso(a.opened_at), _iso(a.due), a.state, _iso(a.closed_at),
            a.outcome]


REFERRAL_COLUMNS = ("referral_id", "person_id", "commune_code", "case_id", "facility",
                    "made_on", "appointment_on", "attended", "attended_on", "result",
                    "intervention_started")


def _referral_where(found: Filters) -> list:
    conditions = []
    if found.date_from:
        conditions.append(Referral.made_on >= found.date_from)
    if found.date_to:
        conditions.append(Referral.made_on <= found.date_to)
    return conditions


def _referral_row(r: Referral, commune: str) -> list:
    return [r.id, r.person_id, commune, r.case_id, r.facility, _iso(r.made_on),
            _iso(r.appointment_on), r.attended, _iso(r.attended_on), r.result,
            r.intervention_started]


SOURCES: dict[str, Source] = {
    "screenings": Source(tuple(screening_exports.COLUMNS), Screening, _screening_where,
                         _screening_row),
    "actions": Source(ACTION_COLUMNS, CaseAction, _action_where, _action_row),
    "referrals": Source(REFERRAL_COLUMNS, Referral, _referral_where, _referral_row),
}
RECORD_KINDS: Sequence[str] = tuple(SOURCES)
