"""Keeping the dashboard aggregates (``models/aggregate.py``) up to date, and rebuilding them.

A change to the records a measure counts marks its commune and year dirty: ``mark_dirty``
only remembers the pair on the session (``aggregate_marks`` finds the changes at each flush),
and ``write_marks``, a ``before_commit`` hook, writes them in one INSERT ... ON CONFLICT per
transaction, stamping ``marked_at``; a rollback drops them with the rest (on PostgreSQL that
statement also carries the transaction's audit rows, one round trip for both). The
``refresh_aggregates`` job then recomputes each dirty commune-year from the records
(``recompute``: delete its cells, insert the ones ``aggregate_queries.tally`` counts) and
deletes its mark only if nobody marked it again meanwhile (``marked_at`` unchanged), so a
change committed during a recompute is never lost. ``rebuild`` marks every commune-year that
has records or cells and recomputes them all. Services here flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, extract, insert, select, text, union

from server.extensions import db
from server.models import (
    AdminUnit,
    AggregateCount,
    AggregateDirty,
    AggregateValue,
    CaseAction,
    Person,
    Referral,
    Screening,
    Submission,
)
from server.models.types import utcnow
from server.services import audit
from server.services.programme import aggregate_queries
from server.services.programme.aggregate_terms import shifted

_MARKS = "sangloc_aggregate_marks"
#: whether changes mark communes dirty; only the benchmark turns it off, to measure the cost
marking = True


@dataclass(frozen=True)
class Mark:
    commune_code: str
    year: int
    marked_at: datetime


def mark_dirty(commune_code: str | None, year: int | None, session=None) -> None:
    """Remember that ``commune_code``'s aggregates of ``year`` must be recomputed; written
    once, at the commit (``write_marks``)."""
    if marking and commune_code and year:
        (session or db.session).info.setdefault(_MARKS, set()).add((commune_code, int(year)))


def write_marks(session) -> None:
    """Session ``before_commit`` hook: flush what is pending (its changes mark communes too),
    then write the transaction's marks in one statement."""
    if not marking:
        return
    session.flush()
    marks = session.info.pop(_MARKS, None)
    if marks:
        _upsert(session, sorted(marks))


def has_marks(session) -> bool:
    """Whether marks wait for this session's next commit."""
    return bool(session.info.get(_MARKS))


def drop_marks(session, *_args) -> None:
    """Session ``after_soft_rollback`` hook: the marks go with the rolled-back work."""
    session.info.pop(_MARKS, None)


#: the mark write in each driver's own parameter style. It runs at every commit that marks
#: something, so it goes straight to the transaction's DBAPI cursor: SQLAlchemy's statement
#: machinery was half its cost (``bench/run_aggregates.py``). Both engines know INSERT ... ON
#: CONFLICT DO UPDATE; the time is stored as ``UTCDateTime`` stores it (naive UTC; on SQLite
#: in SQLAlchemy's text form), so ``refresh_mark`` compares it exactly.
_UPSERT_ROWS = ("INSERT INTO agg_dirty (commune_code, year, marked_at) VALUES {0} "
                "ON CONFLICT (commune_code, year) DO UPDATE SET marked_at = excluded.marked_at")
_UPSERT = _UPSERT_ROWS.format("({0}, {0}, {0})")  # one row, in the driver's placeholder style
_PLACEHOLDERS = {"postgresql": "%s", "sqlite": "?"}
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


def _upsert(session, pairs) -> None:
    """Mark ``pairs`` dirty now; a pair already marked gets the new time (see ``refresh``).
    On PostgreSQL the transaction's pending audit rows go in the same statement."""
    connection = session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        rows = audit.take_pending(session)
        if rows:
            _upsert_with_audit(connection, pairs, rows)
            return
    now = utcnow().replace(tzinfo=None)
    stamp = now.strftime(SQLITE_TIME) if dialect == "sqlite" else now
    sql, rows = _UPSERT.format(_PLACEHOLDERS[dialect]), [(c, y, stamp) for c, y in pairs]
    cursor = connection.connection.cursor()
    try:
        if len(rows) == 1:  # the common case: one commune and year
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)
    finally:
        cursor.close()


