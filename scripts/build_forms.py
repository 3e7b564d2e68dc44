"""Build sangloc's bundled XLSForms (forms/definitions/<form_id>.xlsx) with openpyxl.

This script is the source of truth for the bundled forms; the .xlsx files are its committed
output. Every form has the same shape: a consent block (nothing else is recorded without
consent), an identification block (children's or adults' variant) and one instrument block whose
fields carry the ``sangloc:item`` / ``sangloc:person`` / ``sangloc:device_score`` bind attributes
the server reads (see forms/definitions/README.md). Item text is shipped only for instruments
that may be shipped (PHQ-9, PHQ-A, GAD-7, SRQ-20, QĐ 2254/QĐ-BYT); M-CHAT-R/F, SDQ and EPDS get
neutral placeholder labels until a coordinator loads the licensed text.

Run from the repository root: ``.venv/bin/python scripts/build_forms.py [--out DIR]``.
It must not import server code, must not reach the network and writes only .xlsx files.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl

VI = "Tiếng Việt (vi)"
EN = "English (en)"
VERSION = "2026112501"
OUT_DIR = Path(__file__).resolve().parent.parent / "forms" / "definitions"

T = tuple[str, str]  # (Vietnamese, English)

SURVEY_COLUMNS = (
    "type", "name", f"label::{VI}", f"label::{EN}", f"hint::{VI}", f"hint::{EN}",
    "required", "relevant", "constraint", f"constraint_message::{VI}",
    f"constraint_message::{EN}", "calculation", "appearance",
    "bind::sangloc:item", "bind::sangloc:person", "bind::sangloc:device_score",
)  # fmt: skip
CHOICE_COLUMNS = ("list_name", "name", f"label::{VI}", f"label::{EN}")
SETTINGS_COLUMNS = ("form_id", "version", "form_title", "default_language", "namespaces")
NAMESPACES = 'sangloc="urn:sangloc"'


@dataclass(frozen=True)
class Row:
    """One survey row; ``item``/``person``/``score`` become the sangloc bind attributes."""

    type: str
    name: str = ""
    label: T | None = None
    hint: T | None = None
    required: bool = False
    relevant: str = ""
    constraint: str = ""
    message: T | None = None
    calculation: str = ""
    appearance: str = ""
    item: str = ""
    person: str = ""
    score: str = ""

    def cells(self) -> list[str]:
        """The row's cells in SURVEY_COLUMNS order."""
        blank = ("", "")
        label, hint, message = self.label or blank, self.hint or blank, self.message or blank
        return [
            self.type, self.name, *label, *hint, "yes" if self.required else "",
            self.relevant, self.constraint, *message, self.calculation, self.appearance,
            self.item, self.person, self.score,
        ]  # fmt: skip


def begin(name: str, label: T, relevant: str = "") -> Row:
    """A ``begin_group`` row."""
    return Row("begin_group", name, label, relevant=relevant)


def end(name: str) -> Row:
    """An ``end_group`` row."""
    return Row("end_group", name)


def note(name: str, label: T, relevant: str = "", hint: T | None = None) -> Row:
    """A read-only note."""
    return Row("note", name, label, hint=hint, relevant=relevant)


def calc(name: str, expression: str, score: str = "") -> Row:
    """A ``calculate`` row, optionally bound as the device-side score."""
    return Row("calculate", name, calculation=expression, score=score)


# --- choice lists -------------------------------------------------------------------------------

CHOICES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "agree": (("yes", "Có, đồng ý", "Yes, agrees"), ("no", "Không đồng ý", "Does not agree")),
    "yes_no": (("yes", "Có", "Yes"), ("no", "Không", "No")),
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


# --- consent and identification (same in every form) ------------------------------------------

GO_CHILD = "${consent} = 'yes' and ${child_assent} != 'no'"
CONSENTED = "${consent} = 'yes'"
GO_ADULT = CONSENTED

