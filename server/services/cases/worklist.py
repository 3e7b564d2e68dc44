"""The worklist: a case's risk, next action and due date, read from its open actions.

Nothing here is stored (a stored copy could disagree with the actions):

- risk: the highest of the risks of the case's open actions (each the risk of the result that
  opened it) and of the person's current results (the latest screening of each instrument
  family, ``Screening.risk``), so a later, lower screening never lowers open work;
- next action: the first open action, urgent first, then by due date (then id); overdue when
  an open action's due date is before today in Vietnam; flags: the reasons of the open actions;
- order (``GET /api/v1/cases``): urgent first, then overdue, then risk (highest first), then
  the next due date, then the case id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, Subquery, case, func, select

from server.extensions import db
from server.models import Case, CaseAction, Person, Screening
from server.services.access.scope import Scope, visible
from sync import pathway

RISK_RANK = {name: rank for rank, name in enumerate(pathway.RISK_ORDER)}


@dataclass(frozen=True)
class CaseView:
    """A case as the worklist shows it."""

    case: Case
    risk: str
    open_actions: list[CaseAction]
    overdue: bool

    @property
    def next_action(self) -> CaseAction | None:
        return self.open_actions[0] if self.open_actions else None

    @property
    def flags(self) -> list[str]:
        return sorted({action.reason for action in self.open_actions})

    def __getattr__(self, name: str):
        return getattr(self.case, name)  # id, person_id, state, step ...


def views(cases: Sequence[Case], today: date) -> list[CaseView]:
    """``cases`` as the worklist shows them (one query for the results' risks)."""
    results = _result_risk([c.person_id for c in cases])
    rows = db.session.execute(select(results.c.person_id, results.c.rank)).all() \
        if cases else []
    ranks = {person: rank for person, rank in rows}
    shown = []
    for item in cases:
        work = item.open_actions
        rank = max([ranks.get(item.person_id, 0), *(RISK_RANK[a.risk] for a in work)])
        shown.append(CaseView(item, pathway.RISK_ORDER[rank], work,
                              any(action.overdue_on(today) for action in work)))
    return shown


@dataclass(frozen=True)
class Filters:
    """What a worklist is narrowed to. ``kind``, ``instrument`` and ``assigned_to`` ask for an
    open action of that kind, opened by a result of that instrument, assigned to that user;
    ``risk`` is the case's risk; ``open_only``: only cases with open work (the pages')."""

    state: str | None = None
    flag: str | None = None
    due_before: date | None = None
    commune: str | None = None
    kind: str | None = None
    instrument: str | None = None
    risk: str | None = None
    assigned_to: int | None = None
    open_only: bool = False


def worklist(scope: Scope, today: date, filters: Filters = Filters()) -> Select:
    """The cases ``scope`` sees, in worklist order (module docstring), narrowed by
    ``filters``."""
    return _worklist(scope, today, filters)[0]


def with_counts(scope: Scope, today: date, filters: Filters) -> Select:
    """``worklist`` with, on every row, the counts of the whole list (``total``, ``urgent``,
    ``overdue``: window aggregates, computed before a page is cut), so a page and its counts
    are one query."""
    query, work = _worklist(scope, today, filters)
    return query.add_columns(
        func.count().over().label("total"),
        func.sum(func.coalesce(work.c.urgent, 0)).over().label("urgent"),
        func.sum(case((work.c.due < today, 1), else_=0)).over().label("overdue"))


def _worklist(scope: Scope, today: date, filters: Filters) -> tuple[Select, Subquery]:
    """The worklist query and its open work (``counts`` reads urgent and due from it)."""
    f = filters
    work = _open_work(with_results=f.open_only)
    if f.open_only:
        # driven by the open actions, with the results' risk ranked inside the open work and
        # only for persons with open work: closed cases and their screenings are never read
        case_rank = work.c.rank
        query = select(Case).join(work, work.c.case_id == Case.id)
    else:
        results = _result_risk()
        action_rank, result_rank = func.coalesce(work.c.rank, 0), func.coalesce(results.c.rank, 0)
        case_rank = case((action_rank >= result_rank, action_rank), else_=result_rank)
        query = (select(Case).outerjoin(work, work.c.case_id == Case.id)
                 .outerjoin(results, results.c.person_id == Case.person_id))
    query = (query.join(Person, Person.id == Case.person_id).where(*visible(scope))
             .order_by(func.coalesce(work.c.urgent, 0).desc(),
                       case((work.c.due < today, 1), else_=0).desc(),
                       case_rank.desc(),
                       work.c.due.is_(None), work.c.due, Case.id))
    if f.state:
        query = query.where(Case.state == f.state)
    if f.due_before:
        query = query.where(work.c.due < f.due_before)
    if f.commune:
        query = query.where(Person.commune_code == f.commune)
    if f.risk in RISK_RANK:
        query = query.where(case_rank == RISK_RANK[f.risk])
    for condition in (
            CaseAction.reason == f.flag if f.flag else None,
            CaseAction.kind == f.kind if f.kind else None,
            CaseAction.instrument == f.instrument if f.instrument else None,
            CaseAction.assigned_to_id == f.assigned_to if f.assigned_to is not None else None):
        if condition is not None:
            query = query.where(_has_open(condition))
    return query, work


def _has_open(condition):
    """The case has an open action meeting ``condition``."""
    return select(CaseAction.id).where(CaseAction.case_id == Case.id,
                                       CaseAction.state == "open", condition).exists()


def counts(scope: Scope, today: date, filters: Filters) -> dict[str, int]:
    """How many cases the filtered worklist holds, and how many are urgent and overdue."""
    query, work = _worklist(scope, today, filters)
    listed = query.order_by(None).with_only_columns(
        Case.id, work.c.urgent.label("urgent"), work.c.due.label("due")).subquery()
    total, urgent, overdue = db.session.execute(
        select(func.count(listed.c.id), func.coalesce(func.sum(listed.c.urgent), 0),
               func.coalesce(func.sum(case((listed.c.due < today, 1), else_=0)), 0))).one()
    return {"total": total, "urgent": int(urgent), "overdue": int(overdue)}


def _rank(column):
    return case(*((column == name, rank) for name, rank in RISK_RANK.items()), else_=0)


def _open_work(*, with_results: bool = False) -> Subquery:
    """Per case with open actions: any urgent (1/0), the first due date, the highest risk of
    its open actions; ``with_results``, also of the person's current results (ranked for the
    persons with open work only)."""
    rank = _rank(CaseAction.risk)
    query = select(CaseAction.case_id,
                   func.max(case((CaseAction.urgent, 1), else_=0)).label("urgent"),
                   func.min(CaseAction.due).label("due"))
    if with_results:
        results = _result_risk(select(CaseAction.person_id).where(CaseAction.state == "open"))
        query = query.outerjoin(results, results.c.person_id == CaseAction.person_id)
        result_rank = func.coalesce(results.c.rank, 0)
        rank = case((rank >= result_rank, rank), else_=result_rank)
    return (query.add_columns(func.max(rank).label("rank"))
            .where(CaseAction.state == "open").group_by(CaseAction.case_id).subquery())


def _result_risk(person_ids: list[str] | Select | None = None) -> Subquery:
    """Per person: the highest risk rank of their current results (the latest screening of
    each instrument family); with ``person_ids`` (ids or a query of them), only theirs (the
    window then ranks those persons' screenings, not the whole table)."""
    family = case(*((Screening.instrument == i, f) for i, f in pathway.FAMILIES.items()),
                  else_=Screening.instrument)
    ranked = (select(Screening.person_id, _rank(Screening.risk).label("rank"),
                     func.row_number().over(
                         partition_by=(Screening.person_id, family),
                         order_by=(Screening.screened_on.desc(), Screening.id.desc()),
                     ).label("n"))
              .where(Screening.superseded_by_id.is_(None),
                     *([Screening.person_id.in_(person_ids)] if person_ids is not None else []))
              .subquery())
    return (select(ranked.c.person_id, func.max(ranked.c.rank).label("rank"))
            .where(ranked.c.n == 1).group_by(ranked.c.person_id).subquery())
