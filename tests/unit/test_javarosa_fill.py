"""The JavaRosa fill tool produces the instance XML ODK Collect would submit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from defusedxml import ElementTree
from pyxform.xls2xform import convert

from tests.support.javarosa_fill import (
    EXIT_BAD_INPUT,
    EXIT_INVALID,
    JavaRosaFillError,
    fill_form,
)
from tests.support.paths import ANCHOR_FORM

pytestmark = pytest.mark.java

XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' ?>"
INSTANCE_ID = re.compile(r"^uuid:[0-9a-f-]{36}$")

CHILD_NAME = "Nguyễn Thị Bích Ngọc"
COMMUNE = "Phường Bến Nghé, Quận 1"

DEMO_XLSFORM = """
| survey |
|        | type          | name     | label        | relevant           | constraint        |
|        | select_one yn | has_kid  | Has a child? |                    |                   |
|        | integer       | kid_age  | Age          | ${has_kid} = 'yes' | . >= 0 and . < 18 |
|        | text          | comment  | Comment      |                    |                   |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Yes   |
|         | yn        | no   | No    |
| settings |
|          | form_title | form_id | version    |
|          | Demo       | demo    | 2024010101 |
"""


def anchor_answers() -> dict[str, str]:
    answers = {
        "/data/child_name": CHILD_NAME,
        "/data/dob": "2022-03-15",
        "/data/sex": "female",
        "/data/commune": COMMUNE,
    }
    for i in range(1, 21):
        answers[f"/data/q{i:02d}"] = "yes" if i % 3 == 0 else "no"
    return answers


@pytest.fixture(scope="module")
def demo_form() -> bytes:
    return convert(DEMO_XLSFORM, file_type=".md", form_name="data").xform.encode("utf-8")


def test_anchor_form_is_serialised_like_collect(tmp_path: Path) -> None:
    answers = anchor_answers()
    xml = fill_form(ANCHOR_FORM.read_bytes(), answers, workdir=tmp_path)

    # JavaRosa's declaration, single-quoted, then the root straight after it (no whitespace).
    assert xml.startswith(XML_DECLARATION + b"<data ")
    assert b"\n" not in xml
    # UTF-8 text, not character references.
    assert CHILD_NAME.encode("utf-8") in xml
    assert b"&#" not in xml

    root = ElementTree.fromstring(xml)
    assert root.tag == "data"
    assert root.get("id") == "anchor_screen"
    assert root.get("version") == "1"
    for path, value in answers.items():
        assert root.findtext(path.removeprefix("/data/")) == value, path
    assert root.findtext("child_name") == CHILD_NAME
    assert root.findtext("commune") == COMMUNE
    assert root.findtext("score") == str(sum(v == "yes" for v in answers.values()))
    assert INSTANCE_ID.match(root.findtext("meta/instanceID") or "")
    # The work files stay in workdir for debugging.
    assert (tmp_path / "form.xml").is_file()
    assert (tmp_path / "answers.tsv").is_file()


def test_each_fill_gets_a_new_instance_id() -> None:
    form = ANCHOR_FORM.read_bytes()
    first = ElementTree.fromstring(fill_form(form, anchor_answers()))
    second = ElementTree.fromstring(fill_form(form, anchor_answers()))
    assert first.findtext("meta/instanceID") != second.findtext("meta/instanceID")


def test_non_relevant_question_is_omitted(demo_form: bytes) -> None:
    xml = fill_form(demo_form, {"/data/has_kid": "no"})
    root = ElementTree.fromstring(xml)
    assert root.tag == "data"
    assert root.get("id") == "demo"
    assert root.get("version") == "2024010101"
    assert root.findtext("has_kid") == "no"
    assert root.find("kid_age") is None
    assert b"kid_age" not in xml
    # A relevant but unanswered question stays, as an empty element written `<x />`.
    assert b"<comment />" in xml
    assert INSTANCE_ID.match(root.findtext("meta/instanceID") or "")


def test_relevant_question_is_kept(demo_form: bytes) -> None:
    xml = fill_form(demo_form, {"/data/has_kid": "yes", "/data/kid_age": "7"})
    root = ElementTree.fromstring(xml)
    assert root.findtext("kid_age") == "7"
    assert [child.tag for child in root] == ["has_kid", "kid_age", "comment", "meta"]


def test_answer_to_a_skipped_question_is_an_error(demo_form: bytes) -> None:
    answers = {"/data/has_kid": "no", "/data/kid_age": "7"}
    with pytest.raises(JavaRosaFillError, match="/data/kid_age") as err:
        fill_form(demo_form, answers)
    assert err.value.returncode == EXIT_BAD_INPUT
    root = ElementTree.fromstring(fill_form(demo_form, answers, allow_unused=True))
    assert root.find("kid_age") is None


def test_constraint_violation_names_the_question(demo_form: bytes) -> None:
    with pytest.raises(JavaRosaFillError, match="constraint violated: /data/kid_age") as err:
        fill_form(demo_form, {"/data/has_kid": "yes", "/data/kid_age": "30"})
    assert err.value.returncode == EXIT_INVALID


def test_empty_required_question_names_the_question() -> None:
    answers = anchor_answers()
    answers["/data/dob"] = ""
    with pytest.raises(JavaRosaFillError, match="required question is empty: /data/dob") as err:
        fill_form(ANCHOR_FORM.read_bytes(), answers)
    assert err.value.returncode == EXIT_INVALID


def test_value_outside_the_choices_is_refused(demo_form: bytes) -> None:
    with pytest.raises(JavaRosaFillError, match="'maybe' is not one of the choices") as err:
        fill_form(demo_form, {"/data/has_kid": "maybe"})
    assert err.value.returncode == EXIT_BAD_INPUT


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(JavaRosaFillError, match="`java` not found"):
        fill_form(ANCHOR_FORM.read_bytes(), anchor_answers())


def test_repeat_instances_and_positional_answers() -> None:
    xlsform = """
| survey |
|        | type         | name | label   |
|        | begin repeat | sib  | Sibling |
|        | text         | name | Name    |
|        | integer      | age  | Age     |
|        | end repeat   |      |         |
"""
    form = convert(xlsform, file_type=".md", form_name="data").xform.encode("utf-8")
    answers = {
        "/data/sib": "3",
        "/data/sib/age": "4",
        "/data/sib[2]/name": "Bình",
        "/data/sib[2]/age": "9",
    }
    root = ElementTree.fromstring(fill_form(form, answers))
    siblings = root.findall("sib")
    assert [s.findtext("name") for s in siblings] == ["", "Bình", ""]
    assert [s.findtext("age") for s in siblings] == ["4", "9", "4"]
