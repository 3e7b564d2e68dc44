"""``moh_asd_signs``: the Ministry of Health step-1 autism warning signs (QĐ 2254/QĐ-BYT).

Rules (vietnam.md §1, "Step-1 warning signs as data"; QĐ 2254/QĐ-BYT of 07/05/2021, Bước 1;
instruments.md §10). Children 0-72 months.

* Item keys in the order of the signs list, raw ``"yes"`` (sign present) / ``"no"``:

  ====  =========  ==========  =====================================================
  key   sign id    from month  sign (paraphrase)
  ====  =========  ==========  =====================================================
  q01   ws_06m     6           no smiling or joyful response
  q02   ws_09m     9           no back-and-forth sounds, smiles or expressions
  q03   ws_12m     12          no babbling; no pointing, reaching or waving
  q04   ws_16m     16          no single words
  q05   ws_24m     24          no meaningful two-word phrases of its own (echoes do not count)
  q06   ws_loss    0           loss of language or social skills, any age
  ====  =========  ==========  =====================================================

* Age: the caller passes ``age_months=`` (completed months from date of birth to the screening
  date, computed by the server, instruments.md §11.8) as a keyword of ``score()``; it is not an
  answer. No age -> ``missing_age``; outside 0-72 -> ``invalid_age`` ("outside 0-72 months the
  form must refuse", vietnam.md).
* A sign is asked when its from-month <= age (the product's reading of "by X months",
  UNVERIFIED against the toolkit's instructions). Every asked sign is required
  (``missing_item``); a sign answered although not asked at this age is ``not_applicable_item``.
* Total = number of asked signs present (0-6). Band from the table: ``step1_negative`` (0) /
  ``step1_positive`` (>= 1): "any 'yes' => step1_positive => referral to step 2".

Flags:

* ``moh_warning_sign``: any asked sign present -> referral to step 2 (QĐ 2254 Bước 1).
* ``loss_of_skills``: ``q06`` = yes, at any age (QĐ 2254 Bước 1; it also raises
  ``moh_warning_sign``).

Not implemented: the developmental check ("development not age-appropriate", whose milestone table
is UNVERIFIED). This module must not decide step 2 or 3; it only records step 1.
"""

from __future__ import annotations

from typing import Any

from screening_tools.answers import check_answers, read_choice, require_all
from screening_tools.context import ScoringContext, make_result
from screening_tools.errors import ScoringError
from screening_tools.model import YES_NO, InstrumentSpec, ScoreResult, codes_for
from screening_tools.thresholds import band_for

#: (item key, sign id, asked from this age in completed months), in vietnam.md order
SIGNS: tuple[tuple[str, str, int], ...] = (
    ("q01", "ws_06m", 6),
    ("q02", "ws_09m", 9),
    ("q03", "ws_12m", 12),
    ("q04", "ws_16m", 16),
    ("q05", "ws_24m", 24),
    ("q06", "ws_loss", 0),
)
ITEMS = tuple(key for key, _, _ in SIGNS)
SIGN_IDS: dict[str, str] = {key: sign_id for key, sign_id, _ in SIGNS}
LOSS_ITEM = "q06"
MAX_AGE_MONTHS = 72

MOH_ASD_SIGNS = InstrumentSpec(
    id="moh_asd_signs",
    title="QĐ 2254/QĐ-BYT step 1: autism warning signs, children 0-72 months",
    items=ITEMS,
    optional_items=(),
    answer_codes=codes_for(ITEMS, YES_NO),
    followup_items=(),
    age_range=(0, MAX_AGE_MONTHS, "months"),
    licence="state_document",
    rules_version="moh_asd_signs.rules@1",
    # q03 (babbling; pointing, reaching, waving) and q05 (two-word phrases of the child's own,
    # or only echoed ones) are compound signs, asked in parts: present when any part is
    composite_items=("q03", "q05"),
)


def signs_asked(age_months: int) -> tuple[str, ...]:
    """Item keys asked at ``age_months`` (completed months), in item order."""
    return tuple(key for key, _, from_age in SIGNS if from_age <= age_months)


def score_moh_asd_signs(ctx: ScoringContext) -> ScoreResult:
    """Score the step-1 checklist for a child of ``ctx.age_months``."""
    age = _checked_age(ctx.age_months)
    answers = check_answers(ctx.answers, ITEMS)
    asked = signs_asked(age)
    codes = {key: read_choice(answers, key, YES_NO) for key in ITEMS}
    _refuse_not_asked(codes, asked)
    present = [key for key in asked if codes[key] == "yes"]
    flags = _flags(present)
    require_all({key: codes[key] for key in asked}, flags)
    total = len(present)
    return make_result(
        ctx,
        total,
        band_for(ctx.entry.bands["total"], total),
        flags,
        age_months=age,
        signs_asked=list(asked),
        signs_present=present,
        sign_ids_present=[SIGN_IDS[key] for key in present],
        item_scores={key: int(codes[key] == "yes") for key in asked},
    )


def _checked_age(age_months: Any) -> int:
    if age_months is None:
        raise ScoringError("missing_age")
    if not 0 <= age_months <= MAX_AGE_MONTHS:
        raise ScoringError("invalid_age", message=f"age_months={age_months} is outside 0-72")
    return age_months


def _refuse_not_asked(codes: dict[str, str | None], asked: tuple[str, ...]) -> None:
    for key in ITEMS:
        if key not in asked and codes[key] is not None:
            raise ScoringError("not_applicable_item", key)


def _flags(present: list[str]) -> list[str]:
    flags = ["moh_warning_sign"] if present else []
    if LOSS_ITEM in present:
        flags.append("loss_of_skills")
    return flags
