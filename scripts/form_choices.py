"""The choice lists of the bundled XLSForms (the ``choices`` sheet), Vietnamese and English.

``CHOICES`` maps a list name to its ``(name, Vietnamese label, English label)`` options; lists
whose option text is licensed (EPDS items, the SDQ impact supplement) get neutral placeholders
in printed order.
"""

from __future__ import annotations

from form_rows import T

CHOICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "agree": (("yes", "Có, đồng ý", "Yes, agrees"), ("no", "Không đồng ý", "Does not agree")),
    "yes_no": (("yes", "Có", "Yes"), ("no", "Không", "No")),
    # QĐ 2254 step 1: the answer records the sign, not the skill (codes as yes_no)
    "sign": (("yes", "Có dấu hiệu này", "Sign present"),
             ("no", "Không có dấu hiệu này", "Sign absent")),
    "relation": (
        ("mother", "Mẹ", "Mother"),
        ("father", "Cha", "Father"),
        ("guardian", "Người giám hộ", "Guardian"),
        ("other_legal_representative", "Người đại diện theo pháp luật khác",
         "Other legal representative"),
    ),
    "consent_method": (
        ("paper_signature", "Ký tên hoặc điểm chỉ vào phiếu đồng ý giấy",
         "Signature or thumbprint on the paper consent form"),
        ("audio_recording", "Ghi âm lời đồng ý", "Audio recording of the consent"),
        ("on_device", "Người đồng ý tự xác nhận trên thiết bị này",
         "Confirmed by the consenting person on this device"),
    ),
    "sex": (("female", "Nữ", "Female"), ("male", "Nam", "Male")),
    "frequency": (
        ("0", "Không ngày nào", "Not at all"),
        ("1", "Vài ngày", "Several days"),
        ("2", "Hơn một nửa số ngày", "More than half the days"),
        ("3", "Gần như ngày nào cũng bị", "Nearly every day"),
    ),
    "difficulty": (
        ("0", "Không khó khăn chút nào", "Not difficult at all"),
        ("1", "Hơi khó khăn", "Somewhat difficult"),
        ("2", "Rất khó khăn", "Very difficult"),
        ("3", "Cực kỳ khó khăn", "Extremely difficult"),
    ),
    "sdq": (
        ("not_true", "Không đúng", "Not true"),
        ("somewhat_true", "Đúng phần nào", "Somewhat true"),
        ("certainly_true", "Chắc chắn đúng", "Certainly true"),
    ),
    "pass_fail": (("pass", "Đạt", "Pass"), ("fail", "Không đạt", "Fail")),
    "perinatal": (
        ("pregnant", "Đang mang thai", "Pregnant"),
        ("postpartum", "Đã sinh con trong vòng 12 tháng qua", "Gave birth in the last 12 months"),
        ("neither", "Không thuộc hai trường hợp trên", "Neither"),
    ),
}


def placeholder_options(what: T, count: int) -> tuple[tuple[str, str, str], ...]:
    """Neutral options ``0``..``count-1`` in printed order, for licensed option text."""
    return tuple(
        (str(i), f"{what[0]} — lựa chọn {i + 1} (thứ {i + 1} từ trên xuống)",
         f"{what[1]} — option {i + 1} ({_ordinal(i + 1)} from the top)")
        for i in range(count)
    )  # fmt: skip


def _ordinal(n: int) -> str:
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


for _n in range(1, 11):
    CHOICES[f"epds_q{_n:02d}"] = placeholder_options((f"EPDS câu {_n}", f"EPDS item {_n}"), 4)
CHOICES["sdq_difficulties"] = placeholder_options(("SDQ câu 26", "SDQ item 26"), 4)
CHOICES["sdq_impact"] = placeholder_options(("SDQ ảnh hưởng", "SDQ impact"), 4)