INTRO_CHILD: T = (
    "Xin chào. Chúng tôi là cộng tác viên của chương trình phát hiện sớm và hỗ trợ sức khỏe tâm "
    "thần tại xã. Phiếu này giúp phát hiện sớm những dấu hiệu cho thấy sự phát triển hoặc sức "
    "khỏe tâm thần của trẻ cần được quan tâm. Thông tin về trẻ là dữ liệu cá nhân nhạy cảm: chỉ "
    "dùng để sàng lọc, chuyển gửi và hỗ trợ trẻ, và được bảo mật theo Luật Bảo vệ dữ liệu cá "
    "nhân. Việc tham gia là tự nguyện; gia đình có thể từ chối hoặc rút lại sự đồng ý bất cứ lúc "
    "nào mà không ảnh hưởng đến các dịch vụ khác.",
    "Hello. We are collaborators of the commune programme for early detection and mental-health "
    "support. This form helps to find early signs that a child's development or mental health "
    "needs attention. Information about the child is sensitive personal data: it is used only "
    "for screening, referral and support, and is protected under the Personal Data Protection "
    "Law. Taking part is voluntary; the family may refuse or withdraw consent at any time "
    "without losing any other service.",
)
INTRO_ADULT: T = (
    "Xin chào. Chúng tôi là cộng tác viên của chương trình hỗ trợ sức khỏe tâm thần tại xã. Các "
    "câu hỏi sau giúp phát hiện sớm những vấn đề sức khỏe tâm thần thường gặp. Câu trả lời của "
    "anh/chị là dữ liệu cá nhân nhạy cảm: chỉ dùng để sàng lọc, chuyển gửi và hỗ trợ, và được "
    "bảo mật theo Luật Bảo vệ dữ liệu cá nhân. Việc tham gia là tự nguyện; anh/chị có thể từ chối "
    "hoặc rút lại sự đồng ý bất cứ lúc nào mà không ảnh hưởng đến các dịch vụ khác.",
    "Hello. We are collaborators of the commune mental-health support programme. The following "
    "questions help to find common mental-health problems early. Your answers are sensitive "
    "personal data: they are used only for screening, referral and support, and are protected "
    "under the Personal Data Protection Law. Taking part is voluntary; you may refuse or "
    "withdraw consent at any time without losing any other service.",
)
ASK_DIRECTLY: T = (
    "Hỏi trực tiếp và chờ câu trả lời; không chọn thay. Im lặng không phải là đồng ý.",
    "Ask directly and wait for the answer; never answer on their behalf. Silence is not consent.",
)
STOP_NO_CONSENT: T = (
    "Không có sự đồng ý: kết thúc phỏng vấn tại đây và cảm ơn. Lưu và gửi phiếu; không ghi thêm "
    "thông tin nào.",
    "No consent: the interview ends here; thank them. Save and send the form; record nothing else.",
)


def consent_rows(child: bool) -> list[Row]:
    """The consent group: explicit consent (no default), who consented, relation and method."""
    rows = [begin("consent_group", ("Sự đồng ý tham gia", "Consent")),
            note("consent_intro", INTRO_CHILD if child else INTRO_ADULT)]  # fmt: skip
    if child:
        question = (
            "Cha, mẹ hoặc người giám hộ (người đại diện theo pháp luật) của trẻ có đồng ý cho trẻ "
            "tham gia sàng lọc và cho phép thu thập, xử lý thông tin cá nhân của trẻ cho mục đích "
            "trên không?",
            "Does the child's parent or guardian (legal representative) agree to the child taking "
            "part in the screening and to the collection and processing of the child's personal "
            "data for this purpose?",
        )
    else:
        question = (
            "Anh/chị có đồng ý tham gia sàng lọc và cho phép thu thập, xử lý thông tin cá nhân "
            "của mình cho mục đích trên không?",
            "Do you agree to take part in the screening and to the collection and processing of "
            "your personal data for this purpose?",
        )
    rows.append(Row("select_one agree", "consent", question, hint=ASK_DIRECTLY, required=True,
                    person="consent"))  # fmt: skip
    rows += _consent_who(child)
    rows.append(Row("select_one consent_method", "consent_method",
                    ("Cách ghi nhận sự đồng ý", "How consent was recorded"),
                    required=True, relevant=CONSENTED, person="consent_method"))  # fmt: skip
    rows += [note("no_consent", STOP_NO_CONSENT, relevant="${consent} = 'no'"),
             end("consent_group")]
    return rows


