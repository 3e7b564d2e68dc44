"""``sync.read_binding`` / ``extract_answers`` on small XLSForms written as data in the tests.

Each form is a GAD-7 (7 items, answer codes 0-3) or an M-CHAT-R/F (20 yes/no items plus 20
pass/fail Follow-Up items) built with openpyxl in memory, converted with ``forms`` and read back,
so the attributes come through pyxform and the XForm reader exactly as for an uploaded form.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
import pytest

import forms
from sync import (
    CODES,
    PERSON_ROLES,
    Binding,
    BindingError,
    SyncError,
    extract_answers,
    read_binding,
)

HEADER = ("type", "name", "label", "bind::sangloc:item", "bind::sangloc:person",
          "bind::sangloc:device_score", "calculation")  # fmt: skip
FREQUENCY = ("0", "1", "2", "3")
Row = tuple[str, ...]


def build_form(survey: Sequence[Row], choices: dict[str, Sequence[str]] | None = None) -> bytes:
    """Convert an XLSForm (survey rows as HEADER columns, choices by list) to XForm bytes."""
    choices = choices if choices is not None else {"freq": FREQUENCY}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in (HEADER, *survey):
        sheet.append(list(row) + [""] * (len(HEADER) - len(row)))
    sheet = workbook.create_sheet("choices")
    sheet.append(["list_name", "name", "label"])
    for list_name, names in choices.items():
        for name in names:
            sheet.append([list_name, name, f"{list_name} {name}"])
    sheet = workbook.create_sheet("settings")
    sheet.append(["form_id", "version", "namespaces"])
    sheet.append(["test_form", "2026010101", 'sangloc="urn:sangloc"'])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return forms.convert_xlsform(buffer.getvalue(), "test_form.xlsx").xml


def binding_of(survey: Sequence[Row], choices: dict[str, Sequence[str]] | None = None):
    return read_binding(forms.read_xform(build_form(survey, choices)))


def gad7_items(skip: str = "") -> list[Row]:
    return [
        ("select_one freq", f"a{n}", f"Item {n}", f"gad7.q{n:02d}")
        for n in range(1, 8) if f"q{n:02d}" != skip
    ]  # fmt: skip


PERSON_ROWS: list[Row] = [
    ("text", "name", "Name", "", "full_name"),
    ("date", "dob", "Date of birth", "", "dob"),
    ("select_one freq", "consent", "Consent", "", "consent"),
]


def refusal(survey: Sequence[Row], choices: dict[str, Sequence[str]] | None = None) -> BindingError:
    with pytest.raises(BindingError) as caught:
        binding_of(survey, choices)
    return caught.value


# --- a correct binding --------------------------------------------------------------------------


def test_correct_binding_maps_items_person_and_device_score():
    survey = [
        *PERSON_ROWS,
        ("begin_group", "gad", "GAD-7"),
        *gad7_items(),
        ("calculate", "total", "", "", "", "gad7.total", "${a1} + ${a2}"),
        ("end_group", "gad"),
    ]
    binding = binding_of(survey)
    assert isinstance(binding, Binding)
    assert binding.instrument_id == "gad7"
    assert dict(binding.items) == {f"q{n:02d}": f"/data/gad/a{n}" for n in range(1, 8)}
    assert dict(binding.followup) == {}
    assert dict(binding.person) == {"full_name": "/data/name", "dob": "/data/dob",
                                    "consent": "/data/consent"}  # fmt: skip
    assert binding.device_score == "/data/gad/total"


def test_binding_mappings_are_read_only():
    binding = binding_of(gad7_items())
    with pytest.raises(TypeError):
        binding.items["q01"] = "/data/other"  # type: ignore[index]


def test_ordinary_form_has_no_binding():
    assert binding_of([("select_one freq", "mood", "Mood"), *PERSON_ROWS]) is None


def test_optional_item_may_be_bound_or_left_out():
    phq9 = [("select_one freq", f"p{n}", f"P{n}", f"phq9.q{n:02d}") for n in range(1, 10)]
    assert "q10" not in binding_of(phq9).items
    with_q10 = binding_of([*phq9, ("select_one freq", "p10", "P10", "phq9.q10")])
    assert with_q10.items["q10"] == "/data/p10"


def test_mchat_rf_follow_up_binding():
    binding = binding_of(mchat_rf_rows(), MCHAT_CHOICES)
    assert binding.instrument_id == "mchat_rf"
    assert list(binding.items) == [f"q{n:02d}" for n in range(1, 21)]
    assert binding.followup["q03"] == "/data/fu3"
    assert len(binding.followup) == 20


MCHAT_CHOICES = {"yn": ("yes", "no"), "pf": ("pass", "fail")}


def mchat_rf_rows(skip_followup: str = "") -> list[Row]:
    rows = [("select_one yn", f"m{n}", f"M{n}", f"mchat_rf.q{n:02d}") for n in range(1, 21)]
    rows += [("select_one pf", f"fu{n}", f"F{n}", f"mchat_rf.followup.q{n:02d}")
             for n in range(1, 21) if f"q{n:02d}" != skip_followup]  # fmt: skip
    return rows


# --- refusals -----------------------------------------------------------------------------------


def test_item_missing():
    error = refusal(gad7_items(skip="q05"))
    assert error.code == "binding_item_missing"
    assert "q05" in error.message and "gad7" in error.message


def test_follow_up_item_missing():
    error = refusal(mchat_rf_rows(skip_followup="q11"), MCHAT_CHOICES)
    assert error.code == "binding_item_missing"
    assert "q11" in error.message and "follow-up" in error.message


def test_item_bound_twice_names_both_fields():
    error = refusal([*gad7_items(), ("select_one freq", "again", "Again", "gad7.q03")])
    assert error.code == "binding_item_twice"
    assert error.field == "/data/again"
    assert "/data/a3" in error.message and "/data/again" in error.message


def test_bad_choice_name():
    error = refusal(gad7_items(), {"freq": ("0", "1", "2", "3", "4")})
    assert error.code == "binding_bad_choice"
    assert error.field == "/data/a1"
    assert "'4'" in error.message or " 4 " in error.message


def test_answer_code_without_a_choice():
    error = refusal(gad7_items(), {"freq": ("0", "1", "2")})
    assert error.code == "binding_bad_choice"
    assert error.field == "/data/a1" and "3" in error.message


def test_item_field_that_is_not_a_select_one():
    survey = [("integer", "a1", "Item 1", "gad7.q01"), *gad7_items(skip="q01")]
    error = refusal(survey)
    assert error.code == "binding_bad_choice"
    assert error.field == "/data/a1"


def test_follow_up_choices_are_pass_fail():
    error = refusal(mchat_rf_rows(), {"yn": ("yes", "no"), "pf": ("yes", "no")})
    assert error.code == "binding_bad_choice"
    assert error.field == "/data/fu1" and "pass" in error.message


def test_unknown_instrument():
    error = refusal([*gad7_items(), ("select_one freq", "x", "X", "gad8.q01")])
    assert error.code == "binding_unknown_instrument"
    assert error.field == "/data/x" and "gad8" in error.message


def test_unknown_item():
    error = refusal([*gad7_items(), ("select_one freq", "x", "X", "gad7.q08")])
    assert error.code == "binding_unknown_item"
    assert error.field == "/data/x" and "q08" in error.message


@pytest.mark.parametrize("value", ["gad7", "gad7.", "gad7.followup.q01", "gad7.q01.x"])
def test_malformed_or_unknown_item_reference(value):
    error = refusal([*gad7_items(skip="q01"), ("select_one freq", "x", "X", value)])
    assert error.code == "binding_unknown_item"
    assert error.field == "/data/x"


def test_mixed_instruments():
    error = refusal([*gad7_items(), ("select_one freq", "x", "X", "phq9.q01")])
    assert error.code == "binding_mixed_instruments"
    assert error.field == "/data/x" and "phq9" in error.message


def test_unknown_person_role():
    error = refusal([*gad7_items(), ("text", "nick", "Nickname", "", "nickname")])
    assert error.code == "binding_unknown_person_role"
    assert error.field == "/data/nick" and "nickname" in error.message


def test_person_role_bound_twice():
    survey = [*gad7_items(), *PERSON_ROWS, ("text", "name2", "Name", "", "full_name")]
    error = refusal(survey)
    assert error.code == "binding_item_twice"
    assert error.field == "/data/name2"


@pytest.mark.parametrize(
    ("value", "code"),
    [("phq9.total", "binding_mixed_instruments"), ("gad7.sum", "binding_unknown_item"),
     ("nope.total", "binding_unknown_instrument")],
)  # fmt: skip
def test_bad_device_score(value, code):
    survey = [*gad7_items(), ("text", "score", "Score", "", "", value)]
    error = refusal(survey)
    assert error.code == code
    assert error.field == "/data/score"


def test_errors_are_coded_sync_errors():
    error = refusal(gad7_items(skip="q01"))
    assert isinstance(error, SyncError)
    assert error.code in CODES
    assert str(error).startswith("binding_item_missing: ")
    with pytest.raises(ValueError, match="not a binding error code"):
        BindingError("no_such_code", "x")
    with pytest.raises(ValueError, match="unknown SyncError code"):
        SyncError("no_such_code", "x")
    assert {"consent", "consent_by", "consent_relation", "dob"} <= set(PERSON_ROLES)


# --- extract_answers ----------------------------------------------------------------------------


def test_extract_answers_with_missing_values():
    binding = binding_of(mchat_rf_rows(), MCHAT_CHOICES)
    values = {"/data/m1": "yes", "/data/m2": " no ", "/data/m3": "", "/data/m4": "   ",
              "/data/fu2": "fail", "/data/other": "x"}  # fmt: skip
    items, followup = extract_answers(binding, values)
    assert list(items) == [f"q{n:02d}" for n in range(1, 21)]
    assert items["q01"] == "yes" and items["q02"] == "no"
    assert items["q03"] is None and items["q04"] is None and items["q20"] is None
    assert followup["q02"] == "fail"
    assert followup["q01"] is None and len(followup) == 20


def test_extract_answers_without_follow_up():
    binding = binding_of(gad7_items())
    items, followup = extract_answers(binding, {"/data/a7": "3"})
    assert followup == {}
    assert items == {f"q{n:02d}": ("3" if n == 7 else None) for n in range(1, 8)}


def test_a_binding_round_trips_through_its_stored_data():
    """A published form version stores ``to_data()`` as JSON; ``from_data`` reads it back."""
    import json

    from tests.unit.sync.bundled import bundled_binding

    binding = bundled_binding("mchat_rf")
    data = json.loads(json.dumps(binding.to_data()))
    assert Binding.from_data(data) == binding
    assert data["instrument_id"] == "mchat_rf" and len(data["items"]) == 20


@pytest.mark.parametrize("form_id", ["mchat_rf", "moh_asd_signs"])
def test_composite_items_round_trip_too(form_id):
    import json

    from tests.unit.sync.bundled import bundled_binding

    binding = bundled_binding(form_id)
    assert Binding.from_data(json.loads(json.dumps(binding.to_data()))) == binding


@pytest.mark.parametrize(("parts", "answer"), [
    (("no", "no"), "no"),      # every part absent: the sign is absent
    (("no", "yes"), "yes"),    # any part present: the sign is present
    (("yes", None), "yes"),
    (("no", None), None),      # a part not answered cannot be read as absent
    ((None, None), None),
    (("maybe", "no"), "maybe"),  # not an answer code: passed on for scoring to refuse
])
def test_a_compound_sign_is_present_when_any_part_is(parts, answer):
    """QĐ 2254 q03 asked as babbling (q03a) and pointing/reaching/waving (q03b)."""
    from tests.unit.sync.bundled import bundled_binding

    binding = bundled_binding("moh_asd_signs")
    first, second = binding.items["q03"]
    values = {path: code for path, code in ((first, parts[0]), (second, parts[1])) if code}
    items, _ = extract_answers(binding, values)
    assert items["q03"] == answer
