"""Test-side encoders: item *scores* -> the raw codes a form stores, from the published rules.

Written from instruments.md, not from the package, so the literal worked examples in the tests
can be stated as scores. Every test that checks a recoding rule itself writes raw codes literally.
"""

from __future__ import annotations


def keys(first: int, last: int) -> list[str]:
    """``q01``-style keys, as printed."""
    return [f"q{n:02d}" for n in range(first, last + 1)]


# M-CHAT-R: at risk = "yes" on q02, q05, q12, "no" on the others (mchatscreen.com scoring page)
MCHAT_YES_IS_RISK = {"q02", "q05", "q12"}


def mchat(at_risk: set[str] | list[str] = ()) -> dict[str, str]:
    """Initial M-CHAT-R answers with exactly the items in ``at_risk`` scored at risk."""
    out = {}
    for key in keys(1, 20):
        risky = key in at_risk
        yes_is_risk = key in MCHAT_YES_IS_RISK
        out[key] = "yes" if risky == yes_is_risk else "no"
    return out


# SDQ: reverse-scored q07, q11, q14, q21, q25 (4-17 and 2-4 scoring documents)
SDQ_REVERSED = {"q07", "q11", "q14", "q21", "q25"}
_SDQ_FORWARD = ("not_true", "somewhat_true", "certainly_true")


def sdq_code(key: str, score: int | None) -> str | None:
    """The raw SDQ code that scores ``score`` on item ``key``."""
    if score is None:
        return None
    return _SDQ_FORWARD[2 - score] if key in SDQ_REVERSED else _SDQ_FORWARD[score]


def sdq(**scores: int | None) -> dict[str, str | None]:
    """25 SDQ answers, each scoring 0 unless overridden (``sdq(q03=2, q08=None)``)."""
    return {key: sdq_code(key, scores.get(key, 0)) for key in keys(1, 25)}


# EPDS: q01, q02, q04 score = raw; q03, q05-q10 (starred) score = 3 - raw (psychcongress)
EPDS_STARRED = {"q03", "q05", "q06", "q07", "q08", "q09", "q10"}


def epds(**scores: int) -> dict[str, int]:
    """10 EPDS raw positions, each item scoring 0 unless overridden by its *score*."""
    out = {}
    for key in keys(1, 10):
        score = scores.get(key, 0)
        out[key] = 3 - score if key in EPDS_STARRED else score
    return out


def levels(first: int, last: int, **overrides: int | str | None) -> dict[str, int | str | None]:
    """0-3 answers (PHQ, GAD-7), 0 unless overridden; overrides may add other keys."""
    return {**dict.fromkeys(keys(first, last), 0), **overrides}


def yes_no(first: int, last: int, yes: set[str] | list[str] = ()) -> dict[str, str]:
    """yes/no answers: "yes" for the keys in ``yes``, "no" elsewhere."""
    return {key: "yes" if key in yes else "no" for key in keys(first, last)}
