"""Bindings of the bundled forms and submission values shaped like theirs, for the sync tests.

A binding comes from the real ``forms/definitions/<form_id>.xlsx`` converted with ``forms`` and
read with :func:`sync.read_binding`, so every path below is a path the bundled forms really send
(forms/definitions/README.md). Values are built by role and item key through those paths.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path

import forms
from sync import Binding, ScreeningOutcome, read_binding, score_instance

DEFINITIONS = Path(forms.__file__).resolve().parent / "definitions"
#: the person block of a bundled child form with consent given (caregiver answering)
PERSON: dict[str, str] = {
    "consent": "yes",
    "consent_by": "Trần Thị Hoa",
    "consent_relation": "mother",
    "consent_method": "on_device",
    "dob": "2024-12-01",
    "person_id": "new",
    "full_name": "Nguyễn Văn An",
    "sex": "male",
    "caregiver_name": "Trần Thị Hoa",
    "phone": "0912345678",
    "commune": "00004",
    "village": "Thôn Đông",
}
MCHAT_REVERSED = frozenset({"q02", "q05", "q12"})


@cache
def bundled_binding(form_id: str) -> Binding:
    """The binding of the bundled form ``form_id``."""
    data = (DEFINITIONS / f"{form_id}.xlsx").read_bytes()
    binding = read_binding(forms.read_xform(forms.convert_xlsform(data, f"{form_id}.xlsx").xml))
    assert binding is not None
    return binding


def values_for(
    form_id: str,
    answers: Mapping[str, str] | None = None,
    *,
    person: Mapping[str, str] | None = None,
    followup: Mapping[str, str] | None = None,
    device_total: str | None = None,
) -> dict[str, str]:
    """Submission values by path: person roles, item answers, follow-up answers, device total.

    Roles the form does not bind are left out, like fields a form does not have.
    """
    binding = bundled_binding(form_id)
    roles = PERSON if person is None else person
    values = {binding.person[role]: text for role, text in roles.items() if role in binding.person}
    for key, code in (answers or {}).items():
        paths = binding.items[key]
        if isinstance(paths, tuple):  # a composite sign asked in parts: "yes" in the first
            values.update({part: "no" if code == "yes" and n else code
                           for n, part in enumerate(paths)})
        else:
            values[paths] = code
    values.update({binding.followup[key]: code for key, code in (followup or {}).items()})
    if device_total is not None:
        assert binding.device_score is not None
        values[binding.device_score] = device_total
    return values


def mchat(at_risk: set[str] | frozenset[str]) -> dict[str, str]:
    """M-CHAT-R answers with exactly the items ``at_risk`` at risk.

    At risk = "yes" for q02, q05, q12 and "no" for the other 17 (mchatscreen.com scoring page).
    """
    answers = {}
    for n in range(1, 21):
        key = f"q{n:02d}"
        risky_code = "yes" if key in MCHAT_REVERSED else "no"
        safe_code = "no" if key in MCHAT_REVERSED else "yes"
        answers[key] = risky_code if key in at_risk else safe_code
    return answers


def first_items(count: int) -> frozenset[str]:
    """The keys q01..q<count>."""
    return frozenset(f"q{n:02d}" for n in range(1, count + 1))


def scored(
    form_id: str,
    answers: Mapping[str, str],
    *,
    on: date,
    dob: date | None = date(2024, 12, 1),
    followup: Mapping[str, str] | None = None,
    device_total: str | None = None,
) -> ScreeningOutcome:
    """score_instance on values of the bundled form ``form_id`` (person block :data:`PERSON`)."""
    values = values_for(form_id, answers, followup=followup, device_total=device_total)
    return score_instance(bundled_binding(form_id), values, screening_date=on, dob=dob)