def _consent_who(child: bool) -> list[Row]:
    """Who consented: asked for a child; the person themself for an adult."""
    if not child:
        return [Row("calculate", "consent_by", relevant=CONSENTED, calculation="${full_name}",
                    person="consent_by"),
                Row("calculate", "consent_relation", relevant=CONSENTED, calculation="'self'",
                    person="consent_relation")]  # fmt: skip
    return [
        Row("text", "consent_by",
            ("Họ và tên người đồng ý", "Full name of the person giving consent"),
            required=True, relevant=CONSENTED, person="consent_by"),
        Row("select_one relation", "consent_relation",
            ("Quan hệ của người đồng ý với trẻ",
             "Relation of the person giving consent to the child"),
            hint=("Chỉ cha, mẹ, người giám hộ hoặc người đại diện theo pháp luật mới được đồng ý "
                  "thay cho trẻ.",
                  "Only a parent, guardian or other legal representative may consent for a child."),
            required=True, relevant=CONSENTED, person="consent_relation"),
    ]  # fmt: skip


@dataclass(frozen=True)
class AgeRule:
    """The instrument's age range; outside it a warning, or a refusal when ``refuse``."""

    unit: str  # "months" | "years"
    low: int
    high: int | None
    text: T  # the range as printed in messages
    refuse: bool = False


def age_months_expr(ref: str) -> str:
    """Age in completed months on today's date from the date at ``ref`` (XPath)."""
    year, month, day = (f"int(format-date({ref}, '%{c}'))" for c in "Yne")
    now_y, now_m, now_d = (f"int(format-date(today(), '%{c}'))" for c in "Yne")
    return f"({now_y} - {year}) * 12 + {now_m} - {month} - if({now_d} < {day}, 1, 0)"


def _dob_row(child: bool, age: AgeRule | None) -> Row:
    constraint = ". <= today() and . >= date('1900-01-01')"
    message = ("Ngày sinh không thể sau ngày hôm nay.", "The date of birth cannot be after today.")
    if age is not None and age.refuse:
        constraint += f" and {age_months_expr('.')} <= {age.high}"
        message = (
            f"Ngày sinh không hợp lệ hoặc trẻ ngoài độ tuổi {age.text[0]}: không dùng phiếu này.",
            f"Invalid date of birth, or the child is outside {age.text[1]}: do not use this form.",
        )
    label = ("Ngày sinh", "Date of birth")
    if child:
        label = ("Ngày sinh của trẻ", "Child's date of birth")
    return Row("date", "dob", label, required=True, constraint=constraint, message=message,
               person="dob")  # fmt: skip


def _age_rows(age: AgeRule | None) -> list[Row]:
    rows = [calc("age_months", f"if(${{dob}} = '', '', {age_months_expr('${dob}')})"),
            calc("age_years", "if(${dob} = '', '', int(${age_months} div 12))")]  # fmt: skip
    if age is None or age.refuse:
        return rows
    var = "${age_months}" if age.unit == "months" else "${age_years}"
    outside = f"{var} < {age.low}" + (f" or {var} > {age.high}" if age.high is not None else "")
    rows.append(note("age_warning", (
        f"Lưu ý: tuổi hiện nay là ${{age_years}} tuổi (${{age_months}} tháng), ngoài độ tuổi của "
        f"công cụ ({age.text[0]}). Vẫn có thể tiếp tục; kết quả sẽ được đánh dấu “ngoài độ tuổi "
        "đã thẩm định”.",
        f"Note: the age today is ${{age_years}} years (${{age_months}} months), outside the "
        f"instrument's age range ({age.text[1]}). You may continue; the result will be flagged "
        "“outside the validated age range”.",
    ), relevant=f"${{dob}} != '' and ({outside})"))  # fmt: skip
    return rows


