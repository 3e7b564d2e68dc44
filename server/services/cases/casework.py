"""Cases: the work a screening opens, and the supervisor's changes to a case.

``apply_screening`` runs when a screening is stored (merge, re-scoring): it gets or creates the
person's case, lets the screening close what the pathway says a screening closes (a rescreen
by a new screening of the same family, the Follow-Up interview by the Follow-Up), moves an
edited screening's untouched open actions to its new version, and opens the actions the
pathway plans, once per (screening, rule), announcing urgent and review work to the area's
supervisors (``services/notify``). Nothing here closes or lowers other work: a later,
lower result adds its own. A closed case with new open work is opened again. Every change is a
``CaseEvent`` and an audit row; ``set_case_state`` changes the review state with a reason.
Closing an action by a person is in ``actions.py``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import Case, CaseAction, CaseEvent, Person, Screening
from server.models.case import CASE_STATES, CASE_STEPS
from server.models.types import utcnow
from server.programme import Programme
from server.services.audit import Actor, queue_for_commit, record_event
from server.services.notify import outbox
from sync import ScreeningOutcome, pathway


def outcome_of(screening: Screening) -> ScreeningOutcome:
    """Rebuild the pure outcome from a stored screening."""
    return ScreeningOutcome(
        instrument_id=screening.instrument, answers=dict(screening.answers),
        followup=dict(screening.followup or {}), result=screening.result, error=screening.error,
        flags=tuple(screening.flags or ()), age_months=screening.age_months,
        age_years=screening.age_years, outside_age_range=screening.outside_age_range,
        device_total=screening.device_total, device_disagrees=screening.device_disagrees)


def plan_for(screening: Screening, outcome: ScreeningOutcome, dob: date | None,
             programme: Programme) -> list[pathway.Planned]:
    """The pathway's actions for a stored screening, dated from its screening date."""
    return pathway.plan(outcome, on=screening.screened_on, dob=dob,
                        table=programme.thresholds, periods=programme.periods,
                        date_refused=screening.date_refused)


_EVENTS = "sangloc.case_events"


def event(actor: Actor, case: Case, kind: str, /, reason: str | None = None, **detail) -> None:
    """Add one event to ``case`` (which has its id) in the current transaction.

    Events are collected on the session and written in one Core INSERT just before the commit
    (``write_events``), not through the ORM's unit of work: its flush of a merge's events was
    a seventh of a merged Collect submission's CPU in process (``bench/profile_intake.py``). A
    rollback drops them with everything else; ``reads.events_of`` writes them first, so a read
    in the same transaction sees them (a new reader of ``CaseEvent`` must do the same)."""
    queue_for_commit(_EVENTS, {
        "case_id": case.id, "at": utcnow(), "actor_type": actor.type, "actor_id": actor.id,
        "kind": kind, "reason": reason, "detail": detail})


def write_events(session) -> None:
    """Session ``before_commit`` hook (and before a read of events): insert the collected
    events, after what they belong to."""
    rows = session.info.pop(_EVENTS, None)
    if rows:
        session.flush()
        session.connection().execute(_INSERT_EVENT, rows)


def has_events(session) -> bool:
    """Whether events wait for this session's next commit."""
    return bool(session.info.get(_EVENTS))


def drop_events(session, *_args) -> None:
    """Session ``after_soft_rollback`` hook: the events go with the rolled-back work."""
    session.info.pop(_EVENTS, None)


_INSERT_EVENT = CaseEvent.__table__.insert()


def case_of(actor: Actor, person: Person, *, new: bool = False) -> Case:
    """The person's case, created (with its event and audit row) when they have none.
    ``new``: the person was registered by this submission, so no look-up is needed."""
    case = None if new else db.session.scalar(select(Case).where(Case.person_id == person.id))
    if case is None:
        case = start_case(person)
        db.session.flush()
        _created(actor, case)
    return case


def start_case(person: Person, screening: Screening | None = None) -> Case:
    """A new case for ``person``, added but not flushed (``actions=[]``: nothing to load).
    Given a new person's first ``screening``, it is inserted together with it (one flush
    instead of two): pass it to ``apply_screening``, which records its event and audit row."""
    case = Case(person=person, state="new", step="intake", actions=[])
    if screening is not None:
        case.last_instrument, case.last_screened_on = screening.instrument, screening.screened_on
    db.session.add(case)
    return case


