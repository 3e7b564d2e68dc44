"""``forms.locate``: the sheet, row and column of a pyxform or JavaRosa error, found in small
XLSForms built here. Rows are counted as a spreadsheet counts them (the header is row 1);
columns by letter (A = type, B = name, C = label, D = relevant, E = constraint, F = calculation,
G = required, H = choice_filter in ``_form``)."""

from __future__ import annotations

import pytest

import forms
from forms.errors import FormError
from forms.locate import Location, column_letter, error_kind, locate_error, survey_row
from tests.support.xlsform import build_xlsx

HEADER = ["type", "name", "label", "relevant", "constraint", "calculation", "required",
          "choice_filter"]


def _row(kind: str, name: str, label: str = "", **columns: str) -> list[str]:
    return [kind, name, label, *(columns.get(h, "") for h in HEADER[3:])]


def _form(*rows: list[str]) -> bytes:
    return build_xlsx({
        "survey": [HEADER, *rows],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]],
        "settings": [["form_id", "version"], ["t", "1"]],
    })


def _javarosa(message: str, field: str | None = None) -> FormError:
    return FormError("javarosa_invalid", f"JavaRosa rejected the form: {message}", field=field)


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (5, "F"), (25, "Z"), (26, "AA"),
                                               (27, "AB"), (51, "AZ"), (52, "BA"),
                                               (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letter):
    assert column_letter(index) == letter


def test_pyxform_unknown_reference_names_its_column():
    """pyxform says sheet and row (3) and quotes the column 'relevant' (D)."""
    data = _form(_row("text", "a", "A"), _row("text", "b", "B", relevant="${zz} = 'x'"))
    error = FormError("xlsform_invalid", "[row : 3] On the 'survey' sheet, the 'relevant' "
                      "value is invalid. Reference variables must contain a name from the "
                      "'survey' sheet. Could not find the name 'zz'.", sheet="survey", row=3)
    assert locate_error(error, data, "form.xlsx") == Location(
        sheet="survey", row=3, column="D", header="relevant", kind="unknown_reference",
        name="zz")


def test_pyxform_conversion_located_end_to_end():
    """The same through pyxform itself: the reference sits in the calculation column (F) of
    row 4."""
    data = _form(_row("integer", "a", "A"), _row("text", "b", "B"),
                 _row("calculate", "c", calculation="${nothere} + 1"))
    with pytest.raises(FormError) as caught:
        forms.convert_xlsform(data, "form.xlsx")
    found = locate_error(caught.value, data, "form.xlsx")
    assert (found.sheet, found.row, found.column, found.header) == ("survey", 4, "F",
                                                                   "calculation")
    assert (found.kind, found.name) == ("unknown_reference", "nothere")


def test_duplicate_name_is_in_the_name_column():
    data = _form(_row("text", "a", "A"), _row("text", "a", "B"))
    error = FormError("xlsform_invalid", "[row : 3] On the 'survey' sheet, the 'name' value "
                      "'a' is invalid. Questions, groups, and repeats must be unique.",
                      sheet="survey", row=3)
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.header, found.kind, found.name) == (
        3, "B", "name", "duplicate_name", "a")


def test_unknown_type_without_a_row_is_found_in_the_type_column():
    """pyxform names no row for an unknown type: the cell holding it is row 3, column A."""
    data = _form(_row("text", "a", "A"), _row("textt", "b", "B"))
    error = FormError("xlsform_invalid", "Unknown question type 'textt'.")
    assert locate_error(error, data, "form.xlsx") == Location(
        sheet="survey", row=3, column="A", header="type", kind="unknown_type", name="textt")


def test_calculate_with_an_unknown_function():
    """ODK Validate's words for a calculate: the row of /data/c (4), column F."""
    data = _form(_row("integer", "a", "A"), _row("text", "b", "B"),
                 _row("calculate", "c", calculation="bar(${a})"))
    error = _javarosa("Error evaluating field 'c' (/data/c[1]): The problem was located in "
                      "Calculate expression for /data/c\nXPath evaluation: cannot handle "
                      "function 'bar'")
    assert locate_error(error, data, "form.xlsx") == Location(
        sheet="survey", row=4, column="F", header="calculation", field="/data/c",
        kind="unknown_function", name="bar")


