"""Population denominators per commune, year and group (issue 12): read, typed, totalled.

- ``read_year`` and ``count_of`` read a year (2000-2100, else 400.70) and a count as people
  write them: ASCII digits, optionally grouped by threes with a dot or a space, the Vietnamese
  way (``1.234`` = ``1 234`` = 1234); a spreadsheet's whole number (``80.0``) too. Anything
  else (a sign, a fraction, a comma, other digits, more than ``MAX_COUNT``) is not a count.
- ``communes_of`` and ``read_table``: the communes of one province the caller holds, by code,
  with each group's stored number and who entered the latest of them, when and how.
- ``province_totals``: per province of the caller's scope, each group's sum over the caller's
  communes, and how many of them have a number.
- ``set_values`` writes numbers (None removes one). Every commune is checked against the caller's
  scope before anything changes (400.44 for one outside it, so another province's numbers are
  never written). A number equal to the stored one keeps its author; every number written
  records who entered it, when, and how (``page`` or ``import``). Audited once per province
  touched (``population.set`` or ``population.import``, target the province), with the year,
  the commune codes and how many numbers were written or removed: never the numbers.

Who may use these (coordinators and admins) is the surface's decision. Flushes, never commits.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from server import problems
from server.extensions import db
from server.models import AdminUnit, Denominator, User
from server.models.programme_data import POPULATION_GROUPS
from server.models.types import utcnow
from server.services.access.scope import Scope
from server.services.audit import Actor, record_event

YEARS = (2000, 2100)
MAX_COUNT = 9_999_999  # within a 32-bit integer column; no commune is near it
SOURCES = ("page", "import")
ECHOED = 40  # at most this much of a wrong value is said back
_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:[. \u00a0][0-9]{3})+")


@dataclass(frozen=True)
class Entered:
    """Who entered a number, when and how."""

    username: str | None  # None: the system (the command line)
    at: datetime
    source: str


@dataclass(frozen=True)
class CommuneRow:
    code: str
    name: str
    values: dict[str, int]
    entered: Entered | None  # of the latest of its numbers


@dataclass(frozen=True)
class ProvinceTotal:
    code: str
    name: str
    values: dict[str, int]
    communes_entered: int  # the caller's communes with at least one number
    communes: int  # the caller's communes in the province


@dataclass(frozen=True)
class Changes:
    written: int
    removed: int


def read_year(text: str | None) -> int:
    """A year written with 4 ASCII digits within ``YEARS``; 400.70 otherwise."""
    found = year_of(text)
    if found is None:
        raise problems.year_unreadable((text or "")[:ECHOED])
    return found


def year_of(value: object) -> int | None:
    """A year from a form or a spreadsheet cell (text or a whole number), or None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = value.strip() if isinstance(value, str) else ""
    if len(text) != 4 or not (text.isascii() and text.isdigit()):
        return None
    return int(text) if YEARS[0] <= int(text) <= YEARS[1] else None