def _created(actor: Actor, case: Case) -> None:
    event(actor, case, "created")
    record_event(actor, "case.create", "case", case.id, person_id=case.person_id)


def apply_screening(actor: Actor, person: Person, screening: Screening,
                    planned: list[pathway.Planned], *, previous: Screening | None = None,
                    new_person: bool = False, started: Case | None = None) -> Case:
    """Open ``planned`` for ``screening`` (module docstring); returns the person's case.
    ``started``: the case ``start_case`` added for a person registered just now."""
    case = started or case_of(actor, person, new=new_person)
    if not new_person:
        if previous is not None:
            _move_untouched(actor, case, previous, screening)
        _closed_by_screening(actor, case, screening, previous)
    opened = _new_actions(case, screening, planned, previous)
    if started is not None:  # after the actions' flush: its event goes with theirs, first
        _created(actor, case)
    _announce(actor, case, opened)
    if started is None and (case.last_screened_on is None
                            or screening.screened_on >= case.last_screened_on):
        # (a case started just now has this screening's already: no second write)
        case.last_instrument, case.last_screened_on = screening.instrument, \
            screening.screened_on
    if opened and case.state == "closed":
        case.state = "new"
        event(actor, case, "reopened", reason="new work after closure",
              actions=[a.id for a in opened])
    if started is None:  # a case inserted just now has its time already (no second UPDATE)
        case.updated_at = utcnow()
    return case


def _new_actions(case: Case, screening: Screening, planned: list[pathway.Planned],
                 previous: Screening | None) -> list[CaseAction]:
    """One action per (screening, rule) that does not exist yet, counting the versions an edit
    supersedes: work a person already closed on an earlier version is not opened again.
    Flushed (their ids go into the events); ``_announce`` records them."""
    versions = {screening.id, *_earlier_versions(previous)}
    have = {a.rule for a in case.actions if a.screening_id in versions}
    opened = []
    for item in planned:
        if item.rule in have:
            continue
        action = CaseAction(case_id=case.id, person_id=case.person_id,
                            screening_id=screening.id, rule=item.rule, kind=item.kind,
                            reason=item.reason, instrument=item.instrument_id, risk=item.risk,
                            due=item.due, urgent=item.urgent, state="open")
        case.actions.append(action)
        opened.append(action)
    if opened:
        db.session.flush()
    return opened


def _announce(actor: Actor, case: Case, opened: list[CaseAction]) -> None:
    """The events, audit rows and notifications of actions opened just now."""
    for action in opened:
        event(actor, case, "action_opened", action=action.id, kind=action.kind,
              rule=action.rule, due=action.due.isoformat(), urgent=action.urgent)
        record_event(actor, "action.open", "action", action.id, case_id=case.id,
                     kind=action.kind)
        outbox.announce(action)


def open_by_person(actor: Actor, case: Case, action: CaseAction) -> CaseAction:
    """Work a person opens (a referral's follow-up, a request for more information, a call's
    first step), not the pathway: ``action`` (kind, rule, reason, due ...) joins ``case``, with
    its event and audit row, announced as the pathway's own work is (``notify.outbox``)."""
    action.case_id, action.person_id, action.state = case.id, case.person_id, "open"
    db.session.add(action)
    db.session.flush()
    event(actor, case, "action_opened", action=action.id, kind=action.kind, rule=action.rule,
          due=action.due.isoformat(), urgent=action.urgent, assigned_to=action.assigned_to_id)
    record_event(actor, "action.open", "action", action.id, case_id=case.id, kind=action.kind)
    outbox.announce(action)
    if case.state == "closed":
        case.state = "new"
        event(actor, case, "reopened", reason="new work after closure", actions=[action.id])
    touch(case)
    db.session.expire(case, ["actions"])
    return action