def _assent_rows() -> list[Row]:
    return [
        Row("select_one agree", "child_assent", (
            "Trẻ từ đủ 7 tuổi: sau khi được giải thích bằng lời lẽ phù hợp với lứa tuổi, trẻ có "
            "đồng ý tham gia không?",
            "Child aged 7 or over: after an explanation suited to the child's age, does the child "
            "agree to take part?"), hint=ASK_DIRECTLY, required=True,
            relevant="${age_years} >= 7", person="child_assent"),
        note("no_assent", (
            "Trẻ không đồng ý: kết thúc phỏng vấn tại đây. Lưu và gửi phiếu; không ghi thêm thông "
            "tin nào.",
            "The child does not agree: the interview ends here. Save and send the form; record "
            "nothing else."), relevant="${child_assent} = 'no'"),
    ]  # fmt: skip


def person_rows(child: bool, age: AgeRule | None) -> list[Row]:
    """Date of birth and age (first: assent and the age check need it), then identification."""
    rows = [begin("person", ("Thông tin nhận dạng", "Identification"), relevant=CONSENTED),
            _dob_row(child, age), *_age_rows(age)]  # fmt: skip
    details = _identity_rows(child)
    if child:
        rows += _assent_rows()
        assented = "${child_assent} != 'no'"
        details = [replace(row, relevant=assented) for row in details]
    return [*rows, *details, end("person")]


def _identity_rows(child: bool) -> list[Row]:
    who = ("trẻ", "child") if child else ("người", "person")
    rows = [
        Row("select_one_from_file cases.csv", "person_id", (
            f"Đã có hồ sơ? Chọn {who[0]} trong danh sách (bỏ qua nếu là {who[0]} mới)",
            f"Existing record? Choose the {who[1]} from the list (skip for a new {who[1]})"),
            appearance="autocomplete", person="person_id"),
        Row("text", "full_name", ("Họ và tên của trẻ", "Child's full name") if child
            else ("Họ và tên", "Full name"), required=True, person="full_name"),
        Row("select_one sex", "sex", ("Giới tính", "Sex"), required=True, person="sex"),
    ]  # fmt: skip
    if child:
        rows.append(Row("text", "caregiver_name", (
            "Họ và tên người chăm sóc chính", "Primary caregiver's full name"), required=True,
            person="caregiver_name"))  # fmt: skip
    return [*rows, *_contact_rows()]


def _contact_rows() -> list[Row]:
    return [
        Row("text", "phone", ("Số điện thoại liên hệ", "Contact phone number"),
            hint=("Không bắt buộc.", "Optional."),
            constraint=r"regex(., '^(\+84|0)[0-9]{9,10}$')",
            message=("Số điện thoại bắt đầu bằng 0 hoặc +84, theo sau là 9–10 chữ số.",
                     "A phone number starts with 0 or +84 followed by 9–10 digits."),
            appearance="numbers", person="phone"),
        Row("select_one_from_file communes.csv", "commune",
            ("Xã / phường / đặc khu", "Commune / ward / special zone"), required=True,
            appearance="autocomplete", person="commune"),
        Row("text", "village", ("Thôn, ấp, bản / tổ dân phố", "Village / residential group"),
            person="village"),
    ]  # fmt: skip


# --- instrument blocks ------------------------------------------------------------------------


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


SAFETY_NOTE: T = (
    "CẢNH BÁO AN TOÀN: người được hỏi có ý nghĩ về cái chết hoặc tự làm hại bản thân. Nếu có nguy "
    "cơ ngay lập tức, không để người đó ở một mình. Báo ngay cho người giám sát và trạm y tế xã để "
    "được đánh giá trong ngày, dù tổng điểm thấp.",
    "SAFETY ALERT: the person reports thoughts of death or of self-harm. If there is immediate "
    "danger, do not leave them alone. Tell the supervisor and the commune health station at once "
    "so they are assessed the same day, whatever the total score.",
)
PFIZER_CREDIT: T = (
    "Do các bác sĩ Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke và cộng sự xây dựng, với "
    "khoản tài trợ giáo dục của Pfizer Inc. Bản tiếng Việt: bản dịch của dự án sangloc, chờ thẩm "
    "định.",
    "Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with "
    "an educational grant from Pfizer Inc. Vietnamese text: the sangloc project's own "
    "translation, pending review.",
)
TWO_WEEKS_ADULT: T = (
    "Trong 2 tuần qua, anh/chị có thường xuyên gặp phải những vấn đề sau đây không?",
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?",
)
DIFFICULTY_ADULT: T = (
    "Nếu anh/chị có gặp bất kỳ vấn đề nào kể trên, những vấn đề đó đã gây khó khăn như thế nào "
    "cho anh/chị trong công việc, chăm lo việc nhà hoặc quan hệ với người khác?",
    "If you checked off any problems, how difficult have these problems made it for you to do "
    "your work, take care of things at home, or get along with other people?",
)

