"""What must happen next for a screened person, from a screening's flags and band.

Each rule is one function whose docstring cites its source; :data:`RULES` lists them in order.

=====================================  ======================  ==========================  ======
trigger                                action (``kind``)       due                         urgent
=====================================  ======================  ==========================  ======
flag ``self_harm_item_positive``       ``safety_contact``      the screening date          yes
flag ``refer_immediately`` and/or      ``referral`` (one per   + ``referral_days`` (14)    no
``refer_for_evaluation``               screening)
flag ``moh_warning_sign``              ``referral`` to step 2  + ``referral_days`` (14)    no
flag ``followup_interview_required``   ``followup_interview``  + ``interview_days`` (30)   no
M-CHAT-R(/F) band ``low``, age < 24    ``rescreen``            the day the child turns 24  no
completed months                                               months (``date_of_age``)
=====================================  ======================  ==========================  ======

``reason`` is the flag id that caused the action, or ``<instrument>:low_under_24m`` for the
rescreen. The 14- and 30-day windows are programme settings (:class:`RuleConfig`), not published
rules: the sources say "immediately" / "give the Follow-Up" without a number of days.

Risk levels (:func:`risk_of`), highest matching row wins:

=========  ====================================================================================
urgent     flag ``self_harm_item_positive``
high       flag ``refer_immediately``, ``refer_for_evaluation``, ``moh_warning_sign`` or
           ``loss_of_skills``; band high, abnormal, severe, moderately_severe, above_cutoff,
           probable_depression or step1_positive
low        M-CHAT-R/F whose Follow-Up came out screen negative (a cleared Medium, §2)
medium     flag ``followup_interview_required``; band medium, borderline, moderate or
           possible_depression
low        any other band
none       no band (unscorable or incomplete) and none of the flags above
=========  ====================================================================================

This module must not read the database, choose a wording (``sync.messages``) or rescore.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sync.scoring import ScreeningOutcome, completed_months, date_of_age

KINDS: tuple[str, ...] = ("safety_contact", "referral", "followup_interview", "rescreen")
RISK_ORDER: tuple[str, ...] = ("none", "low", "medium", "high", "urgent")
RESCREEN_AGE_MONTHS = 24
SELF_HARM = "self_harm_item_positive"
MCHAT_REFERRAL_FLAGS: tuple[str, ...] = ("refer_immediately", "refer_for_evaluation")
MOH_FLAGS: tuple[str, ...] = ("moh_warning_sign", "loss_of_skills")
FOLLOWUP_FLAG = "followup_interview_required"
#: instruments that supersede each other in a case (the R/F form repeats the initial screen)
FAMILIES: dict[str, str] = {"mchat_r": "mchat", "mchat_rf": "mchat"}

HIGH_FLAGS = frozenset({*MCHAT_REFERRAL_FLAGS, *MOH_FLAGS})
HIGH_BANDS = frozenset({"high", "abnormal", "severe", "moderately_severe", "above_cutoff",
                        "probable_depression", "step1_positive"})  # fmt: skip
MEDIUM_BANDS = frozenset({"medium", "borderline", "moderate", "possible_depression"})


@dataclass(frozen=True)
class RuleConfig:
    """Programme settings: days allowed for a referral and for the Follow-Up interview."""

    referral_days: int = 14
    interview_days: int = 30

    def __post_init__(self) -> None:
        for name in ("referral_days", "interview_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"RuleConfig.{name} must be a whole number of days >= 0")


@dataclass(frozen=True)
class Action:
    """One thing to do for a person, by ``due``."""

    kind: str
    due: date
    urgent: bool
    reason: str
    instrument_id: str


@dataclass(frozen=True)
class CaseView:
    """A person's case as the current screenings and completed actions leave it."""

    risk: str
    open_flags: tuple[str, ...]
    actions: tuple[Action, ...]
    next_action: Action | None


#: an action and the flags it answers (completing it closes them)
Planned = tuple[Action, tuple[str, ...]]
Rule = Callable[[ScreeningOutcome, date, date | None, RuleConfig], list[Planned]]


