"""Re-scoring screenings when the threshold table or an instrument's rules change (a job).

A screening is stale when its result names another threshold table version than the one in
force, or another rules version of its instrument. Re-scoring works from the stored raw answers
(never the old score), keeps the previous result in ``screening_results``, updates the screening
and its risk. It opens and closes no work: a re-scored result changes the case's risk on the
worklist, and a person decides what follows (re-scoring runs over old screenings too, whose work
was done long ago). Each screening is its own unit of work (the job commits).
"""

from __future__ import annotations

from sqlalchemy import select

import screening_tools
from server.extensions import db
from server.models import Person, Screening, ScreeningResult
from server.programme import Programme, table_label
from server.services.audit import Actor, record_event
from server.services.cases import casework
from sync import pathway, rescore


def stale_screening_ids(thresholds: str, limit: int = 1000) -> list[int]:
    label = table_label(thresholds)
    rows = db.session.execute(
        select(Screening.id, Screening.instrument, Screening.thresholds, Screening.rules_version)
        .where(Screening.superseded_by_id.is_(None)).order_by(Screening.id))
    stale = []
    for row in rows:
        rules = screening_tools.get_instrument(row.instrument).rules_version
        if row.thresholds != label or row.rules_version != rules:
            stale.append(row.id)
            if len(stale) >= limit:
                break
    return stale


def rescore_screening(actor: Actor, screening_id: int, config: Programme) -> bool:
    """Re-score one screening; returns whether its result changed."""
    screening = db.session.get(Screening, screening_id)
    outcome = rescore(casework.outcome_of(screening), thresholds=config.thresholds)
    db.session.add(ScreeningResult(
        screening_id=screening.id, result=screening.result, error=screening.error,
        thresholds=screening.thresholds, rules_version=screening.rules_version,
        reason="rescored"))
    changed = (outcome.result, outcome.error) != (screening.result, screening.error)
    result = outcome.result or {}
    screening.result, screening.error = outcome.result, outcome.error
    screening.total, screening.band = result.get("total"), result.get("band")
    screening.flags = list(outcome.flags)
    # an unscorable screening records the table and rules it was tried with, so it is not
    # picked up again until they change
    screening.thresholds = result.get("thresholds") or table_label(config.thresholds)
    screening.rules_version = result.get("rules_version") or \
        screening_tools.get_instrument(screening.instrument).rules_version
    record_event(actor, "screening.rescore", "screening", screening.id, changed=changed)
    person = db.session.get(Person, screening.person_id)
    screening.risk = pathway.risk_of(outcome, on=screening.screened_on, dob=person.dob,
                                     table=config.thresholds,
                                     date_refused=screening.date_refused)
    return changed
