"""XForm validation with JavaRosa (forms.validate).

Tests marked ``java`` need Java 17; they are not skipped when Java is absent: they fail with
``java_missing``, because a missing validator must be noticed.
"""

from __future__ import annotations

import pytest

import forms.validate
from forms import FormError, convert_xlsform, validate_xform
from forms.validate import clean_javarosa_output

# ODK Validate's real output for a relevant with a dangling operator (JavaRosa 5.1.0).
SAMPLE_OUTPUT = """Validating: /tmp/sangloc-validate-abc/form.xml


>> XForm is invalid.
org.javarosa.xform.parse.XFormParseException: Encountered a problem with display condition \
for node [/data/dob] at line: /data/sex = , Bad node: org.javarosa.xpath.parser.ast.AST@5949
\tat org.javarosa.xform.parse.StandardBindAttributesProcessor.buildCondition(Standard.java:180)
\tat org.javarosa.xform.parse.XFormParser.parseBind(XFormParser.java:2016)
\t... 12 more
Caused by: org.javarosa.xpath.XPathUnhandledException: unexpected end of expression
\tat org.javarosa.xpath.parser.Parser.parse(Parser.java:41)

The following files failed validation:
/tmp/sangloc-validate-abc/form.xml

Result: Invalid
"""


@pytest.mark.java
def test_valid_form_is_validated(anchor_xml):
    assert validate_xform(anchor_xml, required=True) is True


@pytest.mark.java
def test_converted_xlsform_is_validated():
    markdown = """
| survey |
|        | type          | name | label | relevant      |
|        | select_one yn | q01  | Câu 1 |               |
|        | integer       | age  | Tuổi  | ${q01} = 'yes' |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Có    |
|         | yn        | no   | Không |
"""
    xml = convert_xlsform(markdown.encode(), "demo.md").xml

    assert validate_xform(xml, required=True) is True


@pytest.mark.java
def test_invalid_form_is_rejected_with_a_clean_message(anchor_xml):
    broken = anchor_xml.replace(
        b'<bind nodeset="/data/dob" type="date"',
        b'<bind nodeset="/data/dob" type="date" relevant="/data/sex = "',
    )

    with pytest.raises(FormError) as caught:
        validate_xform(broken, required=True)

    error = caught.value
    assert error.code == "javarosa_invalid"
    assert "/data/dob" in error.message
    assert error.field == "/data/dob"
    assert "\tat " not in error.message
    assert ".java:" not in error.message
    assert "org.javarosa.xform.parse.XFormParseException" not in error.message
    assert "sangloc-validate-" not in error.message


@pytest.mark.java
def test_mismatched_brackets_name_the_field(anchor_xml):
    broken = anchor_xml.replace(b'calculate="if(', b'calculate="if((')

    with pytest.raises(FormError) as caught:
        validate_xform(broken, required=True)

    assert caught.value.code == "javarosa_invalid"
    assert "Mismatched brackets" in caught.value.message
    assert caught.value.field == "/data/score"


@pytest.mark.java
def test_not_well_formed_xml_is_rejected():
    with pytest.raises(FormError) as caught:
        validate_xform(b"<h:html xmlns:h='http://www.w3.org/1999/xhtml'><h:head>", required=True)
    assert caught.value.code == "javarosa_invalid"


def test_java_absent_and_not_required_returns_false(monkeypatch, anchor_xml):
    monkeypatch.setattr(forms.validate.shutil, "which", lambda _name: None)

    assert forms.validate.java_path() is None
    assert validate_xform(anchor_xml, required=False) is False


def test_java_absent_and_required_raises(monkeypatch, anchor_xml):
    monkeypatch.setattr(forms.validate.shutil, "which", lambda _name: None)

    with pytest.raises(FormError) as caught:
        validate_xform(anchor_xml, required=True)
    assert caught.value.code == "java_missing"


def test_clean_output_keeps_the_useful_lines():
    cleaned = clean_javarosa_output(SAMPLE_OUTPUT, form_path="/tmp/sangloc-validate-abc/form.xml")

    assert cleaned.splitlines() == [
        "Encountered a problem with display condition for node [/data/dob] at line: "
        "/data/sex = , Bad node: org.javarosa.xpath.parser.ast.AST@5949",
        "unexpected end of expression",
    ]


def test_clean_output_of_nothing():
    assert clean_javarosa_output("\n\n") == "no details given"