def _upsert_with_audit(connection, pairs, rows) -> None:
    """``WITH audit AS (INSERT INTO audit_events ...) INSERT INTO agg_dirty ... ON CONFLICT``:
    the marks and the audit rows in one round trip (both written, whatever the other does),
    on the DBAPI cursor as ``_upsert``, the time stamped as there."""
    now = utcnow().replace(tzinfo=None)
    sql, params = audit.insert_cte(rows)
    marks = ", ".join(["(%s, %s, %s)"] * len(pairs))
    for commune_code, year in pairs:
        params += [commune_code, year, now]
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql + _UPSERT_ROWS.format(marks), params)
    finally:
        cursor.close()


def recompute(commune_code: str, year: int) -> int:
    """Replace ``commune_code``'s cells of ``year`` with a fresh count; how many cells."""
    if db.session.get_bind().dialect.name == "postgresql":
        # a few small grouped queries: compiling them to machine code (JIT) costs more than
        # it saves, and PostgreSQL's estimate of a recursive query can invite it
        db.session.execute(text("SET LOCAL jit = off"))
    province = db.session.scalar(select(AdminUnit.province_code)
                                 .where(AdminUnit.code == commune_code)) or ""
    found = aggregate_queries.tally(commune_code, year)
    for table in (AggregateCount.__table__, AggregateValue.__table__):
        db.session.execute(delete(table).where(
            table.c.commune_code == commune_code, table.c.month >= date(year, 1, 1),
            table.c.month < date(year + 1, 1, 1)))
    where = {"province_code": province, "commune_code": commune_code}
    if found.counts:
        db.session.execute(insert(AggregateCount.__table__), [
            {**where, "measure": measure, "month": month, "instrument": instrument,
             "sex": sex, "age_band": band, "value": n}
            for (measure, month, instrument, sex, band), n in sorted(found.counts.items())])
    if found.values:
        db.session.execute(insert(AggregateValue.__table__), [
            {**where, "measure": measure, "month": month, "instrument": instrument,
             "sex": sex, "age_band": band, "amount": amount, "value": n}
            for (measure, month, instrument, sex, band, amount), n
            in sorted(found.values.items())])
    return len(found.counts) + len(found.values)


def dirty_marks(limit: int | None = None) -> list[Mark]:
    """The commune-years waiting for a recompute, the longest waiting first."""
    query = select(AggregateDirty.commune_code, AggregateDirty.year, AggregateDirty.marked_at) \
        .order_by(AggregateDirty.marked_at, AggregateDirty.commune_code, AggregateDirty.year)
    return [Mark(*row) for row in db.session.execute(query.limit(limit))]


def refresh_mark(mark: Mark) -> int:
    """Recompute one dirty commune-year; its mark goes only if it was not marked again since
    it was read (then the next refresh recomputes it once more)."""
    cells = recompute(mark.commune_code, mark.year)
    db.session.execute(delete(AggregateDirty).where(
        AggregateDirty.commune_code == mark.commune_code, AggregateDirty.year == mark.year,
        AggregateDirty.marked_at == mark.marked_at))
    return cells


def refresh(limit: int | None = None) -> int:
    """Recompute up to ``limit`` dirty commune-years in this unit of work; how many.
    Marks this transaction made but has not written yet are written first."""
    write_marks(db.session)
    marks = dirty_marks(limit)
    for mark in marks:
        refresh_mark(mark)
    return len(marks)


def mark_all() -> int:
    """Mark dirty every commune-year that has records or cells; how many."""
    local = 7  # hours: Vietnam's year of a UTC moment
    sources = (
        select(Person.commune_code, extract("year", Screening.screened_on))
        .join(Person, Person.id == Screening.person_id),
        select(Person.commune_code, extract("year", Referral.made_on))
        .join(Person, Person.id == Referral.person_id),
        select(Person.commune_code, extract("year", shifted(CaseAction.opened_at, hours=local)))
        .join(Person, Person.id == CaseAction.person_id),
        select(Submission.commune_code,
               extract("year", shifted(Submission.received_at, hours=local)))
        .where(Submission.commune_code.is_not(None)),
        select(AggregateCount.commune_code, extract("year", AggregateCount.month)),
        select(AggregateValue.commune_code, extract("year", AggregateValue.month)),
    )
    pairs = sorted({(commune, int(year)) for commune, year
                    in db.session.execute(union(*sources)) if commune and year})
    if pairs:
        _upsert(db.session, pairs)
    return len(pairs)


def rebuild() -> int:
    """Recompute every commune-year from the records, in this unit of work; how many."""
    mark_all()
    return refresh(None)
