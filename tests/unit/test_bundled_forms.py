"""The bundled XLSForms (forms/definitions/*.xlsx) convert, validate and bind their instrument.

Static checks read the converted XForm (settings, languages, media, bindings against the
``screening_tools`` catalogue). The ``java`` tests validate every form with JavaRosa and fill
some with the real JavaRosa engine (tests/support/javarosa_fill.py) to check the consent stop,
the child's assent, the age computation, the Ministry checklist's refusal outside 0-72 months and
the M-CHAT-R/F Follow-Up skip logic. Without Java those tests fail; they are never skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

import forms
import screening_tools
import sync
from tests.support.javarosa_fill import EXIT_INVALID, JavaRosaFillError, fill_form, inline_csv

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "forms" / "definitions"
FORM_IDS = (
    "mchat_r", "mchat_rf", "sdq_p4_17", "sdq_p2_4", "phq9", "phqa", "gad7", "srq20", "epds",
    "moh_asd_signs",
)  # fmt: skip
ADULT_FORMS = ("phq9", "gad7", "srq20", "epds")
CHILD_FORMS = tuple(form_id for form_id in FORM_IDS if form_id not in ADULT_FORMS)
COMMON_ROLES = {
    "person_id", "full_name", "dob", "sex", "phone", "commune", "village", "consent",
    "consent_by", "consent_relation", "consent_method",
}  # fmt: skip
CHILD_ROLES = COMMON_ROLES | {"caregiver_name", "child_assent"}
DEVICE_SCORES = {"phq9", "phqa", "gad7", "srq20", "mchat_r", "mchat_rf"}
VI, EN = "Tiếng Việt (vi)", "English (en)"
CONSENT = "/data/consent_group/consent"
COMMUNE_CODE = "26734"
VN = ZoneInfo("Asia/Ho_Chi_Minh")  # the fill tool's device time zone


@cache
def xform(form_id: str) -> bytes:
    """The XForm converted from the committed .xlsx (cached per test session)."""
    path = DEFINITIONS / f"{form_id}.xlsx"
    return forms.convert_xlsform(path.read_bytes(), path.name).xml


@cache
def info(form_id: str) -> forms.XFormInfo:
    return forms.read_xform(xform(form_id))


@cache
def load_build_script():
    """scripts/build_forms.py as a module (registered first: its dataclasses need that)."""
    path = ROOT / "scripts" / "build_forms.py"
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))  # its sibling modules (form_rows.py, ...)
    spec = importlib.util.spec_from_file_location("sangloc_build_forms", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_one_bundled_form_per_instrument():
    files = {path.stem for path in DEFINITIONS.glob("*.xlsx")}
    assert files == set(FORM_IDS) == set(screening_tools.INSTRUMENT_IDS)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_converts_without_warnings(form_id):
    path = DEFINITIONS / f"{form_id}.xlsx"
    conversion = forms.convert_xlsform(path.read_bytes(), path.name)
    assert conversion.warnings == ()


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_settings_languages_and_media(form_id):
    form = info(form_id)
    assert form.form_id == form_id
    assert re.fullmatch(r"20\d{8}", form.version or "")
    assert form.title and form.title != form_id
    assert form.languages == (VI, EN)
    assert form.default_language == VI
    assert form.media == ("cases.csv", "communes.csv")
    assert b'xmlns:sangloc="urn:sangloc"' in xform(form_id)


@pytest.mark.java
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_validates_with_javarosa(form_id):
    assert forms.validate_xform(xform(form_id), required=True) is True


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_binding_covers_every_item(form_id):
    spec = screening_tools.get_instrument(form_id)
    binding = sync.read_binding(info(form_id))
    assert binding is not None
    assert binding.instrument_id == form_id
    assert list(binding.items) == [*spec.items, *spec.optional_items]
    assert list(binding.followup) == list(spec.followup_items)
    for key, paths in binding.items.items():
        # a compound sign (QĐ 2254 q03, q05) is asked in parts, each with the item's codes
        assert isinstance(paths, tuple) == (key in spec.composite_items)
        for path in paths if isinstance(paths, tuple) else (paths,):
            assert set(info(form_id).fields[path].choices) == set(spec.answer_codes[key])


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_person_and_consent_fields(form_id):
    binding = sync.read_binding(info(form_id))
    expected = CHILD_ROLES if form_id in CHILD_FORMS else COMMON_ROLES
    assert set(binding.person) == expected
    assert binding.person["consent"] == CONSENT
    assert info(form_id).fields[CONSENT].choices == ("yes", "no")
    assert binding.person["person_id"] == "/data/person/person_id"
    assert binding.person["commune"] == "/data/person/commune"


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_device_score(form_id):
    binding = sync.read_binding(info(form_id))
    if form_id in DEVICE_SCORES:
        assert info(form_id).fields[binding.device_score].attrs["sangloc:device_score"] == (
            f"{form_id}.total"
        )
    else:
        assert binding.device_score is None


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_committed_workbook_is_the_script_output(form_id):
    """forms/definitions holds what scripts/build_forms.py writes (rerun the script if not)."""
    build = load_build_script()
    (form,) = [form for form in build.FORMS if form.form_id == form_id]
    expected = build.build_workbook(form)
    committed = openpyxl.load_workbook(DEFINITIONS / f"{form_id}.xlsx")
    assert committed.sheetnames == expected.sheetnames
    for name in expected.sheetnames:
        assert _cells(committed[name]) == _cells(expected[name]), name


def _cells(sheet) -> list[tuple]:
    return [tuple(cell or None for cell in row) for row in sheet.iter_rows(values_only=True)]


# --- filled in JavaRosa -------------------------------------------------------------------------


def fillable(form_id: str) -> bytes:
    """The XForm with cases.csv and communes.csv inlined, as Collect loads them from the CSVs."""
    return inline_csv(xform(form_id), {
        "cases.csv": "name,label\np-0001,Nguyễn Văn A\n".encode(),
        "communes.csv": f"name,label\n{COMMUNE_CODE},Xã Thử\n".encode()})


def months_ago(months: int) -> str:
    """The first day of the month ``months`` before today's (age = exactly ``months``)."""
    today = dt.datetime.now(VN).date()
    index = today.year * 12 + today.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1).isoformat()