def safety_contact_rule(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    """Self-harm item positive -> supervisor safety contact, urgent, the same day.

    instruments.md §11.3: "A flag starts the referral/safety pathway at once, even when the total
    is low or cannot be computed" (PHQ-9/PHQ-A q09 >= 1, PHQ-A q11/q12, SRQ-20 q17, EPDS q10).
    """
    if SELF_HARM not in outcome.flags:
        return []
    return [(_action(outcome, "safety_contact", on, SELF_HARM, urgent=True), (SELF_HARM,))]


def mchat_referral_rule(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    """M-CHAT-R High or M-CHAT-R/F Follow-Up >= 2 FAIL -> one referral for diagnostic evaluation.

    https://mchatscreen.com/mchat-rf/scoring (instruments.md §2): High 8-20 "refer immediately"
    (reason ``refer_immediately``); Follow-Up >= 2 FAIL "refer for diagnostic evaluation and
    early intervention" (``refer_for_evaluation``). When both hold, one referral answers both.
    """
    present = tuple(flag for flag in MCHAT_REFERRAL_FLAGS if flag in outcome.flags)
    if not present:
        return []
    due = on + timedelta(days=config.referral_days)
    return [(_action(outcome, "referral", due, present[0]), present)]


def moh_referral_rule(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    """Ministry step-1 warning sign -> referral to step-2 screening (provincial level).

    QĐ 2254/QĐ-BYT (07/05/2021) Bước 1, vietnam.md §1: "any 'yes' => step1_positive =>
    referral to step 2". ``loss_of_skills`` always comes with ``moh_warning_sign``.
    """
    present = tuple(flag for flag in MOH_FLAGS if flag in outcome.flags)
    if MOH_FLAGS[0] not in present:
        return []
    due = on + timedelta(days=config.referral_days)
    return [(_action(outcome, "referral", due, MOH_FLAGS[0]), present)]


def followup_interview_rule(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    """M-CHAT-R Medium (3-7) without Follow-Up -> give the Follow-Up interview.

    https://mchatscreen.com/mchat-rf/scoring and the Follow-Up instructions (instruments.md §2):
    "administer the Follow-Up, only for the items scored at risk".
    """
    if FOLLOWUP_FLAG not in outcome.flags:
        return []
    due = on + timedelta(days=config.interview_days)
    return [(_action(outcome, "followup_interview", due, FOLLOWUP_FLAG), (FOLLOWUP_FLAG,))]


def rescreen_rule(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    """M-CHAT-R Low (0-2) under 24 months -> rescreen on the day the child turns 24 months.

    https://mchatscreen.com/mchat-rf/scoring (instruments.md §2): "If the child is under 24
    months, rescreen at 24 months (after the 2nd birthday)". Age in completed months as on the
    device (``sync.scoring``); needs the date of birth.
    """
    if FAMILIES.get(outcome.instrument_id) != "mchat" or outcome.band != "low":
        return []
    if dob is None or dob > on or completed_months(dob, on) >= RESCREEN_AGE_MONTHS:
        return []
    reason = f"{outcome.instrument_id}:low_under_{RESCREEN_AGE_MONTHS}m"
    return [(_action(outcome, "rescreen", date_of_age(dob, RESCREEN_AGE_MONTHS), reason), ())]


RULES: tuple[Rule, ...] = (
    safety_contact_rule,
    mchat_referral_rule,
    moh_referral_rule,
    followup_interview_rule,
    rescreen_rule,
)


def actions_for(
    outcome: ScreeningOutcome,
    *,
    screening_date: date,
    dob: date | None,
    config: RuleConfig = RuleConfig(),
) -> list[Action]:
    """Every action the screening calls for: urgent first, then by due date."""
    return sort_actions(action for action, _ in _plan(outcome, screening_date, dob, config))


def sort_actions(actions: Iterable[Action]) -> list[Action]:
    """Urgent first, then by due date; ties by kind (:data:`KINDS` order), instrument, reason."""
    return sorted(
        actions,
        key=lambda a: (not a.urgent, a.due, KINDS.index(a.kind), a.instrument_id, a.reason),
    )


def risk_of(outcome: ScreeningOutcome) -> str:
    """The risk level of one screening (table in the module docstring)."""
    flags = set(outcome.flags)
    band = outcome.band
    if SELF_HARM in flags:
        return "urgent"
    if flags & HIGH_FLAGS or band in HIGH_BANDS:
        return "high"
    if outcome.result is not None and outcome.result.get("result") == "screen_negative":
        return "low"
    if FOLLOWUP_FLAG in flags or band in MEDIUM_BANDS:
        return "medium"
    return "none" if band is None else "low"


def derive_case(
    current: Iterable[tuple[date, ScreeningOutcome]],
    *,
    dob: date | None,
    done: Collection[tuple[str, str] | tuple[str, str, date | str]] = (),
    config: RuleConfig = RuleConfig(),
) -> CaseView:
    """The case view from the person's current (non-superseded) screenings and done actions.

    * Only the latest screening of each instrument counts (M-CHAT-R and M-CHAT-R/F are one
      family, :data:`FAMILIES`); on the same date the later one in ``current`` wins.
    * ``done`` holds ``(kind, reason)`` or ``(kind, reason, completed_on)`` (a date or ISO
      text). A done entry closes the matching action; with a date, only for screenings dated on
      or before it, so an old completed safety contact never hides the one a new screening
      calls for (an undated pair closes every future match too). Closing an action also closes
      the flags it answers.
    * ``risk`` = the highest :func:`risk_of` over those screenings, their closed flags left out.
      The band still counts: a completed referral does not lower a High band (only a new
      screening does), a completed safety contact does lower "urgent".
    * ``open_flags``: sorted flags of those screenings that are not closed; ``actions``: open
      actions, urgent first then by due date; ``next_action``: the first of them, or None.
    """
    completed = _Completed(done)
    risks: list[str] = []
    flags: set[str] = set()
    actions: list[Action] = []
    for on, outcome in _latest_per_family(current):
        planned = _plan(outcome, on, dob, config)
        closed = {flag for action, answers in planned if completed.closes(action, on)
                  for flag in answers}  # fmt: skip
        remaining = tuple(flag for flag in outcome.flags if flag not in closed)
        risks.append(risk_of(replace(outcome, flags=remaining)))
        flags.update(remaining)
        actions.extend(action for action, _ in planned if not completed.closes(action, on))
    ordered = tuple(sort_actions(actions))
    return CaseView(
        risk=max(risks, key=RISK_ORDER.index, default="none"),
        open_flags=tuple(sorted(flags)),
        actions=ordered,
        next_action=ordered[0] if ordered else None,
    )


class _Completed:
    """The ``done`` entries, answering "does this close that action of a screening on ``on``?"."""

    def __init__(self, done: Collection[tuple[str, str] | tuple[str, str, date | str]]) -> None:
        self._undated: set[tuple[str, str]] = set()
        self._dated: dict[tuple[str, str], date] = {}
        for entry in done:
            key = (entry[0], entry[1])
            if len(entry) == 2:
                self._undated.add(key)
                continue
            # a date, or its ISO text as a JSON column gives it back
            day = entry[2] if isinstance(entry[2], date) else date.fromisoformat(entry[2])
            day = day.date() if isinstance(day, datetime) else day
            self._dated[key] = max(day, self._dated.get(key, day))

    def closes(self, action: Action, on: date) -> bool:
        key = (action.kind, action.reason)
        completed_on = self._dated.get(key)
        return key in self._undated or (completed_on is not None and completed_on >= on)


def _plan(
    outcome: ScreeningOutcome, on: date, dob: date | None, config: RuleConfig
) -> list[Planned]:
    return [planned for rule in RULES for planned in rule(outcome, on, dob, config)]


def _action(
    outcome: ScreeningOutcome, kind: str, due: date, reason: str, *, urgent: bool = False
) -> Action:
    return Action(kind=kind, due=due, urgent=urgent, reason=reason,
                  instrument_id=outcome.instrument_id)  # fmt: skip


def _latest_per_family(
    current: Iterable[tuple[date, ScreeningOutcome]],
) -> list[tuple[date, ScreeningOutcome]]:
    latest: dict[str, tuple[date, ScreeningOutcome]] = {}
    for on, outcome in current:
        family = FAMILIES.get(outcome.instrument_id, outcome.instrument_id)
        if family not in latest or on >= latest[family][0]:
            latest[family] = (on, outcome)
    return list(latest.values())
