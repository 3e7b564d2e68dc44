"""The dashboard tables an export can be made of, registered by key, suppressed on the way out.

A table is built by a function ``(scope, filters) -> Table`` giving raw counts: columns that
are ``label`` (a commune, an instrument), ``count`` (a whole number) or ``percent`` (a rate of
two count columns of the same row, named in ``of``, computed here and never by the builder).
``shown_table`` turns it into the file's header and rows with every count through small-cell
suppression (``programme/suppression.py``: 1-4 becomes "<5") and every rate left empty when
either of its counts is suppressed or its denominator is 0, so no export of a table can show a
small cell. Registering a dashboard table is one line::

    register_table("coverage", _l("Screening coverage"), indicators.coverage_table)

``commune_screenings`` is registered here: per commune of the scope, the current screenings
in the period and the persons they are of, and the share at high risk. It reads the records
directly (an export is a background job, not a page view).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from server.extensions import db
from server.models import AdminUnit, Person, Screening
from server.services.access.scope import Scope, visible
from server.services.exports.filters import Filters, narrowed
from server.services.programme.suppression import SUPPRESSED, shown_count, shown_rate

KINDS = ("label", "count", "percent")


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a (lazy) translated string
    kind: str = "count"
    of: tuple[str, str] | None = None  # a percent's numerator and denominator columns

    def __post_init__(self) -> None:
        if self.kind not in KINDS or (self.kind == "percent") != (self.of is not None):
            raise ValueError(f"column {self.key!r}: a percent names its two counts, no other")


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)  # column key -> raw value


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: Any
    build: Callable[[Scope, Filters], Table]


TABLES: dict[str, TableSpec] = {}


def register_table(key: str, title: Any, build: Callable[[Scope, Filters], Table]) -> None:
    """Offer the table ``key`` for export (``kind=table:<key>``); a key is registered once."""
    if key in TABLES:
        raise ValueError(f"table {key!r} is registered twice")
    if not key or len(key) > 40 or not all(c.isascii() and (c.isalnum() or c == "_")
                                           for c in key):
        raise ValueError(f"table key {key!r}: 1-40 ASCII letters, digits or _")
    TABLES[key] = TableSpec(key, title, build)


def shown_table(table: Table, language: str = "vi") -> tuple[list[str], list[list[Any]]]:
    """The header (column labels in ``language``) and rows as they may be shown: suppressed
    and rated."""
    with force_locale(language):
        header = [str(column.label) for column in table.columns]
    return header, [[_cell(column, row) for column in table.columns] for row in table.rows]


def _cell(column: Column, row: dict[str, Any]) -> Any:
    if column.kind == "label":
        return row.get(column.key)
    if column.kind == "count":
        return shown_count(row.get(column.key))
    numerator, denominator = column.of  # type: ignore[misc]
    rate = shown_rate(row.get(numerator), row.get(denominator))
    return rate.percent if rate.percent is not None else ""


def commune_screenings(scope: Scope, found: Filters) -> Table:
    """Per commune: current screenings in the period, persons screened, at high risk."""
    high = case((Screening.risk.in_(("high", "urgent")), 1), else_=0)
    conditions = [*visible(narrowed(scope, found)), Screening.superseded_by_id.is_(None)]
    if found.date_from:
        conditions.append(Screening.screened_on >= found.date_from)
    if found.date_to:
        conditions.append(Screening.screened_on <= found.date_to)
    if found.instrument:
        conditions.append(Screening.instrument == found.instrument)
    if found.sex:
        conditions.append(Person.sex == found.sex)
    query = (select(Person.commune_code, AdminUnit.name, func.count(Screening.id),
                    func.count(func.distinct(Screening.person_id)), func.sum(high))
             .join(Person, Person.id == Screening.person_id)
             .join(AdminUnit, AdminUnit.code == Person.commune_code)
             .where(*conditions).group_by(Person.commune_code, AdminUnit.name)
             .order_by(Person.commune_code))
    rows = [{"commune_code": code, "commune": name, "screenings": screenings,
             "persons": persons, "high_risk": int(high_risk or 0)}
            for code, name, screenings, persons, high_risk in db.session.execute(query)]
    return Table(COMMUNE_SCREENING_COLUMNS, rows)


COMMUNE_SCREENING_COLUMNS = (
    Column("commune_code", _l("Commune code"), "label"),
    Column("commune", _l("Commune"), "label"),
    Column("screenings", _l("Screenings")),
    Column("persons", _l("Persons screened")),
    Column("high_risk", _l("Screenings at high risk")),
    Column("high_risk_percent", _l("High risk (%)"), "percent", of=("high_risk", "screenings")),
)

register_table("commune_screenings", _l("Screenings per commune"), commune_screenings)

__all__ = ["SUPPRESSED", "TABLES", "Column", "Table", "TableSpec", "register_table",
           "shown_table"]