PHQ9_ITEMS = (
    ("q01", "Ít hứng thú hoặc ít thấy vui khi làm mọi việc",
     "Little interest or pleasure in doing things"),
    ("q02", "Cảm thấy buồn, chán nản hoặc tuyệt vọng", "Feeling down, depressed, or hopeless"),
    ("q03", "Khó ngủ, ngủ không yên giấc hoặc ngủ quá nhiều",
     "Trouble falling or staying asleep, or sleeping too much"),
    ("q04", "Cảm thấy mệt mỏi hoặc thiếu sức lực", "Feeling tired or having little energy"),
    ("q05", "Ăn không ngon miệng hoặc ăn quá nhiều", "Poor appetite or overeating"),
    ("q06", "Cảm thấy tồi tệ về bản thân — hoặc thấy mình là người thất bại, hoặc đã làm bản thân "
     "hay gia đình thất vọng",
     "Feeling bad about yourself — or that you are a failure or have let yourself or your family "
     "down"),
    ("q07", "Khó tập trung vào việc gì đó, chẳng hạn như đọc báo hoặc xem ti vi",
     "Trouble concentrating on things, such as reading the newspaper or watching television"),
    ("q08", "Đi lại hoặc nói năng chậm chạp đến mức người khác có thể nhận thấy? Hoặc ngược lại — "
     "bồn chồn, đứng ngồi không yên đến mức đi lại nhiều hơn bình thường",
     "Moving or speaking so slowly that other people could have noticed? Or the opposite — being "
     "so fidgety or restless that you have been moving around a lot more than usual"),
    ("q09", "Có ý nghĩ rằng mình chết đi thì tốt hơn, hoặc ý nghĩ tự làm hại bản thân theo cách "
     "nào đó",
     "Thoughts that you would be better off dead or of hurting yourself in some way"),
)  # fmt: skip

GAD7_ITEMS = (
    ("q01", "Cảm thấy lo lắng, bồn chồn hoặc căng thẳng", "Feeling nervous, anxious, or on edge"),
    ("q02", "Không thể ngừng lo lắng hoặc không kiểm soát được sự lo lắng",
     "Not being able to stop or control worrying"),
    ("q03", "Lo lắng quá nhiều về nhiều chuyện khác nhau",
     "Worrying too much about different things"),
    ("q04", "Khó thư giãn", "Trouble relaxing"),
    ("q05", "Bồn chồn đến mức khó ngồi yên", "Being so restless that it is hard to sit still"),
    ("q06", "Dễ bực mình hoặc cáu kỉnh", "Becoming easily annoyed or irritable"),
    ("q07", "Cảm thấy sợ hãi như thể sắp có điều gì khủng khiếp xảy ra",
     "Feeling afraid, as if something awful might happen"),
)  # fmt: skip