def _closed_by_screening(actor: Actor, case: Case, screening: Screening,
                         previous: Screening | None) -> None:
    """The pathway's own closings: a new screening of the family does its rescreen; an
    M-CHAT-R/F Follow-Up does the Follow-Up interview. Only work opened by an earlier
    interview is closed (a late offline form or an edit of an old one closes nothing newer),
    never the edited screening's own."""
    family = pathway.family(screening.instrument)
    followup_given = (screening.result or {}).get("followup_score") is not None
    own = {screening.id, *_earlier_versions(previous)}
    opened_on = _interview_dates(case.open_actions)
    for action in case.open_actions:
        if action.screening_id in own or \
                opened_on.get(action.id, screening.screened_on) > screening.screened_on:
            continue
        if action.kind == "rescreen" and pathway.family(action.instrument) == family:
            close(actor, case, action, "done", "rescreened", None, by_screening=screening.id)
        elif action.kind == "followup_interview" and followup_given and \
                pathway.family(action.instrument) == family:
            close(actor, case, action, "done", "interview_done", None,
                  by_screening=screening.id)


def _earlier_versions(previous: Screening | None) -> list[int]:
    """``previous`` and every version it superseded (an edit of an edit ...)."""
    found = []
    while previous is not None:
        found.append(previous.id)
        previous = db.session.scalar(select(Screening).where(
            Screening.superseded_by_id == previous.id))
    return found


def _interview_dates(actions: list[CaseAction]) -> dict[int, date]:
    """Action id -> the interview date of the screening that opened it (a carried-over action
    without a screening: the day it was opened)."""
    ids = {a.screening_id for a in actions if a.screening_id is not None}
    dates = dict(db.session.execute(select(Screening.id, Screening.screened_on)
                                    .where(Screening.id.in_(ids))).all()) if ids else {}
    return {a.id: dates.get(a.screening_id) or a.opened_at.date() for a in actions}


def _move_untouched(actor: Actor, case: Case, previous: Screening, screening: Screening) -> None:
    """An edit: the superseded version's open actions nobody has taken follow the new one."""
    for action in case.open_actions:
        if action.screening_id == previous.id and action.assigned_to_id is None:
            action.screening_id, action.updated_at = screening.id, utcnow()
            event(actor, case, "action_moved", action=action.id, before=previous.id,
                  after=screening.id)


def touch(case: Case) -> None:
    """The case's work changed: its person's row on the device case list (next and assigned
    work) changed too, so the person's version goes up (Collect replaces an entity it holds
    only for a higher ``__version``) and the sync feed sends both again."""
    now = utcnow()
    case.updated_at = now
    person = db.session.get(Person, case.person_id)
    person.version += 1
    person.updated_at = now


def close(actor: Actor, case: Case, action: CaseAction, state: str, outcome: str | None,
          note: str | None, **detail) -> None:
    """Close ``action`` (``done`` or ``cancelled``), with its event and audit row."""
    action.state, action.outcome, action.note = state, outcome, note
    action.closed_at = action.updated_at = utcnow()
    action.closed_by_type, action.closed_by_id = actor.type, actor.id
    event(actor, case, "action_" + state, reason=note, action=action.id, kind=action.kind,
          outcome=outcome, **detail)
    record_event(actor, "action." + state, "action", action.id, case_id=case.id,
                 outcome=outcome)
    touch(case)


def set_case_state(actor: Actor, case_id: int, state: str, reason: str,
                   step: str | None = None) -> Case:
    """Change the review state (and, optionally, the case-management step), with a reason."""
    if state not in CASE_STATES:
        raise problems.case_state_unknown(state, CASE_STATES)
    if step is not None and step not in CASE_STEPS:
        raise problems.case_step_unknown(step, CASE_STEPS)
    if not reason.strip():
        raise problems.reason_missing()
    case = db.session.get(Case, case_id)
    if case is None:
        raise problems.case_unknown(case_id)
    if step is not None and case.step != step:
        event(actor, case, "step", reason=reason, before=case.step, after=step)
        case.step, case.updated_at = step, utcnow()
        record_event(actor, "case.update", "case", case.id, step=step)
    if case.state != state:
        event(actor, case, "state", reason=reason, before=case.state, after=state)
        case.state, case.updated_at = state, utcnow()
        record_event(actor, "case.update", "case", case.id, state=state)
        db.session.flush()
    return case
