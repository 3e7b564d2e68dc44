"""The few grouped reads behind a dashboard page: five statements, whatever the area's size.

- ``read_communes``: the caller's communes of the province (and whether that is all of them).
- ``read_counts``: ONE grouped statement over ``agg_counts`` for a province, its communes of
  the caller's scope and the period's months (index ``ix_agg_counts_province``): per commune,
  measure, instrument and cohort (``child`` under 12, ``adult`` 12 and over, ``""`` for an
  unknown age or none), and per month for the reporting measures, whose monthly values are
  not additive over a period.
- ``read_values``: ONE grouped statement over ``agg_values``: per commune, measure and amount,
  over the child bands of the cascade, so a median over any set of communes is exact.
- ``read_population``: the ``denominators`` of the communes and years.
- ``read_overdue``: a snapshot of open actions past due today, per commune and kind of work
  (the partial index of open actions; joined to persons for their commune and visibility).

A sex or age band filter keeps the rows of that sex or band, and the rows of measures that
have no such split (``""``). Reads only; never touches screenings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, literal, select

from server.extensions import db
from server.models import (
    AdminUnit,
    AggregateCount,
    AggregateValue,
    CaseAction,
    Denominator,
    Person,
)
from server.services.programme.periods import Period

#: measures counted per month: a device active in two months is one device in each
MONTHLY = ("submissions", "active_devices")
#: action kinds that are referral work (indicator 14)
REFERRAL_KINDS = ("referral", "referral_followup")
#: the cascade's cohorts: children under 12 (indicators 6-11), persons of 12 and over
#: (indicator 12); counts are read per cohort, not per age band (fewer rows to add up)
CHILD_CASCADE = ("u16m", "16_30m", "31m_6y", "7_11y")
ADULT_CASCADE = ("12_17y", "18y")


@dataclass(frozen=True)
class Slice:
    """The optional sex and age band filters."""

    sex: str | None = None
    age_band: str | None = None

    @property
    def filtered(self) -> bool:
        return self.sex is not None or self.age_band is not None


#: (commune, measure, instrument, cohort, month or None) -> count
Counts = dict[tuple[str, str, str, str, date | None], int]
#: (commune, measure) -> {amount: how many}
Values = dict[tuple[str, str], dict[int, int]]


def read_communes(held: frozenset[str], province: str) -> tuple[dict[str, str], bool]:
    """Code -> name of the communes of ``province`` in ``held`` (by code), and whether they
    are all of the province's (then the aggregates are read by province alone: testing each
    row against a hundred codes costs more than the index saves)."""
    rows = db.session.execute(select(AdminUnit.code, AdminUnit.name)
                              .where(AdminUnit.province_code == province)
                              .order_by(AdminUnit.code)).all()
    found = {code: name for code, name in rows if code in held}
    return found, len(found) == len(rows)


def read_province_names(codes: list[str]) -> dict[str, str]:
    """Code -> name of these provinces, by code."""
    names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)
                                    .where(AdminUnit.code.in_(codes))).all())
    return {code: names.get(code, code) for code in sorted(codes)}


def _where(model, province: str, communes: list[str] | None, period: Period,
           cut: Slice) -> list:
    """``communes`` None: every commune of the province."""
    conditions = [model.province_code == province, model.month >= period.first,
                  model.month <= period.last]
    if communes is not None:
        conditions.append(model.commune_code.in_(communes))
    if cut.sex is not None:
        conditions.append(model.sex.in_((cut.sex, "")))
    if cut.age_band is not None:
        conditions.append(model.age_band.in_((cut.age_band, "")))
    return conditions


def read_counts(province: str, communes: list[str] | None, period: Period,
                cut: Slice) -> Counts:
    """Counts summed over the period, per cohort (the reporting measures kept per month)."""
    table = AggregateCount
    month = case((table.measure.in_(MONTHLY), table.month), else_=literal(None))
    cohort = case((table.age_band.in_(CHILD_CASCADE), literal("child")),
                  (table.age_band.in_(ADULT_CASCADE), literal("adult")), else_=literal(""))
    query = (select(table.commune_code, table.measure, table.instrument, cohort.label("c"),
                    month.label("m"), func.sum(table.value))
             .where(*_where(table, province, communes, period, cut))
             .group_by(table.commune_code, table.measure, table.instrument, cohort, month))
    return {(code, measure, instrument, group, at): int(total)
            for code, measure, instrument, group, at, total in db.session.execute(query)}


def read_values(province: str, communes: list[str] | None, period: Period, cut: Slice,
                bands: tuple[str, ...]) -> Values:
    """Value distributions of ``bands`` summed over the period, sex and instrument."""
    table = AggregateValue
    query = (select(table.commune_code, table.measure, table.amount, func.sum(table.value))
             .where(*_where(table, province, communes, period, cut),
                    table.age_band.in_(bands))
             .group_by(table.commune_code, table.measure, table.amount))
    found: Values = defaultdict(dict)
    for code, measure, amount, total in db.session.execute(query):
        found[(code, measure)][int(amount)] = int(total)
    return dict(found)


def read_population(communes: list[str], years: list[int]) -> dict[tuple[str, str], int]:
    """(commune, group) -> the sum over ``years`` of its population number."""
    query = (select(Denominator.commune_code, Denominator.group_name, func.sum(Denominator.value))
             .where(Denominator.commune_code.in_(communes), Denominator.year.in_(years))
             .group_by(Denominator.commune_code, Denominator.group_name))
    return {(code, group): int(total) for code, group, total in db.session.execute(query)}


def read_overdue(communes: list[str], today: date) -> dict[tuple[str, bool], int]:
    """(commune, referral work?) -> open actions past due today, of visible persons."""
    referral = CaseAction.kind.in_(REFERRAL_KINDS)
    query = (select(Person.commune_code, referral, func.count())
             .select_from(CaseAction).join(Person, Person.id == CaseAction.person_id)
             .where(CaseAction.state == "open", CaseAction.due < today,
                    Person.commune_code.in_(communes), Person.locked_at.is_(None),
                    Person.merged_into_id.is_(None))
             .group_by(Person.commune_code, referral))
    return {(code, bool(is_referral)): int(count)
            for code, is_referral, count in db.session.execute(query)}