def child_answers(dob: str, **extra: str) -> dict[str, str]:
    answers = {
        CONSENT: "yes", "/data/consent_group/consent_by": "Lê Thị Hoa",
        "/data/consent_group/consent_relation": "mother",
        "/data/consent_group/consent_method": "paper_signature",
        "/data/person/dob": dob, "/data/person/full_name": "Nguyễn Văn An",
        "/data/person/sex": "male", "/data/person/caregiver_name": "Lê Thị Hoa",
        "/data/person/commune": COMMUNE_CODE,
    }  # fmt: skip
    return {**answers, **extra}


def values(instance: bytes) -> dict[str, str]:
    return dict(forms.parse_instance(instance).values)


@pytest.mark.java
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_without_consent_nothing_else_is_recorded(form_id):
    instance = fill_form(fillable(form_id), {CONSENT: "no"})
    recorded = values(instance)
    assert recorded[CONSENT] == "no"
    kept = {CONSENT, "/data/start", "/data/end", "/data/meta/instanceID"}
    assert set(recorded) == kept
    assert b"<person" not in instance
    assert f"<{form_id}".encode() not in instance


@pytest.mark.java
def test_child_refusing_assent_ends_the_form():
    answers = child_answers(months_ago(10 * 12), **{"/data/person/child_assent": "no"})
    for key in ("/data/person/full_name", "/data/person/sex", "/data/person/caregiver_name",
                "/data/person/commune"):  # fmt: skip
        del answers[key]
    recorded = values(fill_form(fillable("sdq_p4_17"), answers))
    assert recorded["/data/person/child_assent"] == "no"
    assert recorded["/data/person/age_years"] == "10"
    assert not any(path.startswith("/data/sdq_p4_17/") for path in recorded)
    assert "/data/person/full_name" not in recorded


@pytest.mark.java
def test_age_in_completed_months_and_no_assent_question_for_toddlers():
    answers = child_answers(months_ago(20), **_mchat_answers({"q01"}))
    recorded = values(fill_form(fillable("mchat_r"), answers))
    assert recorded["/data/person/age_months"] == "20"
    assert recorded["/data/person/age_years"] == "1"
    assert "/data/person/child_assent" not in recorded
    assert recorded["/data/mchat_r/total"] == "1"


def _mchat_answers(at_risk: set[str], group: str = "mchat_r") -> dict[str, str]:
    """Initial answers with exactly ``at_risk`` items at risk (yes for q02/q05/q12, else no)."""
    answers = {}
    for n in range(1, 21):
        key = f"q{n:02d}"
        risky = "yes" if key in ("q02", "q05", "q12") else "no"
        safe = "no" if risky == "yes" else "yes"
        answers[f"/data/{group}/{key}"] = risky if key in at_risk else safe
    return answers