PHQA_ITEMS = (
    ("q01", "Cảm thấy buồn, chán nản, cáu kỉnh hoặc tuyệt vọng?",
     "Feeling down, depressed, irritable, or hopeless?"),
    ("q02", "Ít hứng thú hoặc ít thấy vui khi làm mọi việc?",
     "Little interest or pleasure in doing things?"),
    ("q03", "Khó đi vào giấc ngủ, khó ngủ liền giấc hoặc ngủ quá nhiều?",
     "Trouble falling asleep, staying asleep, or sleeping too much?"),
    ("q04", "Ăn không ngon miệng, sụt cân hoặc ăn quá nhiều?",
     "Poor appetite, weight loss, or overeating?"),
    ("q05", "Cảm thấy mệt mỏi hoặc thiếu sức lực?", "Feeling tired, or having little energy?"),
    ("q06", "Cảm thấy tồi tệ về bản thân — hoặc thấy mình là người thất bại, hoặc đã làm bản thân "
     "hay gia đình thất vọng?",
     "Feeling bad about yourself – or feeling that you are a failure, or that you have let "
     "yourself or your family down?"),
    ("q07", "Khó tập trung vào việc gì đó, như bài vở ở trường, đọc sách hoặc xem ti vi?",
     "Trouble concentrating on things like school work, reading, or watching TV?"),
    ("q08", "Đi lại hoặc nói năng chậm chạp đến mức người khác có thể nhận thấy? Hoặc ngược lại — "
     "bồn chồn, đứng ngồi không yên đến mức đi lại nhiều hơn bình thường?",
     "Moving or speaking so slowly that other people could have noticed? Or the opposite – being "
     "so fidgety or restless that you were moving around a lot more than usual?"),
    ("q09", "Có ý nghĩ rằng mình chết đi thì tốt hơn, hoặc ý nghĩ tự làm hại bản thân theo cách "
     "nào đó?",
     "Thoughts that you would be better off dead, or of hurting yourself in some way?"),
)  # fmt: skip
PHQA_YES_NO = (
    ("q10", "Trong năm qua, có phải hầu hết các ngày em đều cảm thấy chán nản hoặc buồn, dù đôi "
     "lúc em thấy bình thường?",
     "In the past year have you felt depressed or sad most days, even if you felt okay "
     "sometimes?"),
    ("q11", "Trong tháng qua, đã có lúc nào em nghĩ một cách nghiêm túc đến việc tự kết thúc cuộc "
     "sống của mình không?",
     "Has there been a time in the past month when you have had serious thoughts about ending "
     "your life?"),
    ("q12", "Trong CẢ CUỘC ĐỜI, em đã TỪNG cố tự tử hoặc có hành động tìm cách tự tử chưa?",
     "Have you EVER, in your WHOLE LIFE, tried to kill yourself or made a suicide attempt?"),
)  # fmt: skip

SRQ20_ITEMS = (
    ("q01", "Anh/chị có hay bị đau đầu không?", "Do you often have headaches?"),
    ("q02", "Anh/chị có ăn không ngon miệng không?", "Is your appetite poor?"),
    ("q03", "Anh/chị có ngủ không ngon giấc không?", "Do you sleep badly?"),
    ("q04", "Anh/chị có dễ bị hoảng sợ không?", "Are you easily frightened?"),
    ("q05", "Tay anh/chị có bị run không?", "Do your hands shake?"),
    ("q06", "Anh/chị có cảm thấy hồi hộp, căng thẳng hoặc lo lắng không?",
     "Do you feel nervous, tense or worried?"),
    ("q07", "Anh/chị có bị tiêu hóa kém không?", "Is your digestion poor?"),
    ("q08", "Anh/chị có thấy khó suy nghĩ cho rõ ràng, mạch lạc không?",
     "Do you have trouble thinking clearly?"),
    ("q09", "Anh/chị có cảm thấy không vui không?", "Do you feel unhappy?"),
    ("q10", "Anh/chị có khóc nhiều hơn bình thường không?", "Do you cry more than usual?"),
    ("q11", "Anh/chị có thấy khó vui với các hoạt động hằng ngày của mình không?",
     "Do you find it difficult to enjoy your daily activities?"),
    ("q12", "Anh/chị có thấy khó đưa ra quyết định không?",
     "Do you find it difficult to make decisions?"),
    ("q13", "Công việc hằng ngày của anh/chị có bị sa sút không?", "Is your daily work suffering?"),
    ("q14", "Anh/chị có thấy mình không thể làm được việc gì có ích trong cuộc sống không?",
     "Are you unable to play a useful part in life?"),
    ("q15", "Anh/chị có mất hứng thú với mọi việc không?", "Have you lost interest in things?"),
    ("q16", "Anh/chị có cảm thấy mình là người vô dụng không?",
     "Do you feel that you are a worthless person?"),
    ("q17", "Anh/chị có từng nghĩ đến việc tự kết thúc cuộc sống của mình không?",
     "Has the thought of ending your life been on your mind?"),
    ("q18", "Anh/chị có lúc nào cũng cảm thấy mệt mỏi không?", "Do you feel tired all the time?"),
    ("q19", "Anh/chị có cảm giác khó chịu ở bụng không?",
     "Do you have uncomfortable feelings in your stomach?"),
    ("q20", "Anh/chị có dễ bị mệt không?", "Are you easily tired?"),
)  # fmt: skip

