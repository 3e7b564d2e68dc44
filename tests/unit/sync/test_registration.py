"""``sync.read_registration`` and ``sync.differences`` on values shaped like the bundled forms.

Paths come from the real binding of forms/definitions/mchat_r.xlsx (child form: consent group,
child assent, caregiver) and phq9.xlsx (adult form). Consent rules: vietnam.md §6 ("explicit...
silence is not consent"; children 7-15 also give assent) and sync/registration.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from sync import (
    NEW_PERSON,
    REGISTRATION_FIELDS,
    Consent,
    Registration,
    SyncError,
    differences,
    read_registration,
)
from tests.unit.sync.bundled import PERSON, bundled_binding, values_for


def registration(form_id: str = "mchat_r", **roles: str | None) -> Registration:
    """read_registration of the bundled form with PERSON, changed by ``roles`` (None drops)."""
    person = {**PERSON, **roles}
    person = {role: text for role, text in person.items() if text is not None}
    return read_registration(bundled_binding(form_id), values_for(form_id, person=person))


def test_reads_the_person_block_of_a_bundled_child_form():
    """Rule: each field read by its sangloc:person role; "new" person_id means a new person."""
    reg = registration()
    assert reg == Registration(
        person_id=None,
        full_name="Nguyễn Văn An",
        dob=date(2024, 12, 1),
        sex="male",
        caregiver_name="Trần Thị Hoa",
        phone="0912345678",
        commune="00004",
        village="Thôn Đông",
        consent=Consent(given=True, by="Trần Thị Hoa", relation="mother", method="on_device",
                        child_assent=None),
    )  # fmt: skip
    assert NEW_PERSON == "new"


def test_an_existing_person_id_is_kept():
    """Rule: person_id = the cases.csv name chosen on the device (README "Media files")."""
    assert registration(person_id=" 4711 ").person_id == "4711"
    assert registration(person_id=None).person_id is None


def test_fields_are_the_seven_person_fields_in_order():
    """Rule: Registration.fields() -> REGISTRATION_FIELDS order, nothing else."""
    fields = registration().fields()
    assert tuple(fields) == REGISTRATION_FIELDS == (
        "full_name", "dob", "sex", "caregiver_name", "phone", "commune", "village")  # fmt: skip
    assert fields["dob"] == date(2024, 12, 1)


def test_empty_and_blank_text_read_as_none():
    """Rule: text is stripped; empty or only whitespace means not given (openrosa.md (c).3)."""
    reg = registration(village="   ", phone="")
    assert reg.village is None
    assert reg.phone is None


def test_refused_consent_sends_only_the_consent_group():
    """Rule: consent != "yes" -> given False; JavaRosa leaves the rest out (README "Why this
    order"), so every person field is None."""
    binding = bundled_binding("mchat_r")
    reg = read_registration(binding, {binding.person["consent"]: "no"})
    assert reg.consent == Consent(given=False, by=None, relation=None, method=None,
                                  child_assent=None)  # fmt: skip
    assert all(value is None for value in reg.fields().values())


@pytest.mark.parametrize("answer", ["", "No", "YES", "maybe", None])
def test_anything_but_an_explicit_yes_is_no_consent(answer):
    """Rule: vietnam.md §6 "consent is explicit ... silence is not consent"."""
    assert registration(consent=answer).consent.given is False


def test_refused_child_assent_means_no_consent():
    """Rule: vietnam.md §6, children 7-15 give assent too; a refused assent stops processing."""
    refused = registration(child_assent="no").consent
    assert refused.child_assent is False
    assert refused.given is False
    agreed = registration(child_assent="yes").consent
    assert (agreed.child_assent, agreed.given) == (True, True)


def test_assent_not_asked_is_none():
    """Rule: the form asks assent only from 7 years; empty = not asked = None, consent stands."""
    consent = registration(child_assent="").consent
    assert (consent.child_assent, consent.given) == (None, True)


def test_adult_form_relation_is_self():
    """Rule: adult forms calculate consent_relation = 'self' (forms/definitions/README.md)."""
    reg = registration("phq9", consent_relation="self", consent_by="Nguyễn Văn An")
    assert reg.consent == Consent(given=True, by="Nguyễn Văn An", relation="self",
                                  method="on_device", child_assent=None)  # fmt: skip
    assert reg.caregiver_name is None  # the adult form has no caregiver field


def test_a_form_without_a_consent_bind_counts_as_consent_given():
    """Rule (sync/registration.py): no consent role bound = consent recorded outside the form:
    given True, nothing about who or how. A bound assent still applies."""
    full = bundled_binding("mchat_r")
    binding = dataclasses.replace(full, person={role: path for role, path in full.person.items()
                                                if not role.startswith("consent")})  # fmt: skip
    values = values_for("mchat_r")
    assert read_registration(binding, values).consent == Consent(
        given=True, by=None, relation=None, method=None, child_assent=None)  # fmt: skip
    values[binding.person["child_assent"]] = "no"
    assert read_registration(binding, values).consent.given is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-12-01", date(2024, 12, 1)),
        (" 2024-02-29 ", date(2024, 2, 29)),
        ("2024-12-01T00:00:00.000+07:00", date(2024, 12, 1)),
        ("2024-12-01 08:15", date(2024, 12, 1)),
    ],
)
def test_dob_is_read_as_an_iso_date(text, expected):
    """Rule: JavaRosa sends yyyy-mm-dd; a trailing time part is tolerated and ignored."""
    assert registration(dob=text).dob == expected


