"""XLSForm -> XForm conversion (forms.xlsform) with pyxform in process."""

from __future__ import annotations

import pytest

from forms import Conversion, FormError, convert_xlsform, read_xform

SCREENING_SHEETS = {
    "survey": [
        ["type", "name", "label", "bind::sangloc:item", "required"],
        ["text", "child_name", "Tên của trẻ", "", "yes"],
        ["begin_group", "mchat", "M-CHAT-R", "", ""],
        ["select_one yn", "q01", "Câu 1", "mchat_r.q01", "yes"],
        ["select_one yn", "q02", "Câu 2", "mchat_r.q02", "yes"],
        ["end_group", "", "", "", ""],
        ["integer", "age_months", "Tuổi (tháng)", "", ""],
    ],
    "choices": [
        ["list_name", "name", "label"],
        ["yn", "yes", "Có"],
        ["yn", "no", "Không"],
    ],
    "settings": [
        ["form_id", "version", "form_title", "namespaces"],
        ["mchat_r", "2024010101", "Sàng lọc M-CHAT-R", 'sangloc="urn:sangloc"'],
    ],
}


def test_converts_xlsx_and_keeps_custom_bind_attribute(make_xlsx):
    result = convert_xlsform(make_xlsx(SCREENING_SHEETS), "mchat_r.xlsx")

    assert isinstance(result, Conversion)
    assert isinstance(result.xml, bytes)
    assert result.xml.startswith(b"<?xml")
    assert isinstance(result.warnings, tuple)
    info = read_xform(result.xml)
    assert (info.form_id, info.version, info.title) == (
        "mchat_r",
        "2024010101",
        "Sàng lọc M-CHAT-R",
    )
    assert list(info.fields) == [
        "/data/child_name",
        "/data/mchat/q01",
        "/data/mchat/q02",
        "/data/age_months",
        "/data/meta/instanceID",
    ]
    q01 = info.fields["/data/mchat/q01"]
    assert q01.attrs["sangloc:item"] == "mchat_r.q01"
    assert q01.choices == ("yes", "no")
    assert q01.control == "select1"
    assert info.fields["/data/mchat/q02"].attrs["sangloc:item"] == "mchat_r.q02"
    assert "sangloc:item" not in info.fields["/data/child_name"].attrs
    assert info.fields["/data/age_months"].type == "int"


def test_error_names_sheet_and_row_of_duplicate_question(make_xlsx):
    sheets = {
        "survey": [
            ["type", "name", "label"],
            ["text", "child_name", "Name"],
            ["text", "child_name", "Name again"],
        ]
    }
    with pytest.raises(FormError) as caught:
        convert_xlsform(make_xlsx(sheets), "dup.xlsx")

    error = caught.value
    assert error.code == "xlsform_invalid"
    assert (error.sheet, error.row) == ("survey", 3)
    assert "child_name" in error.message


def test_error_on_choices_sheet_names_that_sheet(make_xlsx):
    sheets = {
        "survey": [["type", "name", "label"], ["select_one yn", "q01", "Q"]],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "yes", "Có"]],
    }
    with pytest.raises(FormError) as caught:
        convert_xlsform(make_xlsx(sheets), "dup_choice.xlsx")

    assert caught.value.code == "xlsform_invalid"
    assert (caught.value.sheet, caught.value.row) == ("choices", 3)


def test_error_without_row_has_no_location(make_xlsx):
    sheets = {"survey": [["type", "name", "label"], ["not_a_type", "q", "Q"]]}
    with pytest.raises(FormError) as caught:
        convert_xlsform(make_xlsx(sheets), "bad_type.xlsx")

    assert caught.value.code == "xlsform_invalid"
    assert "not_a_type" in caught.value.message
    assert caught.value.row is None


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"this is not a spreadsheet", "form.xlsx"),
        (b"PK\x03\x04 truncated zip", "form.xlsx"),
        (b"", "form.xlsx"),
        (b"type,name,label\n", "form.pdf"),
        (b"type,name,label\n", "no_suffix"),
    ],
)
def test_unreadable_or_unsupported_files_are_xlsform_invalid(data, filename):
    with pytest.raises(FormError) as caught:
        convert_xlsform(data, filename)
    assert caught.value.code == "xlsform_invalid"


def test_markdown_form_uses_file_name_as_fallback_form_id():
    markdown = b"""
| survey |
|        | type | name | label |
|        | text | note_text | Ghi ch\xc3\xba |
"""
    result = convert_xlsform(markdown, "uploads/../sang_loc.md")

    info = read_xform(result.xml)
    assert info.form_id == "sang_loc"
    assert info.version is None
    assert "/data/note_text" in info.fields


def test_warnings_are_returned_not_printed(make_xlsx, capsys):
    sheets = {"survey": [["type", "name", "label"], ["image", "photo", "Ảnh"]]}

    result = convert_xlsform(make_xlsx(sheets), "photo.xlsx")

    assert any("max-pixels" in warning for warning in result.warnings)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