@pytest.mark.java
def test_mchat_rf_follow_up_only_for_at_risk_items():
    at_risk = {"q02", "q07", "q09", "q15"}
    followup = {"/data/followup/fu_q02": "fail", "/data/followup/fu_q07": "pass",
                "/data/followup/fu_q09": "fail", "/data/followup/fu_q15": "pass"}  # fmt: skip
    answers = child_answers(months_ago(24), **_mchat_answers(at_risk), **followup)
    recorded = values(fill_form(fillable("mchat_rf"), answers))
    assert recorded["/data/mchat_r/total"] == "4"
    assert recorded["/data/followup/fu_fails"] == "2"
    binding = sync.read_binding(info("mchat_rf"))
    items, asked = sync.extract_answers(binding, recorded)
    assert items["q02"] == "yes" and items["q01"] == "yes"
    assert {key for key, value in asked.items() if value} == {"q02", "q07", "q09", "q15"}
    assert asked["q02"] == "fail" and asked["q07"] == "pass" and asked["q01"] is None


@pytest.mark.java
def test_mchat_rf_low_risk_has_no_follow_up():
    answers = child_answers(months_ago(24), **_mchat_answers({"q03", "q12"}))
    recorded = values(fill_form(fillable("mchat_rf"), answers))
    assert recorded["/data/mchat_r/total"] == "2"
    assert not any(path.startswith("/data/followup/") for path in recorded)
    assert "/data/mchat_r/followup_anyway" not in recorded


@pytest.mark.java
def test_mchat_rf_high_risk_may_skip_the_follow_up():
    at_risk = {f"q{n:02d}" for n in range(1, 10)}
    answers = child_answers(months_ago(24), **_mchat_answers(at_risk),
                            **{"/data/mchat_r/followup_anyway": "no"})  # fmt: skip
    recorded = values(fill_form(fillable("mchat_rf"), answers))
    assert recorded["/data/mchat_r/total"] == "9"
    assert not any(path.startswith("/data/followup/") for path in recorded)


@pytest.mark.java
def test_mchat_rf_high_risk_follow_up_is_required_when_chosen():
    at_risk = {f"q{n:02d}" for n in range(1, 10)}
    answers = child_answers(months_ago(24), **_mchat_answers(at_risk),
                            **{"/data/mchat_r/followup_anyway": "yes"})  # fmt: skip
    with pytest.raises(JavaRosaFillError) as caught:
        fill_form(fillable("mchat_rf"), answers)
    assert caught.value.returncode == EXIT_INVALID
    assert "/data/followup/fu_q01" in str(caught.value)


@pytest.mark.java
def test_ministry_checklist_asks_signs_by_age():
    answers = child_answers(months_ago(10), **{"/data/moh_asd_signs/q01": "no",
                                                "/data/moh_asd_signs/q02": "yes",
                                                "/data/moh_asd_signs/q06": "no"})  # fmt: skip
    recorded = values(fill_form(fillable("moh_asd_signs"), answers))
    asked = {path.rsplit("/", 1)[1] for path in recorded if "/moh_asd_signs/q" in path}
    assert asked == {"q01", "q02", "q06"}
    assert recorded["/data/moh_asd_signs/signs"] == "1"


@pytest.mark.java
@pytest.mark.parametrize(("months", "accepted"), [(72, True), (73, False)])
def test_ministry_checklist_refuses_children_over_72_months(months, accepted):
    signs = {f"/data/moh_asd_signs/{field}": "no"
             for field in ("q01", "q02", "q03a", "q03b", "q04", "q05a", "q05b", "q06")}
    answers = child_answers(months_ago(months), **signs)
    if accepted:
        assert values(fill_form(fillable("moh_asd_signs"), answers))["/data/person/age_months"] == (
            "72"
        )
        return
    with pytest.raises(JavaRosaFillError) as caught:
        fill_form(fillable("moh_asd_signs"), answers)
    assert caught.value.returncode == EXIT_INVALID
    assert "/data/person/dob" in str(caught.value)


@pytest.mark.java
def test_phq9_adult_consent_device_total_and_difficulty():
    answers = {CONSENT: "yes", "/data/consent_group/consent_method": "on_device",
               "/data/person/dob": months_ago(40 * 12), "/data/person/full_name": "Trần Văn Bình",
               "/data/person/sex": "male", "/data/person/commune": COMMUNE_CODE,
               "/data/phq9/q10": "1"}  # fmt: skip
    scores = [0, 1, 2, 3, 0, 1, 2, 0, 1]  # hand sum: 10
    answers |= {f"/data/phq9/q{n:02d}": str(s) for n, s in enumerate(scores, start=1)}
    recorded = values(fill_form(fillable("phq9"), answers))
    assert recorded["/data/phq9/total"] == "10"
    assert recorded["/data/consent_group/consent_by"] == "Trần Văn Bình"
    assert recorded["/data/consent_group/consent_relation"] == "self"
    items, _ = sync.extract_answers(sync.read_binding(info("phq9")), recorded)
    assert items["q09"] == "1" and items["q10"] == "1"