def test_condition_expression_is_told_apart_by_the_function_it_calls():
    """"Condition expression" covers relevant and required: the cell calling baz( is G."""
    data = _form(_row("integer", "a", "A"),
                 _row("text", "b", "B", relevant="${a} > 1", required="baz(${a})"))
    error = _javarosa("Error evaluating field 'b' (/data/b[1]): The problem was located in "
                      "Condition expression for /data/b\nXPath evaluation: cannot handle "
                      "function 'baz'")
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.header) == (3, "G", "required")


def test_display_condition_syntax_is_the_relevant_column():
    data = _form(_row("integer", "a", "A"), _row("text", "b", "B", relevant="${a} >>> 3"))
    error = _javarosa("Encountered a problem with display condition for node [/data/b] at "
                      "line:  /data/a  >>> 3, Bad node: ASTNodeAbstractExpr@6e1567f1",
                      field="/data/b")
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.header, found.kind) == (3, "D", "relevant",
                                                                  "expression_syntax")


def test_constraint_syntax_names_the_bind():
    data = _form(_row("integer", "a", "A", constraint=". >>> 3"))
    error = _javarosa("bind for /data/a contains invalid constraint expression [. >>> 3] "
                      "Bad node: ASTNodeAbstractExpr@7085bdee")
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.header, found.field) == (2, "E", "constraint",
                                                                   "/data/a")


def test_a_choice_filter_without_a_path_is_found_by_its_function():
    data = _form(_row("integer", "a", "A"), _row("select_one yn", "b", "B",
                                                 choice_filter="quux(${a})"))
    error = _javarosa("XPath evaluation: cannot handle function 'quux'")
    found = locate_error(error, data, "form.xlsx")
    assert (found.sheet, found.row, found.column, found.header) == ("survey", 3, "H",
                                                                   "choice_filter")


def test_a_field_inside_groups_is_matched_by_its_groups():
    """Two fields named c: the one inside group g (row 5) is /data/g/c, not row 2's /data/c."""
    data = _form(_row("text", "c", "C"), _row("begin_group", "g", "G"),
                 _row("integer", "a", "A"), _row("calculate", "c", calculation="frob(${a})"),
                 _row("end_group", ""))
    error = _javarosa("Error evaluating field 'c' (/data/g[1]/c[1]): The problem was located "
                      "in Calculate expression for /data/g/c\nXPath evaluation: cannot handle "
                      "function 'frob'")
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.field) == (5, "F", "/data/g/c")


def test_an_unknown_kind_of_expression_falls_back_to_the_name_column():
    data = _form(_row("text", "a", "A"))
    error = _javarosa("Something about node [/data/a] went wrong", field="/data/a")
    found = locate_error(error, data, "form.xlsx")
    assert (found.row, found.column, found.header) == (2, "B", "name")


def test_survey_rows_with_begin_and_end_group_spelt_with_spaces():
    rows = [["type", "name"], ["begin group", "g"], ["begin repeat", "r"], ["text", "x"],
            ["end repeat", ""], ["end group", ""], ["text", "x"]]
    assert survey_row(rows, "/data/g/r/x") == 4
    assert survey_row(rows, "/data/x") == 7
    assert survey_row(rows, "/data/nothing") is None
    assert survey_row(rows, "/data") is None


def test_a_file_that_is_not_a_workbook_keeps_the_errors_own_location():
    error = FormError("xlsform_invalid", "[row : 3] oops", sheet="survey", row=3)
    assert locate_error(error, b"not a zip", "form.xlsx") == Location(sheet="survey", row=3)
    assert locate_error(error, b"type,name\n", "form.csv") == Location(sheet="survey", row=3)


def test_error_kinds():
    assert error_kind("XPath evaluation: cannot handle function 'bar'") == (
        "unknown_function", "bar")
    assert error_kind("Invalid calculate for the bind attached to \"/data/c\" : Bad node") == (
        "expression_syntax", None)
    assert error_kind("something else") == (None, None)


@pytest.mark.java
def test_javarosa_refusal_located_end_to_end():
    """pyxform accepts a calculation calling an unknown function; JavaRosa refuses it, and the
    error lands on row 3, column F (calculation)."""
    data = _form(_row("integer", "a", "A"), _row("calculate", "c", calculation="nosuch(${a})"))
    xml = forms.convert_xlsform(data, "form.xlsx").xml
    with pytest.raises(FormError) as caught:
        forms.validate_xform(xml, required=True)
    found = locate_error(caught.value, data, "form.xlsx")
    assert (found.sheet, found.row, found.column, found.header, found.name) == (
        "survey", 3, "F", "calculation", "nosuch")
