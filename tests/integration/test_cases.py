"""A supervisor's work on cases and persons: state changes, merging, re-scoring (closing
actions: tests/integration/test_actions.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import (
    AuditEvent,
    Case,
    CaseAction,
    CaseEvent,
    Person,
    PersonLink,
    Screening,
    ScreeningResult,
)
from server.programme import VIETNAM, Programme
from server.services.audit import SYSTEM, record_event
from server.services.cases import casework, persons, reads, rescoring
from tests.support.instances import mchat_answers, phq9_answers, screening_instance
from tests.support.problems import raises_problem


@pytest.fixture
def forms_ready(publish_bundled):
    publish_bundled("mchat_r", "phq9")


def today() -> date:
    return datetime.now(VIETNAM).date()


def the_case() -> Case:
    db.session.expire_all()
    return db.session.scalar(select(Case))


def test_state_changes_are_events_with_a_reason(forms_ready, device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 1, 1)))
    case = the_case()
    with raises_problem("400.13"), transaction():  # a reason is required
        casework.set_case_state(SYSTEM, case.id, "in_review", " ")
    with transaction():
        casework.set_case_state(SYSTEM, case.id, "referred", "sent to provincial hospital")
    case = the_case()
    assert case.state == "referred"
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "state"))
    assert event.reason == "sent to provincial hospital"
    assert event.detail == {"before": "new", "after": "referred"}


def test_a_case_event_is_seen_in_its_transaction_and_dropped_with_a_rollback(forms_ready,
                                                                               device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 1, 1)))
    case = the_case()
    kinds = [e.kind for e in reads.events_of(case)]
    with pytest.raises(RuntimeError), transaction():
        casework.set_case_state(SYSTEM, case.id, "in_review", "looking at it")
        # the case page in the same transaction shows the change's event, newest first
        assert [e.kind for e in reads.events_of(case)] == ["state", *kinds]
        raise RuntimeError("the unit of work fails after the change")
    db.session.expire_all()
    assert [e.kind for e in reads.events_of(case)] == kinds  # gone with the rollback
    with pytest.raises(RuntimeError), transaction():  # the same, the event not read first
        casework.set_case_state(SYSTEM, case.id, "in_review", "looking at it")
        raise RuntimeError("the unit of work fails after the change")
    with transaction():
        casework.set_case_state(SYSTEM, case.id, "in_review", "looking at it")
    # once: the rolled-back one was not kept for the next commit
    assert db.session.scalars(select(CaseEvent.reason).where(CaseEvent.kind == "state")).all() \
        == ["looking at it"]


@pytest.mark.parametrize("queue", ["case event", "audit row"])
def test_a_row_queued_before_any_sql_is_dropped_with_its_rollback(forms_ready, device, queue):
    """A unit of work whose first act is to queue a row for its commit (a case event, an audit
    row) and that then fails: the row goes with it, not into the next commit."""
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 1, 1)))
    case = the_case()
    db.session.commit()  # the case keeps its id; the next unit begins with no SQL
    with pytest.raises(RuntimeError), transaction():
        if queue == "case event":
            casework.event(SYSTEM, case, "step", reason="never happened")
        else:
            record_event(SYSTEM, "case.update", "case", case.id, never="happened")
        raise RuntimeError("the unit of work fails before any SQL")
    with transaction():
        db.session.get(Case, case.id)  # a later unit of work on the same session
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "step")) is None
    assert not db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.update")).all()


def test_closed_case_reopens_on_a_new_concern(forms_ready, device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(0), dob=date(2023, 1, 1)))
    case = the_case()
    with transaction():
        casework.set_case_state(SYSTEM, case.id, "closed", "screen negative")
    person = db.session.scalar(select(Person))
    device.collect.submit(screening_instance("mchat_r", mchat_answers(9), dob=date(2023, 1, 1),
                                             person_id=person.id))
    assert the_case().state == "new"


def test_merging_duplicates_keeps_both_histories(forms_ready, make_device):
    a, b = make_device("ctv-a"), make_device("ctv-b")
    a.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 1, 1),
                                        name="Hồ Thị Thu"))
    b.collect.submit(screening_instance("phq9", phq9_answers(), group="phq9",
                                        dob=date(2025, 1, 1), name="ho thi thu"))
    link = db.session.scalar(select(PersonLink))
    with transaction():
        persons.merge_persons(SYSTEM, link.other_id, link.person_id)
    db.session.expire_all()
    kept = db.session.get(Person, link.other_id)
    other = db.session.get(Person, link.person_id)
    assert other.merged_into_id == kept.id
    assert {s.instrument for s in db.session.scalars(
        select(Screening).where(Screening.person_id == kept.id))} == {"mchat_r", "phq9"}
    assert db.session.get(PersonLink, link.id).resolution == "merged"
    states = {c.person_id: c.state for c in db.session.scalars(select(Case))}
    assert states[other.id] == "closed" and states[kept.id] == "new"


def test_rescoring_after_a_threshold_change_keeps_the_old_result(forms_ready, device, app):
    """PHQ-9 total 5 is 'mild' in both tables; the Vietnamese table (instruments.md §4) also
    marks it screen-positive at >= 4: the re-score names the new table and keeps the old."""
    device.collect.submit(screening_instance("phq9", phq9_answers(q01=2, q02=3), group="phq9",
                                             dob=date(1985, 6, 1)))
    config = Programme("vietnam")
    assert rescoring.stale_screening_ids("international") == []
    stale = rescoring.stale_screening_ids("vietnam")
    assert len(stale) == 1
    with transaction():
        rescoring.rescore_screening(SYSTEM, stale[0], config)
    db.session.expire_all()
    screening = db.session.scalar(select(Screening))
    assert screening.thresholds == "vietnam@2" and screening.total == 5
    assert screening.result["screen_positive"] is True
    history = db.session.scalar(select(ScreeningResult))
    assert history.thresholds == "international@2" and history.result["total"] == 5
    assert rescoring.stale_screening_ids("vietnam") == []
    # PHQ-9 5 is mild (a rescreen) under international@2 and screen-positive under
    # vietnam@2: the re-scored result is medium risk on the worklist, but re-scoring opens and
    # closes no work (it runs over old screenings too): the rescreen opened at merge stays
    rules = sorted(a.rule for a in db.session.scalars(select(CaseAction)) if a.is_open)
    assert rules == ["phq.mild"]
    assert screening.risk == "medium"


def test_case_management_step_changes_with_its_reason(forms_ready, device):
    device.collect.submit(screening_instance("mchat_r", mchat_answers(8), dob=date(2025, 1, 1)))
    case = the_case()
    with raises_problem("400.16"), transaction():  # no such case-management step
        casework.set_case_state(SYSTEM, case.id, "in_review", "checking", step="dancing")
    with transaction():
        casework.set_case_state(SYSTEM, case.id, "in_review", "home visit planned", step="plan")
    case = the_case()
    assert (case.state, case.step) == ("in_review", "plan")
    kinds = [e.kind for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.id))]
    assert kinds[-2:] == ["step", "state"]