def count_of(value: object) -> int | None:
    """A count from a form or a spreadsheet cell; None when empty; ``ValueError`` when it is
    not a whole number from 0 to ``MAX_COUNT``."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if not _COUNT.fullmatch(text):
            raise ValueError(text)
        number = int(re.sub(r"[. \u00a0]", "", text))
    if not 0 <= number <= MAX_COUNT:
        raise ValueError(number)
    return number


def communes_of(scope: Scope, province: str) -> dict[str, str]:
    """Code -> name of the communes of ``province`` within ``scope``, by code."""
    rows = db.session.execute(
        select(AdminUnit.code, AdminUnit.name)
        .where(AdminUnit.province_code == province, AdminUnit.code.in_(scope.communes))
        .order_by(AdminUnit.code))
    return {code: name for code, name in rows}


def read_table(scope: Scope, year: int, province: str) -> list[CommuneRow]:
    """One row per commune of ``province`` the caller holds, with its numbers of ``year``."""
    communes = communes_of(scope, province)
    found: dict[str, list[tuple[Denominator, str | None]]] = defaultdict(list)
    query = (select(Denominator, User.username)
             .outerjoin(User, User.id == Denominator.entered_by_id)
             .where(Denominator.year == year, Denominator.commune_code.in_(list(communes))))
    for row, username in db.session.execute(query):
        found[row.commune_code].append((row, username))
    table = []
    for code, name in communes.items():
        stored = found.get(code, [])
        latest = max(stored, key=lambda item: (item[0].entered_at, item[0].id), default=None)
        entered = None if latest is None else \
            Entered(latest[1], latest[0].entered_at, latest[0].source)
        table.append(CommuneRow(code, name, {d.group_name: d.value for d, _ in stored},
                                entered))
    return table


def province_totals(scope: Scope, year: int) -> list[ProvinceTotal]:
    """Per province of ``scope`` (by code): the sums over the caller's communes of ``year``."""
    communes = list(scope.communes)
    sums = db.session.execute(
        select(AdminUnit.province_code, Denominator.group_name, func.sum(Denominator.value),
               func.count(Denominator.id))
        .join(AdminUnit, AdminUnit.code == Denominator.commune_code)
        .where(Denominator.year == year, Denominator.commune_code.in_(communes))
        .group_by(AdminUnit.province_code, Denominator.group_name))
    entered = db.session.execute(
        select(AdminUnit.province_code, func.count(func.distinct(Denominator.commune_code)))
        .join(AdminUnit, AdminUnit.code == Denominator.commune_code)
        .where(Denominator.year == year, Denominator.commune_code.in_(communes))
        .group_by(AdminUnit.province_code))
    held = db.session.execute(
        select(AdminUnit.province_code, func.count(AdminUnit.code))
        .where(AdminUnit.code.in_(communes)).group_by(AdminUnit.province_code))
    names = dict(db.session.execute(select(AdminUnit.code, AdminUnit.name)
                                    .where(AdminUnit.code.in_(list(scope.provinces)))).all())
    values: dict[str, dict[str, int]] = defaultdict(dict)
    for province, group, total, _ in sums:
        values[province][group] = int(total)
    with_numbers, counts = dict(entered.all()), dict(held.all())
    return [ProvinceTotal(code, names.get(code, code), values.get(code, {}),
                          with_numbers.get(code, 0), counts.get(code, 0))
            for code in sorted(scope.provinces)]


def set_values(actor: Actor, scope: Scope, year: int,
               values: Mapping[tuple[str, str], int | None], source: str = "page") -> Changes:
    """Write ``(commune, group) -> count`` for ``year`` (None removes the number)."""
    _check(scope, year, values, source)
    stored = {(d.commune_code, d.group_name): d for d in db.session.scalars(
        select(Denominator).where(Denominator.year == year,
                                  Denominator.commune_code.in_({c for c, _ in values})))}
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # commune -> written, removed
    author, now = (actor.id if actor.type == "user" else None), utcnow()
    for (code, group), value in sorted(values.items()):
        row = stored.get((code, group))
        if value is None and row is not None:
            db.session.delete(row)
            tally[code][1] += 1
        elif value is not None and (row is None or row.value != value):
            if row is None:
                row = Denominator(commune_code=code, year=year, group_name=group)
                db.session.add(row)
            row.value, row.source, row.entered_by_id, row.entered_at = value, source, author, now
            tally[code][0] += 1
    db.session.flush()
    _audit(actor, year, source, tally)
    return Changes(sum(w for w, _ in tally.values()), sum(r for _, r in tally.values()))


def _check(scope: Scope, year: int, values: Mapping[tuple[str, str], int | None],
           source: str) -> None:
    if not (isinstance(year, int) and YEARS[0] <= year <= YEARS[1]):
        raise problems.year_unreadable(str(year)[:ECHOED])
    if source not in SOURCES:
        raise problems.bad_request("source")
    for (code, group), value in sorted(values.items()):
        if not scope.covers_commune(code):
            raise problems.commune_outside_area(code[:ECHOED])
        if group not in POPULATION_GROUPS:
            raise problems.bad_request("group")
        if value is not None and not 0 <= value <= MAX_COUNT:
            raise problems.population_value_unreadable(code, group)


def _audit(actor: Actor, year: int, source: str, tally: Mapping[str, list[int]]) -> None:
    """One row per province touched: the year, its communes changed, how many numbers were
    written and removed."""
    provinces = dict(db.session.execute(select(AdminUnit.code, AdminUnit.province_code)
                                        .where(AdminUnit.code.in_(list(tally)))).all())
    by_province: dict[str, list[str]] = defaultdict(list)
    for code in sorted(tally):
        by_province[provinces[code]].append(code)
    for province, communes in sorted(by_province.items()):
        record_event(actor, "population.set" if source == "page" else "population.import",
                     "area", province, year=year, communes=communes,
                     values=sum(tally[c][0] for c in communes),
                     removed=sum(tally[c][1] for c in communes))
