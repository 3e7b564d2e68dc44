"""Re-scoring screenings when the threshold table or an instrument's rules change (a job).

A screening is stale when its result names another threshold table version than the one in force
for its person's province (the province's own table, else the server's default,
``programme/settings.py``), or another rules version of its instrument. Re-scoring works from
the stored raw answers (never the old score), keeps the previous result in
``screening_results``, updates the screening and its risk. It opens and closes no work: a re-
scored result changes the case's risk on the worklist, and a person decides what follows (re-
scoring runs over old screenings too, whose work was done long ago). Each screening is its own
unit of work when the job runs it (the job commits); ``rescore_province`` re-scores one
province's stale screenings at once, up to a bound, in the caller's unit of work (a confirmed
change of its table).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

import screening_tools
from server.extensions import db
from server.models import AdminUnit, Person, ProvinceSetting, Screening, ScreeningResult
from server.programme import Programme, table_label
from server.services.audit import Actor, record_event
from server.services.cases import casework
from server.services.programme import settings
from sync import pathway, rescore


def stale_screening_ids(default: str, limit: int = 1000, *,
                        province: str | None = None) -> list[int]:
    """Current screenings whose table or rules are not those in force for their province
    (``default``: the server's table), oldest first; only ``province``'s when given."""
    query = (select(Screening.id, Screening.instrument, Screening.thresholds,
                    Screening.rules_version, ProvinceSetting.thresholds.label("own"))
             .join(Person, Person.id == Screening.person_id)
             .join(AdminUnit, AdminUnit.code == Person.commune_code)
             .outerjoin(ProvinceSetting,
                        ProvinceSetting.province_code == AdminUnit.province_code)
             .where(Screening.superseded_by_id.is_(None)).order_by(Screening.id))
    if province is not None:
        query = query.where(AdminUnit.province_code == province)
    labels = {name: table_label(name) for name in screening_tools.THRESHOLD_TABLES}
    stale = []
    for row in db.session.execute(query):
        rules = screening_tools.get_instrument(row.instrument).rules_version
        label = labels.get(row.own) or labels[default]
        if row.thresholds != label or row.rules_version != rules:
            stale.append(row.id)
            if len(stale) >= limit:
                break
    return stale


AT_ONCE = 500  # screenings a confirmed change re-scores in its own request; the job does more


@dataclass(frozen=True)
class Rescored:
    rescored: int
    changed: int
    left: bool  # more stale screenings remain for the job


def rescore_province(actor: Actor, province: str, config: Programme,
                     limit: int = AT_ONCE) -> Rescored:
    """Re-score up to ``limit`` stale screenings of ``province`` now (``config``: the
    server's defaults); the job re-scores any left."""
    stale = stale_screening_ids(config.thresholds, limit + 1, province=province)
    changed = sum(rescore_screening(actor, screening_id, config)
                  for screening_id in stale[:limit])
    return Rescored(min(len(stale), limit), changed, len(stale) > limit)


def rescore_screening(actor: Actor, screening_id: int, config: Programme) -> bool:
    """Re-score one screening under its province's settings (``config``: the server's
    defaults); returns whether its result changed."""
    screening = db.session.get(Screening, screening_id)
    person = db.session.get(Person, screening.person_id)
    config = settings.programme_for_commune(person.commune_code, config)
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
    screening.risk = pathway.risk_of(outcome, on=screening.screened_on, dob=person.dob,
                                     table=config.thresholds,
                                     date_refused=screening.date_refused)
    return changed
