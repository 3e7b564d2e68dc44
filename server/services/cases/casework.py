"""Cases: deriving what must happen next for a person, and the supervisor's changes to it.

``refresh_case`` recomputes a person's case from their current (non-superseded) screenings with
``sync.derive_case`` and records what changed as a ``CaseEvent``. Supervisor actions (change the
review state, mark an action done) are events too, with who, when and why.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import Case, CaseEvent, CaseFlag, Person, Screening
from server.models.case import CASE_STATES, CASE_STEPS, RISK_RANK
from server.models.types import utcnow
from server.services.audit import Actor, record_event
from sync import RuleConfig, ScreeningOutcome, derive_case


def outcome_of(screening: Screening) -> ScreeningOutcome:
    """Rebuild the pure outcome from a stored screening."""
    return ScreeningOutcome(
        instrument_id=screening.instrument, answers=dict(screening.answers),
        followup=dict(screening.followup or {}), result=screening.result, error=screening.error,
        flags=tuple(screening.flags or ()), age_months=screening.age_months,
        age_years=screening.age_years, outside_age_range=screening.outside_age_range,
        device_total=screening.device_total, device_disagrees=screening.device_disagrees)


def current_screenings(person_id: str) -> list[Screening]:
    return list(db.session.scalars(
        select(Screening).where(Screening.person_id == person_id,
                                Screening.superseded_by_id.is_(None))
        .order_by(Screening.screened_on, Screening.id)))


def _event(actor: Actor, case: Case, kind: str, reason: str | None = None, **detail) -> None:
    db.session.add(CaseEvent(case_id=case.id, actor_type=actor.type, actor_id=actor.id,
                             kind=kind, reason=reason, detail=detail))


def _case_for(person: Person, *, new: bool) -> tuple[Case, bool]:
    """The person's case, or a new one (not flushed yet: it is inserted with its derived
    values in one statement); and whether it is new."""
    case = None if new else db.session.scalar(select(Case).where(Case.person_id == person.id))
    if case is not None:
        return case, False
    case = Case(person=person, flags=[], done_actions=[], state="new",
                referral_status="none", risk="none", next_action=None, next_action_due=None)
    db.session.add(case)
    return case, True


def refresh_case(actor: Actor, person: Person, config: RuleConfig, today: date, *,
                 only: Screening | None = None) -> Case:
    """Re-derive risk, open flags and next action from the person's current screenings.

    ``only``: the person was registered by this screening, so it is their only one and they
    have no case yet (saves the look-ups on the busiest path).
    """
    case, created = _case_for(person, new=only is not None)
    current = [only] if only is not None else current_screenings(person.id)
    view = derive_case([(s.screened_on, outcome_of(s)) for s in current],
                       dob=person.dob, done=_effective_done(case, current), config=config)
    if current:
        case.last_instrument, case.last_screened_on = current[-1].instrument, \
            current[-1].screened_on
    action = view.next_action
    before = (case.risk, case.next_action, case.next_action_due, tuple(case.open_flags))
    case.risk = view.risk
    _set_flags(case, view.open_flags)
    case.next_action = action.kind if action else None
    case.next_action_reason = action.reason if action else None
    case.next_action_due = action.due if action else None
    case.urgent = bool(action and action.urgent)
    if any(a.kind == "referral" for a in view.actions) and case.referral_status == "none":
        case.referral_status = "due"
    changed = before != (case.risk, case.next_action, case.next_action_due,
                         tuple(case.open_flags))
    if changed:
        case.updated_at = utcnow()
    if created:
        db.session.flush()
        _event(actor, case, "created")
        record_event(actor, "case.create", "case", case.id, person_id=person.id)
    if changed:
        _reopen_if_needed(actor, case, view.risk)
        _event(actor, case, "derived", risk=case.risk, next_action=case.next_action,
               due=case.next_action_due.isoformat() if case.next_action_due else None,
               flags=case.open_flags)
        record_event(actor, "case.update", "case", case.id, risk=case.risk)
    return case


def _effective_done(case: Case, current: list[Screening]) -> list[tuple[str, str, str]]:
    """Done actions that still hold: a later screening raising the same flag opens the action
    again (a safety contact made this morning does not cover a new answer this afternoon)."""
    effective = []
    for kind, reason, day, last_screening_id in case.done_actions or []:
        later = [s for s in current if s.id > last_screening_id]
        if not any(reason in (s.flags or []) for s in later):
            effective.append((kind, reason, day))
    return effective


def _set_flags(case: Case, flags: tuple[str, ...]) -> None:
    """Make the case's flag rows ``flags``: rows that stay are left alone (no delete and
    re-insert of one key in one flush)."""
    wanted = set(flags)
    for row in [row for row in case.flags if row.flag not in wanted]:
        case.flags.remove(row)
    have = {row.flag for row in case.flags}
    case.flags.extend(CaseFlag(flag=flag) for flag in sorted(wanted - have))


def _reopen_if_needed(actor: Actor, case: Case, risk: str) -> None:
    """A new concern on a closed case opens it again (a closed case is never silently risky)."""
    if case.state == "closed" and RISK_RANK[risk] >= RISK_RANK["medium"]:
        case.state = "new"
        _event(actor, case, "reopened", reason="new concern after closure", risk=risk)


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
        _event(actor, case, "step", reason=reason, before=case.step, after=step)
        case.step, case.updated_at = step, utcnow()
    if case.state != state:
        _event(actor, case, "state", reason=reason, before=case.state, after=state)
        case.state, case.updated_at = state, utcnow()
        if state == "referred":
            case.referral_status = "referred"
        record_event(actor, "case.update", "case", case.id, state=state)
        db.session.flush()
    return case


def complete_action(actor: Actor, case_id: int, kind: str, reason_id: str, note: str,
                    config: RuleConfig, today: date) -> Case:
    """Mark an open action done (e.g. the referral was made); the case is re-derived."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise problems.case_unknown(case_id)
    # the action is done for the screenings received so far, not for later ones
    person = db.session.get(Person, case.person_id)
    last = max((s.id for s in current_screenings(person.id)), default=0)
    case.done_actions = [*(case.done_actions or []), [kind, reason_id, today.isoformat(), last]]
    _event(actor, case, "action_done", reason=note, action=kind, because=reason_id)
    return refresh_case(actor, person, config, today)
