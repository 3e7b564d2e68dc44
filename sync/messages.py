"""The sentence ODK Collect shows after a submission is sent: result in words and what comes next.

:func:`result_message` words a :class:`~sync.scoring.ScreeningOutcome` and its actions in
Vietnamese (default) or English, with dates as dd/mm/yyyy, using the UI glossary of vietnam.md §4
(Nguy cơ thấp / trung bình / cao, Chuyển gửi, Sàng lọc lại, Dấu hiệu cảnh báo, Người giám sát).
A self-harm sign always comes first (instruments.md §11.3).

The message travels to a device and may be read over the respondent's shoulder, so it must never
contain answers, item numbers, names, phone numbers or any other personal data: it is built only
from the instrument, the band, the flags and the actions' kinds and dates. This module must not
decide actions (``sync.pathway``) or score.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sync.pathway import SELF_HARM, Planned
from sync.scoring import ScreeningOutcome

#: the languages this module writes; any ``language`` starting "en" is English, else Vietnamese
LANGUAGES: tuple[str, ...] = ("vi", "en")
Text = tuple[str, str]  # (vi, en)

RECEIVED: Text = ("Đã nhận phiếu thành công.", "Submission received.")
#: shown on a screen the respondent may read: it says what happens, not what was answered
SAFETY: Text = (
    "Phiếu đã nhận. Người giám sát sẽ liên hệ trong hôm nay.",
    "Submission received. A supervisor will make contact today.",
)
UNSCORED: Text = ("không tính được điểm sàng lọc", "the screening could not be scored")
#: what the device is told when a submission was stored but gave no screening result
STATE_TEXTS: dict[str, Text] = {
    "failed": (
        "Đã nhận phiếu; kết quả sàng lọc sẽ được xử lý sau.",
        "Submission received; its screening result will be worked out later.",
    ),
    "unmergeable": (
        "Đã lưu phiếu nhưng chưa đưa được vào hồ sơ vì có thông tin không hợp lệ; người giám "
        "sát sẽ xem lại phiếu này.",
        "Submission stored, but it could not be added to the records because some information "
        "is not valid; a supervisor will review it.",
    ),
    "held": (
        "Đã lưu phiếu nhưng hồ sơ này đang bị khóa; người giám sát sẽ xem lại phiếu này.",
        "Submission stored, but this record is locked; a supervisor will review it.",
    ),
}
OUTSIDE_AGE: Text = (" (ngoài độ tuổi đã thẩm định)", " (outside the validated age range)")
FOLLOWUP_RESULT: dict[str, Text] = {
    "screen_positive": ("sau phỏng vấn tiếp theo: dương tính",
                        "after the Follow-Up: screen positive"),
    "screen_negative": ("sau phỏng vấn tiếp theo: âm tính",
                        "after the Follow-Up: screen negative"),
}

TITLES: dict[str, Text] = {
    "mchat_r": ("M-CHAT-R", "M-CHAT-R"),
    "mchat_rf": ("M-CHAT-R/F", "M-CHAT-R/F"),
    "sdq_p4_17": ("SDQ (4-17 tuổi)", "SDQ (4-17 years)"),
    "sdq_p2_4": ("SDQ (2-4 tuổi)", "SDQ (2-4 years)"),
    "phq9": ("PHQ-9", "PHQ-9"),
    "phqa": ("PHQ-A", "PHQ-A"),
    "gad7": ("GAD-7", "GAD-7"),
    "srq20": ("SRQ-20", "SRQ-20"),
    "epds": ("EPDS", "EPDS"),
    "moh_asd_signs": ("Dấu hiệu cảnh báo tự kỷ (QĐ 2254)", "Autism warning signs (QĐ 2254)"),
}

_MCHAT: dict[str, Text] = {
    "low": ("nguy cơ thấp", "low risk"),
    "medium": ("nguy cơ trung bình", "medium risk"),
    "high": ("nguy cơ cao", "high risk"),
}
_SDQ: dict[str, Text] = {
    "normal": ("tổng điểm khó khăn bình thường", "total difficulties normal"),
    "borderline": ("tổng điểm khó khăn cận ngưỡng", "total difficulties borderline"),
    "abnormal": ("tổng điểm khó khăn bất thường", "total difficulties abnormal"),
}
_PHQ: dict[str, Text] = {
    "none_minimal": ("không có hoặc rất ít triệu chứng trầm cảm",
                     "no or minimal symptoms of depression"),
    "mild": ("triệu chứng trầm cảm mức nhẹ", "mild symptoms of depression"),
    "moderate": ("triệu chứng trầm cảm mức trung bình", "moderate symptoms of depression"),
    "moderately_severe": ("triệu chứng trầm cảm mức khá nặng",
                          "moderately severe symptoms of depression"),
    "severe": ("triệu chứng trầm cảm mức nặng", "severe symptoms of depression"),
}  # fmt: skip
_GAD: dict[str, Text] = {
    "minimal": ("rất ít triệu chứng lo âu", "minimal symptoms of anxiety"),
    "mild": ("triệu chứng lo âu mức nhẹ", "mild symptoms of anxiety"),
    "moderate": ("triệu chứng lo âu mức trung bình", "moderate symptoms of anxiety"),
    "severe": ("triệu chứng lo âu mức nặng", "severe symptoms of anxiety"),
}
_SRQ: dict[str, Text] = {
    "below_cutoff": ("âm tính (dưới ngưỡng)", "negative (below the cut-off)"),
    "above_cutoff": ("dương tính (từ ngưỡng trở lên)", "positive (at or above the cut-off)"),
}
_EPDS: dict[str, Text] = {
    "low": ("nguy cơ thấp", "low risk"),
    "possible_depression": ("có thể có trầm cảm", "possible depression"),
    "probable_depression": ("nhiều khả năng có trầm cảm", "probable depression"),
}
_MOH: dict[str, Text] = {
    "step1_negative": ("không có dấu hiệu cảnh báo", "no warning sign"),
    "step1_positive": ("có dấu hiệu cảnh báo", "warning sign present"),
}
#: a result screen-positive at the cut-off of the table in force while its band is a low one
#: (PHQ-9 4 under vietnam@2): these words, so the message agrees with what it opens
POSITIVE_WORDS: dict[str, Text] = {
    "phq9": ("dương tính khi sàng lọc trầm cảm (ngưỡng {cutoff} điểm)",
             "screen positive for depression (cut-off {cutoff})"),
    "gad7": ("dương tính khi sàng lọc lo âu (ngưỡng {cutoff} điểm)",
             "screen positive for anxiety (cut-off {cutoff})"),
    "srq20": ("dương tính (từ ngưỡng {cutoff} điểm trở lên)",
              "positive (at or above the cut-off of {cutoff})"),
    "epds": ("có thể có rối loạn tâm thần chu sinh thường gặp (ngưỡng {cutoff} điểm)",
             "possible common perinatal mental disorder (cut-off {cutoff})"),
}
LOW_BANDS = frozenset({"none_minimal", "mild", "minimal", "low", "below_cutoff"})
#: instrument id -> band id -> words
BAND_WORDS: dict[str, dict[str, Text]] = {
    "mchat_r": _MCHAT, "mchat_rf": _MCHAT, "sdq_p4_17": _SDQ, "sdq_p2_4": _SDQ, "phq9": _PHQ,
    "phqa": _PHQ, "gad7": _GAD, "srq20": _SRQ, "epds": _EPDS, "moh_asd_signs": _MOH,
}  # fmt: skip

#: (kind, rule or "*") -> what to do, with {due} for the date
ACTION_WORDS: dict[tuple[str, str], Text] = {
    ("referral", "moh.referral"): (
        "cần chuyển gửi sàng lọc tự kỷ (bước 2, tuyến tỉnh) trước {due}",
        "refer for autism screening (step 2, provincial level) by {due}",
    ),
    ("referral", "*"): (
        "cần chuyển gửi đánh giá chẩn đoán trước {due}",
        "refer for diagnostic evaluation by {due}",
    ),
    ("followup_interview", "*"): (
        "cần phỏng vấn tiếp theo M-CHAT-R/F trước {due}",
        "give the M-CHAT-R/F Follow-Up interview by {due}",
    ),
    ("rescreen", "mchat.rescreen"): (
        "sàng lọc lại khi trẻ đủ 24 tháng tuổi, vào ngày {due}",
        "re-screen when the child turns 24 months, on {due}",
    ),
    ("rescreen", "*"): ("sàng lọc lại vào ngày {due}", "re-screen on {due}"),
    ("assessment", "*"): (
        "cần đánh giá lâm sàng tại trạm y tế xã trước {due}",
        "clinical assessment at the commune health station by {due}",
    ),
    ("review", "*"): ("người giám sát sẽ xem lại phiếu trước {due}",
                      "a supervisor will review the form by {due}"),
    ("*", "*"): ("người giám sát sẽ liên hệ trước {due}", "a supervisor will follow up by {due}"),
}


def result_message(
    outcome: ScreeningOutcome | None,
    actions: Sequence[Planned],
    language: str = "vi",
    state: str | None = None,
) -> str:
    """The message for the submission response (module docstring for what it may contain).

    ``outcome`` None: the :data:`STATE_TEXTS` sentence of the merge ``state`` (``failed``,
    ``unmergeable``, ``held``), else (an ordinary form, a refused consent)
    "Đã nhận phiếu thành công." / "Submission received.".
    A self-harm flag or safety-contact action -> the safety sentence first. Then
    "<instrument>: <band in words or 'could not be scored'> — <action> by <dd/mm/yyyy>; ...".
    """
    lang = 1 if (language or "").strip().lower().startswith("en") else 0
    if outcome is None:
        return STATE_TEXTS.get(state or "", RECEIVED)[lang]
    sentences = []
    if SELF_HARM in outcome.flags or any(a.kind == "safety_contact" for a in actions):
        sentences.append(SAFETY[lang])
    todo = [_action_words(a, lang) for a in actions if a.kind != "safety_contact"]
    head = f"{_title(outcome.instrument_id, lang)}: {_status(outcome, lang)}"
    sentences.append(head + (" — " + "; ".join(todo) if todo else "") + ".")
    return " ".join(sentences)


def format_date(day: date) -> str:
    """dd/mm/yyyy, as dates are written in Vietnam."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _title(instrument_id: str, lang: int) -> str:
    return TITLES.get(instrument_id, (instrument_id, instrument_id))[lang]


def _status(outcome: ScreeningOutcome, lang: int) -> str:
    """The band in words (plus the Follow-Up result and the age note), or "not scored"."""
    words = BAND_WORDS.get(outcome.instrument_id, {}).get(outcome.band or "")
    result = outcome.result or {}
    if result.get("screen_positive") and outcome.band in LOW_BANDS and \
            outcome.instrument_id in POSITIVE_WORDS:
        words = tuple(text.format(cutoff=result["screen_cutoff"])
                      for text in POSITIVE_WORDS[outcome.instrument_id])
    if outcome.result is None or words is None:
        status = UNSCORED[lang]
    else:
        status = words[lang]
        if outcome.result.get("followup_score") is not None:  # M-CHAT-R/F Follow-Up given
            followup = FOLLOWUP_RESULT.get(outcome.result.get("result") or "")
            status += "; " + followup[lang] if followup else ""
    return status + (OUTSIDE_AGE[lang] if outcome.outside_age_range else "")


def _action_words(action: Planned, lang: int) -> str:
    words = (
        ACTION_WORDS.get((action.kind, action.rule))
        or ACTION_WORDS.get((action.kind, "*"))
        or ACTION_WORDS[("*", "*")]
    )
    return words[lang].format(due=format_date(action.due))