# --- a person chosen from the device's case list (issue 10) -------------------------------------

def with_cases(form_id: str) -> bytes:
    """cases.csv as the server writes it (case_list.HEADER): a toddler of 20 months and a
    child of 60 months."""
    rows = [
        "name,label,__version,dob,sex,village,last_screening,due_action,full_name,"
        "assigned_action,assigned_note",
        "new,Người mới,1,,,,,,,,",
        f"p-0020,Trần Bé Na,1,{months_ago(20)},female,Thôn 1,,,Trần Bé Na,,",
        f"p-0060,Lê Văn Lớn,1,{months_ago(60)},male,Thôn 2,,,Lê Văn Lớn,,",
        f"p-0021,Đỗ Bé Mai,1,{months_ago(21)},,Thôn 3,,,Đỗ Bé Mai,,",  # sex not recorded
    ]
    return inline_csv(xform(form_id), {
        "cases.csv": "\n".join(rows).encode(),
        "communes.csv": f"name,label\n{COMMUNE_CODE},Xã Thử\n".encode()})


def chosen_answers(person_id: str) -> dict[str, str]:
    """The consent and the rest of the identification, without name, date of birth or sex."""
    answers = child_answers(months_ago(20), **{"/data/person/person_id": person_id})
    for key in ("/data/person/dob", "/data/person/full_name", "/data/person/sex"):
        del answers[key]
    return answers


@pytest.mark.java
def test_a_chosen_person_fills_in_name_date_of_birth_and_sex():
    answers = {**chosen_answers("p-0020"), **_mchat_answers({"q01"})}
    recorded = values(fill_form(with_cases("mchat_r"), answers))
    assert (recorded["/data/person/full_name"], recorded["/data/person/dob"],
            recorded["/data/person/sex"]) == ("Trần Bé Na", months_ago(20), "female")
    assert recorded["/data/person/age_months"] == "20"


@pytest.mark.java
def test_a_chosen_persons_name_cannot_be_changed():
    answers = {**chosen_answers("p-0020"), "/data/person/full_name": "Tên Khác",
               **_mchat_answers({"q01"})}
    with pytest.raises(JavaRosaFillError) as caught:
        fill_form(with_cases("mchat_r"), answers)
    assert "/data/person/full_name" in str(caught.value)


@pytest.mark.java
def test_a_chosen_person_without_a_recorded_sex_can_have_it_entered():
    answers = {**chosen_answers("p-0021"), "/data/person/sex": "female",
               **_mchat_answers({"q01"})}
    recorded = values(fill_form(with_cases("mchat_r"), answers))
    assert (recorded["/data/person/full_name"], recorded["/data/person/sex"]) == \
        ("Đỗ Bé Mai", "female")


@pytest.mark.java
def test_a_child_forms_list_shows_only_its_age_range():
    """M-CHAT-R is for 16-30 months: the 60-month-old is not offered; the Ministry checklist
    (0-72 months) offers him."""
    with pytest.raises(JavaRosaFillError) as caught:
        fill_form(with_cases("mchat_r"), {**chosen_answers("p-0060"), **_mchat_answers(set())})
    assert "/data/person/person_id" in str(caught.value)
    signs = {f"/data/moh_asd_signs/{field}": "no"
             for field in ("q01", "q02", "q03a", "q03b", "q04", "q05a", "q05b", "q06")}
    recorded = values(fill_form(with_cases("moh_asd_signs"),
                                {**chosen_answers("p-0060"), **signs}))
    assert (recorded["/data/person/full_name"], recorded["/data/person/age_months"]) == \
        ("Lê Văn Lớn", "60")


@pytest.mark.java
def test_a_compound_sign_is_asked_in_parts_and_present_when_any_part_is():
    """QĐ 2254 q03 (babbling; pointing, reaching, waving) asked as two questions at 14
    months; "pointing" alone present makes the sign present (sync composite items)."""
    asked = {"q01": "no", "q02": "no", "q03a": "no", "q03b": "yes", "q06": "no"}
    answers = child_answers(months_ago(14), **{f"/data/moh_asd_signs/{field}": code
                                               for field, code in asked.items()})
    recorded = values(fill_form(fillable("moh_asd_signs"), answers))
    items, _ = sync.extract_answers(sync.read_binding(info("moh_asd_signs")), recorded)
    assert (items["q03"], items["q04"], items["q05"]) == ("yes", None, None)
    result = screening_tools.score("moh_asd_signs", items, age_months=14)
    assert result.band == "step1_positive"
