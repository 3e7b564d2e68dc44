"""The consent and identification blocks shared by every bundled XLSForm.

``consent_rows`` asks for explicit consent (nothing else is recorded without it);
``person_rows`` asks the date of birth, computes the age, checks it against the instrument's
``AgeRule``, asks a child's assent and then the identification fields (children's or adults'
variant). ``GO_CHILD`` / ``GO_ADULT`` are the conditions under which an instrument block is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from form_rows import Row, T, begin, calc, end, note

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
               person="dob", calculation=from_case_list("dob", convert="date"),
               trigger="${person_id}", read_only=read_only_when_listed("dob"))  # fmt: skip


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


#: an existing person was chosen from the device's case list (cases.csv); "new" registers one
PICKED = "${person_id} != '' and ${person_id} != 'new'"


def _listed(column: str) -> str:
    return f"instance('cases')/root/item[name=${{person_id}}]/{column}"


def from_case_list(column: str, convert: str = "") -> str:
    """The chosen person's ``column`` of cases.csv, for a question recomputed whenever
    ``person_id`` changes (empty for a new person, or when the list has no value)."""
    value = f"{convert}({_listed(column)})" if convert else _listed(column)
    return f"if({PICKED} and {_listed(column)} != '', {value}, '')"


def read_only_when_listed(column: str) -> str:
    """Read only once the chosen person's value came from the list (a person registered
    without it can still have it entered)."""
    return f"{PICKED} and {_listed(column)} != ''"


def in_age_range(age: AgeRule) -> str:
    """A cases.csv row's person is in the instrument's age range today (the choice filter of
    a child form's case list; the "new person" row is always shown)."""
    months = age_months_expr("date(dob)")
    value = months if age.unit == "months" else f"int(({months}) div 12)"
    high = f" and {value} <= {age.high}" if age.high is not None else ""
    return f"name = 'new' or (dob != '' and {value} >= {age.low}{high})"


def person_rows(child: bool, age: AgeRule | None) -> list[Row]:
    """Who: chosen from the case list (its name, date of birth and sex then filled in and read
    only) or new; date of birth and age (assent and the age check need them), then the rest."""
    rows = [begin("person", ("Thông tin nhận dạng", "Identification"), relevant=CONSENTED),
            _person_id_row(child, age), _dob_row(child, age), *_age_rows(age)]  # fmt: skip
    details = _identity_rows(child)
    if child:
        rows += _assent_rows()
        assented = "${child_assent} != 'no'"
        details = [replace(row, relevant=assented) for row in details]
    return [*rows, *details, end("person")]


def _person_id_row(child: bool, age: AgeRule | None) -> Row:
    who = ("trẻ", "child") if child else ("người", "person")
    return Row("select_one_from_file cases.csv", "person_id", (
        f"Đã có hồ sơ? Chọn {who[0]} trong danh sách (bỏ qua nếu là {who[0]} mới)",
        f"Existing record? Choose the {who[1]} from the list (skip for a new {who[1]})"),
        hint=("Chọn người đã có: họ tên, ngày sinh và giới tính được điền sẵn và không sửa được "
              "ở đây.",
              "Choosing an existing person fills in the name, date of birth and sex, which "
              "cannot be changed here."),
        appearance="autocomplete", person="person_id",
        choice_filter=in_age_range(age) if child and age is not None else "")


def _identity_rows(child: bool) -> list[Row]:
    rows = [
        Row("text", "full_name", ("Họ và tên của trẻ", "Child's full name") if child
            else ("Họ và tên", "Full name"), required=True, person="full_name",
            calculation=from_case_list("full_name"), trigger="${person_id}",
            read_only=read_only_when_listed("full_name")),
        Row("select_one sex", "sex", ("Giới tính", "Sex"), required=True, person="sex",
            calculation=from_case_list("sex"), trigger="${person_id}",
            read_only=read_only_when_listed("sex")),
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