# QĐ 2254/QĐ-BYT step 1 warning signs (vietnam.md §1): key, asked from age (months), vi, en.
MOH_SIGNS = (
    ("q01", 6, "Chưa cười, ít vui thích khi được trò chuyện", "No smiling or joyful response"),
    ("q02", 9, "Không đáp lại bằng âm thanh, nụ cười, nét mặt",
     "No back-and-forth sounds, smiles or expressions"),
    ("q03", 12, "Chưa bập bẹ; không chỉ tay, với, vẫy tay",
     "No babbling; no pointing, reaching or waving"),
    ("q04", 16, "Chưa nói được từ đơn", "No single words"),
    ("q05", 24, "Chưa nói câu hai từ có nghĩa, hoặc nhại lời",
     "No meaningful two-word phrases, or echoing speech"),
    ("q06", 0, "Mất kỹ năng nói hoặc giao tiếp đã có",
     "Loss of language or social skills, any age"),
)  # fmt: skip


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
    intro = ("Trong 2 tuần qua, em có thường xuyên gặp phải những triệu chứng sau đây không?",
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
            "(${q09} != '' and ${q09} != '0') or ${q11} = 'yes' or ${q12} = 'yes'")),
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
    for key, months, vi, en in MOH_SIGNS:
        hint = (f"Hỏi khi trẻ từ {months} tháng tuổi.", f"Asked from {months} months of age.")
        if months == 0:
            hint = ("Hỏi ở mọi lứa tuổi.", "Asked at any age.")
        signs.append(Row("select_one yes_no", key, (f"Dấu hiệu: {vi}", f"Sign: {en}"), hint=hint,
                         required=True, relevant=f"${{age_months}} >= {months}" if months else "",
                         item=f"moh_asd_signs.{key}"))  # fmt: skip
    keys = [key for key, *_ in MOH_SIGNS]
    body = [
        note("moh_intro", intro), *signs, calc("signs", count_expr(keys, "yes")),
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


MCHAT_OWNER: T = ("© 2009 Robins, Fein, & Barton. Cần giấy phép bằng văn bản của tác giả cho mọi "
                  "hình thức điện tử.",
                  "© 2009 Robins, Fein, & Barton. Any electronic format needs the authors' written "
                  "licence.")  # fmt: skip
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


SDQ_OWNER: T = ("© Robert Goodman / youthinmind (sdqinfo.org). Cần sự cho phép bằng văn bản của "
                "youthinmind để thu thập bằng phương tiện điện tử.",
                "© Robert Goodman / youthinmind (sdqinfo.org). Electronic collection needs "
                "youthinmind's written authorisation.")  # fmt: skip


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


EPDS_OWNER: T = ("© 1987 The Royal College of Psychiatrists (Cox, Holden & Sagovsky 1987). Cần sự "
                 "cho phép bằng văn bản của RCPsych để phân phối điện tử. Nạp các lựa chọn đúng "
                 "thứ tự in, từ trên xuống.",
                 "© 1987 The Royal College of Psychiatrists (Cox, Holden & Sagovsky 1987). "
                 "Electronic distribution needs RCPsych's written permission. Load each item's "
                 "options in printed order, top to bottom.")  # fmt: skip


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


# --- the forms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormDef:
    """One bundled form: id, Vietnamese title, audience, age rule and instrument block."""

    form_id: str
    title: str
    child: bool
    age: AgeRule | None
    body: Callable[[], list[Row]]
    version: str = VERSION


ADULTS = AgeRule("years", 18, None, ("từ 18 tuổi", "18 years or over"))
FORMS: tuple[FormDef, ...] = (
    FormDef("mchat_r", "M-CHAT-R — Sàng lọc nguy cơ tự kỷ (trẻ 16–30 tháng)", True,
            AgeRule("months", 16, 30, ("16–30 tháng", "16-30 months")),
            lambda: mchat_rows("mchat_r")),
    FormDef("mchat_rf", "M-CHAT-R/F — Sàng lọc và phỏng vấn tiếp theo (trẻ 16–30 tháng)", True,
            AgeRule("months", 16, 30, ("16–30 tháng", "16-30 months")),
            lambda: mchat_rows("mchat_rf")),
    FormDef("sdq_p4_17", "SDQ — Điểm mạnh và khó khăn, cha mẹ đánh giá (4–17 tuổi)", True,
            AgeRule("years", 4, 17, ("4–17 tuổi", "4-17 years")), lambda: sdq_rows("sdq_p4_17")),
    FormDef("sdq_p2_4", "SDQ — Điểm mạnh và khó khăn, cha mẹ đánh giá (2–4 tuổi)", True,
            AgeRule("years", 2, 4, ("2–4 tuổi", "2-4 years")), lambda: sdq_rows("sdq_p2_4")),
    FormDef("phq9", "PHQ-9 — Sàng lọc trầm cảm (người trưởng thành)", False, ADULTS, phq9_rows),
    FormDef("phqa", "PHQ-A — Sàng lọc trầm cảm (vị thành niên 11–17 tuổi)", True,
            AgeRule("years", 11, 17, ("11–17 tuổi", "11-17 years")), phqa_rows),
    FormDef("gad7", "GAD-7 — Sàng lọc lo âu (người trưởng thành)", False, ADULTS, gad7_rows),
    FormDef("srq20", "SRQ-20 — Sàng lọc rối nhiễu tâm trí thường gặp (người trưởng thành)", False,
            ADULTS, srq20_rows),
    FormDef("epds", "EPDS — Sàng lọc trầm cảm chu sinh", False, None, epds_rows),
    FormDef("moh_asd_signs", "Dấu hiệu cảnh báo rối loạn phổ tự kỷ (QĐ 2254/QĐ-BYT, trẻ 0–72 "
            "tháng)", True, AgeRule("months", 0, 72, ("0–72 tháng", "0-72 months"), refuse=True),
            moh_rows),
)  # fmt: skip


def survey_rows(form: FormDef) -> list[Row]:
    """Metadata, consent, identification, then the instrument block."""
    return [Row("start", "start"), Row("end", "end"), *consent_rows(form.child),
            *person_rows(form.child, form.age), *form.body()]  # fmt: skip


def build_workbook(form: FormDef) -> openpyxl.Workbook:
    """The XLSForm workbook of ``form`` (survey, choices, settings)."""
    rows = survey_rows(form)
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in rows:
        survey.append(row.cells())
    choices = workbook.create_sheet("choices")
    choices.append(CHOICE_COLUMNS)
    for list_name in used_lists(rows):
        for name, vi, en in CHOICES[list_name]:
            choices.append((list_name, name, vi, en))
    settings = workbook.create_sheet("settings")
    settings.append(SETTINGS_COLUMNS)
    settings.append((form.form_id, form.version, form.title, VI, NAMESPACES))
    workbook.properties.creator = "sangloc scripts/build_forms.py"
    return workbook


def used_lists(rows: Iterable[Row]) -> list[str]:
    """Choice lists referenced by ``select_one <list>`` rows, in first-use order."""
    names = [row.type.split()[1] for row in rows if row.type.startswith("select_one ")]
    return list(dict.fromkeys(names))


def main(argv: list[str] | None = None) -> int:
    """Write every bundled form into ``--out`` (default forms/definitions)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for form in FORMS:
        path = args.out / f"{form.form_id}.xlsx"
        build_workbook(form).save(path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