@pytest.mark.parametrize("text", ["01/12/2024", "2024-02-30", "2023-02-29", "20241201",
                                  "2024-12-1", "2024-12-01x", "hôm qua"])  # fmt: skip
def test_a_bad_dob_is_refused_naming_the_field(text):
    """Rule: an unparsable date -> SyncError registration_invalid naming the dob field."""
    with pytest.raises(SyncError) as caught:
        registration(dob=text)
    assert caught.value.code == "registration_invalid"
    assert caught.value.field == "/data/person/dob"
    assert "/data/person/dob" in caught.value.message


# --- differences ------------------------------------------------------------------------------

STORED: dict[str, object] = {
    "full_name": "nguyễn  văn AN",
    "dob": date(2024, 12, 1),
    "sex": "male",
    "caregiver_name": "TRẦN THỊ HOA",
    "phone": "+84 912 345 678",
    "commune": "00004",
    "village": "Thôn  Đông",
}


def test_the_same_person_written_differently_has_no_differences():
    """Rule: names ignoring case, spacing and Unicode form (NFC), phone by digits (+84 =
    leading 0), dob as a date."""
    assert differences(registration(), STORED) == {}
    assert differences(registration(), {**STORED, "dob": "2024-12-01"}) == {}
    assert differences(registration(), {**STORED, "dob": datetime(2024, 12, 1, 9)}) == {}
    assert differences(registration(phone="0912.345.678"), STORED) == {}


@pytest.mark.parametrize("stored_name", ["Nguyễn Văn Ân", "nguyen van an", "Nguyễn Văn Àn"])
def test_names_that_differ_only_in_diacritics_are_a_difference(stored_name):
    """Issue 8, item 5: "An" and "Ân" are two names; only duplicate matching is that loose."""
    assert differences(registration(), {**STORED, "full_name": stored_name}) == {
        "full_name": (stored_name, "Nguyễn Văn An")}


def test_a_decomposed_spelling_of_the_same_name_is_no_difference():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn An")
    assert differences(registration(), {**STORED, "full_name": decomposed}) == {}


def test_disagreeing_fields_are_listed_stored_then_submitted():
    """Rule: field -> (stored, submitted), i.e. (old, new), where both are non-empty and
    disagree."""
    stored = {**STORED, "dob": date(2024, 11, 1), "sex": "female", "phone": "0987654321",
              "commune": "00007", "full_name": "Nguyễn Văn Anh"}  # fmt: skip
    assert differences(registration(), stored) == {
        "full_name": ("Nguyễn Văn Anh", "Nguyễn Văn An"),
        "dob": (date(2024, 11, 1), date(2024, 12, 1)),
        "sex": ("female", "male"),
        "phone": ("0987654321", "0912345678"),
        "commune": ("00007", "00004"),
    }


def test_an_empty_side_is_never_a_difference():
    """Rule: a gap on either side is filled or not asked, not a disagreement."""
    stored = {**STORED, "phone": "", "village": None}
    del stored["caregiver_name"]
    assert differences(registration(), stored) == {}
    assert differences(registration("phq9"), STORED) == {}  # adult form: no caregiver
    assert differences(registration(village=None, phone=None), STORED) == {}
