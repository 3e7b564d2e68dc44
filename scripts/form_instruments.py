"""The instrument blocks of the bundled XLSForms, one ``*_rows`` function per instrument.

Each block is a group shown only after consent (and a child's assent) whose item fields carry
the ``sangloc:item`` bind attribute and whose device total carries ``sangloc:device_score``.
Item text comes from scripts/form_texts.py; licensed instruments get numbered placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from form_blocks import GO_ADULT, GO_CHILD
from form_rows import Row, T, begin, calc, end, note
from form_texts import (
    ATTEMPT_NOTE,
    DIFFICULTY_ADULT,
    EPDS_OWNER,
    GAD7_ITEMS,
    MCHAT_OWNER,
    MOH_SIGNS,
    PFIZER_CREDIT,
    PHQ9_ITEMS,
    PHQA_ITEMS,
    PHQA_YES_NO,
    SAFETY_NOTE,
    SDQ_OWNER,
    SRQ20_ITEMS,
    TWO_WEEKS_ADULT,
)


def items(instrument: str, texts: Iterable[tuple[str, str, str]], list_name: str,
          relevant: Callable[[str], str] | None = None) -> list[Row]:  # fmt: skip
    """One required select_one per item, bound as ``<instrument>.<key>``."""
    return [
        Row(f"select_one {list_name}", key, (vi, en), required=True,
            relevant=relevant(key) if relevant else "", item=f"{instrument}.{key}")
        for key, vi, en in texts
    ]  # fmt: skip


def numbered(prefix: T, count: int, start: int = 1) -> list[tuple[str, str, str]]:
    """Placeholder item labels: ("q05", "M-CHAT-R câu 5", "M-CHAT-R item 5")."""
    return [(f"q{n:02d}", f"{prefix[0]} {n}", f"{prefix[1]} {n}") for n in range(start, count + 1)]


def sum_expr(keys: Iterable[str]) -> str:
    """The sum of the numeric answers at ``keys`` (unanswered counts 0 until answered)."""
    return " + ".join(f"coalesce(${{{key}}}, 0)" for key in keys)


def count_expr(keys: Iterable[str], value: str) -> str:
    """How many of the fields at ``keys`` hold ``value``."""
    return " + ".join(f"if(${{{key}}} = '{value}', 1, 0)" for key in keys)


def licensed_note(name: str, owner: T) -> Row:
    """The placeholder warning at the top of a licensed instrument."""
    return note(name, (
        "CHƯA CÓ NỘI DUNG CÂU HỎI: công cụ này có bản quyền. Điều phối viên phải nạp nội dung "
        f"được cấp phép (bản tiếng Việt chính thức) trước khi dùng ngoài thực địa. {owner[0]}",
        "ITEM TEXT NOT LOADED: this instrument is copyrighted. The coordinator must load the "
        f"licensed text (official Vietnamese version) before field use. {owner[1]}"))


def group(instrument: str, title: T, go: str, rows: list[Row]) -> list[Row]:
    """The instrument's group: relevant only after consent (and the child's assent)."""
    return [begin(instrument, title, relevant=go), *rows, end(instrument)]


def phq9_rows() -> list[Row]:
    """PHQ-9: nine frequency items, the unscored difficulty question, device total, q09 alert."""
    keys = [key for key, _, _ in PHQ9_ITEMS]
    body = [
        note("phq9_intro", TWO_WEEKS_ADULT, hint=PFIZER_CREDIT),
        *items("phq9", PHQ9_ITEMS, "frequency"),
        Row("select_one difficulty", "q10", DIFFICULTY_ADULT, required=True,
            relevant="${total} > 0", item="phq9.q10"),
        calc("total", sum_expr(keys), score="phq9.total"),
        note("total_note", ("Tổng điểm PHQ-9: ${total}", "PHQ-9 total score: ${total}")),
        note("safety", SAFETY_NOTE, relevant="${q09} != '' and ${q09} != '0'"),
    ]  # fmt: skip
    return group("phq9", ("PHQ-9", "PHQ-9"), GO_ADULT, body)


def gad7_rows() -> list[Row]:
    """GAD-7: seven frequency items and the device total."""
    keys = [key for key, _, _ in GAD7_ITEMS]
    body = [
        note("gad7_intro", TWO_WEEKS_ADULT, hint=PFIZER_CREDIT),
        *items("gad7", GAD7_ITEMS, "frequency"),
        calc("total", sum_expr(keys), score="gad7.total"),
        note("total_note", ("Tổng điểm GAD-7: ${total}", "GAD-7 total score: ${total}")),
    ]
    return group("gad7", ("GAD-7", "GAD-7"), GO_ADULT, body)


def phqa_rows() -> list[Row]:
    """PHQ-A: nine items, the three yes/no questions, the difficulty question, alerts."""
    keys = [key for key, _, _ in PHQA_ITEMS]
    intro = ("Trong 2 tuần qua, bao lâu một lần em bị phiền muộn vì từng triệu chứng sau đây?",
             "How often have you been bothered by each of the following symptoms during the past "
             "two weeks?")  # fmt: skip
    credit = (
        "PHQ-A: Johnson JG, Harris ES, Spitzer RL, Williams JB (2002), phỏng theo PHQ-9. "
        + PFIZER_CREDIT[0],
        "PHQ-A: Johnson JG, Harris ES, Spitzer RL, Williams JB (2002), modified from the PHQ-9. "
        + PFIZER_CREDIT[1],
    )
    difficulty = (
        "Nếu em đang gặp bất kỳ vấn đề nào kể trên, những vấn đề đó đã gây khó khăn như thế nào "
        "cho em trong học tập, làm việc, việc nhà hoặc quan hệ với người khác?",
        "If you are experiencing any of the problems on this form, how difficult have these "
        "problems made it for you to do your work, take care of things at home or get along "
        "with other people?",
    )
    body = [
        note("phqa_intro", intro, hint=credit),
        *items("phqa", PHQA_ITEMS, "frequency"),
        *items("phqa", PHQA_YES_NO[:1], "yes_no"),
        Row("select_one difficulty", "q13", difficulty, required=True, relevant="${total} > 0",
            item="phqa.q13"),
        *items("phqa", PHQA_YES_NO[1:], "yes_no"),
        calc("total", sum_expr(keys), score="phqa.total"),
        note("total_note", ("Tổng điểm PHQ-A: ${total}", "PHQ-A total score: ${total}")),
        note("safety", SAFETY_NOTE, relevant=(
            "(${q09} != '' and ${q09} != '0') or ${q11} = 'yes'")),
        note("safety_attempt", ATTEMPT_NOTE, relevant="${q12} = 'yes'"),
    ]  # fmt: skip
    return group("phqa", ("PHQ-A", "PHQ-A"), GO_CHILD, body)


def srq20_rows() -> list[Row]:
    """SRQ-20: twenty yes/no items (past 30 days), device total, q17 alert."""
    keys = [key for key, _, _ in SRQ20_ITEMS]
    intro = (
        "Các câu hỏi sau nói về một số đau đớn và vấn đề có thể đã làm anh/chị khó chịu trong 30 "
        "ngày qua. Nếu câu hỏi đúng với anh/chị và anh/chị đã gặp vấn đề đó trong 30 ngày qua, "
        "trả lời CÓ. Nếu câu hỏi không đúng với anh/chị, hoặc anh/chị không gặp vấn đề đó trong "
        "30 ngày qua, trả lời KHÔNG.",
        "The following questions are related to certain pains and problems that may have "
        "bothered you in the last 30 days. If you think the question applies to you and you had "
        "the described problem in the last 30 days, answer YES. If the question does not apply "
        "to you or you did not have the problem in the last 30 days, answer NO.",
    )
    credit = (
        "SRQ-20: Tổ chức Y tế Thế giới (WHO/MNH/PSF/94.8, 1994); chỉ dùng phi thương mại. Bản "
        "tiếng Việt: bản dịch của dự án sangloc, chờ thẩm định.",
        "SRQ-20: World Health Organization (WHO/MNH/PSF/94.8, 1994); non-commercial use only. "
        "Vietnamese text: the sangloc project's own translation, pending review.",
    )
    body = [
        note("srq20_intro", intro, hint=credit),
        *items("srq20", SRQ20_ITEMS, "yes_no"),
        calc("total", count_expr(keys, "yes"), score="srq20.total"),
        note("total_note", ("Tổng điểm SRQ-20: ${total}", "SRQ-20 total score: ${total}")),
        note("safety", SAFETY_NOTE, relevant="${q17} = 'yes'"),
    ]
    return group("srq20", ("SRQ-20", "SRQ-20"), GO_ADULT, body)


def _sign_row(key: str, months: int, field: str, vi: str, en: str) -> Row:
    """One question of a warning sign (a compound sign has one per part, bound to one item)."""
    when = (f"Hỏi khi trẻ từ {months} tháng tuổi.", f"Asked from {months} months of age.")
    if months == 0:
        when = ("Hỏi ở mọi lứa tuổi.", "Asked at any age.")
    hint = (f"{when[0]} Dấu hiệu là điều trẻ CHƯA làm được: chọn “Có dấu hiệu này” khi trẻ "
            "chưa làm được như mô tả.",
            f"{when[1]} A sign is something the child does NOT do: choose “Sign present” "
            "when the child does not do what is described.")
    return Row("select_one sign", field, (f"Dấu hiệu: {vi}", f"Sign: {en}"), hint=hint,
               required=True, relevant=f"${{age_months}} >= {months}" if months else "",
               item=f"moh_asd_signs.{key}")  # fmt: skip


def moh_rows() -> list[Row]:
    """QĐ 2254/QĐ-BYT step 1: each sign asked from its age; any sign present -> refer."""
    intro = (
        "Bảng kiểm dấu hiệu cảnh báo rối loạn phổ tự kỷ — Bước 1, Quyết định 2254/QĐ-BYT ngày "
        "07/05/2021 của Bộ Y tế. Hỏi cha mẹ hoặc người chăm sóc và quan sát trẻ. Chỉ các dấu "
        "hiệu phù hợp với tuổi của trẻ (${age_months} tháng) được hỏi.",
        "Autism warning-sign checklist — Step 1 of Decision 2254/QĐ-BYT of 07/05/2021 (Ministry "
        "of Health). Ask the parent or caregiver and observe the child. Only the signs that fit "
        "the child's age (${age_months} months) are asked.",
    )
    signs = []
    for key, months, parts in MOH_SIGNS:
        for field, vi, en in parts:
            signs.append(_sign_row(key, months, field, vi, en))
    fields = [field for _, _, parts in MOH_SIGNS for field, _, _ in parts]
    body = [
        note("moh_intro", intro), *signs, calc("signs", count_expr(fields, "yes")),
        note("positive", (
            "Có dấu hiệu cảnh báo: chuyển gửi trẻ đến Bước 2 (sàng lọc bởi bác sĩ phục hồi chức "
            "năng nhi hoặc bác sĩ tâm thần nhi tuyến tỉnh hoặc trung ương) theo QĐ 2254/QĐ-BYT.",
            "Warning sign present: refer the child to Step 2 (screening by a paediatric "
            "rehabilitation doctor or child psychiatrist at provincial or central level) under "
            "QĐ 2254/QĐ-BYT."), relevant="${signs} >= 1"),
        note("negative", (
            "Không có dấu hiệu cảnh báo ở lần kiểm tra này. Tiếp tục theo dõi sự phát triển của "
            "trẻ và kiểm tra lại ở các lần sau.",
            "No warning sign at this check. Keep following the child's development and check "
            "again at later visits."), relevant="${signs} = 0"),
    ]  # fmt: skip
    return group("moh_asd_signs", ("Dấu hiệu cảnh báo", "Warning signs"), GO_CHILD, body)


MCHAT_AT_RISK_IF_YES = ("q02", "q05", "q12")


def at_risk(key: str) -> str:
    """XPath: M-CHAT-R item ``key`` was answered at risk (yes for q02/q05/q12, no otherwise)."""
    return f"${{{key}}} = '{'yes' if key in MCHAT_AT_RISK_IF_YES else 'no'}'"


def mchat_rows(instrument: str) -> list[Row]:
    """The 20 initial items, the device total and the band; the Follow-Up for ``mchat_rf``."""
    keys = [f"q{n:02d}" for n in range(1, 21)]
    with_followup = instrument == "mchat_rf"
    medium = ("thực hiện phỏng vấn tiếp theo ở phần sau, chỉ cho các câu có nguy cơ",
              "do the Follow-Up interview in the next part, for the at-risk items only") \
        if with_followup else (
              "cần phỏng vấn tiếp theo M-CHAT-R/F (phiếu M-CHAT-R/F) cho các câu có nguy cơ",
              "the M-CHAT-R/F Follow-Up interview (M-CHAT-R/F form) is needed for the at-risk "
              "items")  # fmt: skip
    body = [
        licensed_note("mchat_licence", MCHAT_OWNER),
        *items(instrument, numbered(("M-CHAT-R câu", "M-CHAT-R item"), 20), "yes_no"),
        calc("total", " + ".join(f"if({at_risk(key)}, 1, 0)" for key in keys),
             score=f"{instrument}.total"),
        note("band_low", (
            "Nguy cơ thấp (${total} điểm). Nếu trẻ dưới 24 tháng, sàng lọc lại khi trẻ tròn 24 "
            "tháng.",
            "Low risk (${total}). If the child is under 24 months, rescreen after the second "
            "birthday."), relevant="${total} <= 2"),
        note("band_medium", (f"Nguy cơ trung bình (${{total}} điểm): {medium[0]}.",
                             f"Medium risk (${{total}}): {medium[1]}."),
             relevant="${total} >= 3 and ${total} <= 7"),
        note("band_high", (
            "Nguy cơ cao (${total} điểm): chuyển gửi ngay để đánh giá chẩn đoán và xem xét can "
            "thiệp sớm.",
            "High risk (${total}): refer immediately for diagnostic evaluation and for early "
            "intervention."), relevant="${total} >= 8"),
    ]  # fmt: skip
    if not with_followup:
        return group("mchat_r", ("M-CHAT-R", "M-CHAT-R"), GO_CHILD, body)
    body.append(Row("select_one yes_no", "followup_anyway", (
        "Nguy cơ cao: có thể bỏ qua phỏng vấn tiếp theo. Vẫn thực hiện phỏng vấn tiếp theo?",
        "High risk: the Follow-Up interview may be skipped. Do the Follow-Up anyway?"),
        hint=("Dù chọn gì, trẻ vẫn được chuyển gửi ngay.",
              "Either way, the child is referred immediately."),
        required=True, relevant="${total} >= 8"))  # fmt: skip
    return [*group("mchat_r", ("M-CHAT-R", "M-CHAT-R"), GO_CHILD, body), *followup_rows()]


def followup_rows() -> list[Row]:
    """M-CHAT-R/F Follow-Up: asked only for at-risk items; skipped at 0-2, optional at 8+."""
    keys = [f"q{n:02d}" for n in range(1, 21)]
    questions = [
        Row("select_one pass_fail", f"fu_{key}", (
            f"M-CHAT-R/F phỏng vấn tiếp theo — câu {int(key[1:])}",
            f"M-CHAT-R/F Follow-Up — item {int(key[1:])}"),
            hint=(f"Hỏi theo lưu đồ của câu {int(key[1:])} trong tài liệu Phỏng vấn tiếp theo "
                  "(có bản quyền) cho đến khi xác định ĐẠT hay KHÔNG ĐẠT.",
                  f"Follow item {int(key[1:])}'s flowchart in the licensed Follow-Up interview "
                  "until the item is scored PASS or FAIL."),
            required=True, relevant=at_risk(key), item=f"mchat_rf.followup.{key}")
        for key in keys
    ]  # fmt: skip
    body = [
        licensed_note("followup_licence", MCHAT_OWNER), *questions,
        calc("fu_fails", " + ".join(f"if(${{fu_{key}}} = 'fail', 1, 0)" for key in keys)),
        note("fu_positive", (
            "Sàng lọc DƯƠNG TÍNH (${fu_fails} câu không đạt): chuyển gửi để đánh giá chẩn đoán và "
            "can thiệp sớm.",
            "Screen POSITIVE (${fu_fails} items failed): refer for diagnostic evaluation and "
            "early intervention."), relevant="${fu_fails} >= 2"),
        note("fu_negative", (
            "Sàng lọc âm tính (${fu_fails} câu không đạt): sàng lọc lại ở các lần khám sau.",
            "Screen negative (${fu_fails} items failed): rescreen at future visits."),
            relevant="${fu_fails} <= 1 and ${total} <= 7"),
        note("fu_high", (
            "Nguy cơ cao ở bước đầu (${total} điểm): vẫn chuyển gửi ngay, dù kết quả phỏng vấn "
            "tiếp theo thế nào.",
            "High risk at the initial screen (${total}): the immediate referral stands whatever "
            "the Follow-Up result."), relevant="${total} >= 8"),
    ]  # fmt: skip
    go = f"{GO_CHILD} and ${{total}} >= 3 and (${{total}} <= 7 or ${{followup_anyway}} = 'yes')"
    return group("followup", ("Phỏng vấn tiếp theo M-CHAT-R/F", "M-CHAT-R/F Follow-Up"), go, body)


def sdq_rows(instrument: str) -> list[Row]:
    """SDQ parent report: 25 items, the 'difficulties?' question and the impact supplement."""
    gate_hint = ("Lựa chọn 1 (mã 0) = không có khó khăn; lựa chọn 2–4 = có, mức độ tăng dần.",
                 "Option 1 (code 0) = no difficulties; options 2-4 = yes, rising severity.")
    body = [
        licensed_note("sdq_licence", SDQ_OWNER),
        *items(instrument, numbered(("SDQ câu", "SDQ item"), 25), "sdq"),
        Row("select_one sdq_difficulties", "q26",
            ("SDQ câu 26 (phần ảnh hưởng)", "SDQ item 26 (impact supplement)"), hint=gate_hint,
            required=True, item=f"{instrument}.q26"),
        *items(instrument, [(key, f"{vi} (phần ảnh hưởng)", f"{en} (impact supplement)") for
                            key, vi, en in numbered(("SDQ câu", "SDQ item"), 31, start=27)],
               "sdq_impact", relevant=lambda _key: "${q26} != '0'"),
    ]  # fmt: skip
    return group(instrument, ("SDQ", "SDQ"), GO_CHILD, body)


def epds_rows() -> list[Row]:
    """EPDS: perinatal status check, ten items (choice = printed position), q10 alert."""
    questions = [
        Row(f"select_one epds_{key}", key, (vi, en), required=True, item=f"epds.{key}")
        for key, vi, en in numbered(("EPDS câu", "EPDS item"), 10)
    ]
    body = [
        Row("select_one perinatal", "perinatal",
            ("Hiện nay chị đang mang thai hoặc đã sinh con trong vòng 12 tháng qua?",
             "Are you pregnant now, or did you give birth in the last 12 months?"),
            required=True),
        note("perinatal_warning", (
            "Lưu ý: EPDS dành cho phụ nữ đang mang thai hoặc sau sinh. Vẫn có thể tiếp tục; kết "
            "quả sẽ được xem xét lại.",
            "Note: the EPDS is meant for pregnant or postnatal women. You may continue; the "
            "result will be reviewed."),
            relevant="${perinatal} = 'neither' or ${sex} = 'male'"),
        licensed_note("epds_licence", EPDS_OWNER), *questions,
        note("safety", SAFETY_NOTE, relevant="${q10} != '' and ${q10} != '3'"),
    ]  # fmt: skip
    return group("epds", ("EPDS", "EPDS"), GO_ADULT, body)
