"""What a change of a province's threshold table would do, before it is confirmed (issue 12).

``preview_table`` scores the province's open results again under the proposed table, in
memory, and writes nothing (not even an audit row: the confirmed change is audited). An *open
result* is a current screening (not superseded by an edit) of a person of the province who is
active (not locked by a withdrawal of consent, not merged into another record) and whose case
has at least one open action. Each is scored from its stored raw answers with the same code as
re-scoring (``sync.rescore``, hence ``screening_tools``) and compared with the result stored
now: per instrument, how many would change band (the total's band, e.g. EPDS ``low`` ->
``possible_depression``), how many would change screen-positive status (the ``screen_positive``
of instruments with a cut-off: PHQ-9, GAD-7, SRQ-20, EPDS, M-CHAT-R/F Follow-Up), and how many
would change either. ``rescored`` counts every current screening of the province, open or not,
whose result names another table than the proposed one: those are re-scored once the change is
confirmed (``cases/rescoring.py``).

The caller has checked that the province is theirs (``settings.check_province``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from server.extensions import db
from server.models import AdminUnit, Case, CaseAction, Person, Screening
from server.programme import table_label
from server.services.cases import casework
from sync import rescore


@dataclass(frozen=True)
class InstrumentChange:
    instrument: str
    open_results: int
    band_changes: int
    positive_changes: int
    changed: int  # band or screen-positive status, or both


@dataclass(frozen=True)
class Preview:
    province: str
    before: str  # table in force now
    after: str  # table proposed
    rows: tuple[InstrumentChange, ...]
    rescored: int  # current screenings of the province (all re-scored on confirm)

    @property
    def open_results(self) -> int:
        return sum(row.open_results for row in self.rows)

    @property
    def changed(self) -> int:
        return sum(row.changed for row in self.rows)


def _of_province(province: str):
    return (Screening.superseded_by_id.is_(None), Person.locked_at.is_(None),
            Person.merged_into_id.is_(None), AdminUnit.province_code == province)


def preview_table(province: str, before: str, after: str) -> Preview:
    """Open results of ``province`` scored under table ``after`` (module docstring)."""
    has_open_work = exists().where(Case.person_id == Screening.person_id,
                                   CaseAction.case_id == Case.id, CaseAction.state == "open")
    screenings = db.session.scalars(
        select(Screening).join(Person, Person.id == Screening.person_id)
        .join(AdminUnit, AdminUnit.code == Person.commune_code)
        .where(*_of_province(province), has_open_work).order_by(Screening.id))
    counts: dict[str, Counter] = {}
    for screening in screenings:
        stored = screening.result or {}
        new = rescore(casework.outcome_of(screening), thresholds=after).result or {}
        band = stored.get("band") != new.get("band")
        positive = stored.get("screen_positive") != new.get("screen_positive")
        count = counts.setdefault(screening.instrument, Counter())
        count.update(open=1, band=int(band), positive=int(positive),
                     changed=int(band or positive))
    rescored = db.session.scalar(
        select(func.count(Screening.id)).join(Person, Person.id == Screening.person_id)
        .join(AdminUnit, AdminUnit.code == Person.commune_code)
        .where(Screening.superseded_by_id.is_(None), AdminUnit.province_code == province,
               Screening.thresholds.is_distinct_from(table_label(after))))
    rows = tuple(InstrumentChange(name, c["open"], c["band"], c["positive"], c["changed"])
                 for name, c in sorted(counts.items()))
    return Preview(province, before, after, rows, rescored or 0)
