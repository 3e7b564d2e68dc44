"""One error family: every code in the catalogue has one named constructor, every constructor is
raised somewhere, nothing outside ``server/problems.py`` builds a Problem from a bare code, and
every text can be filled in both languages from its constructor's arguments."""

from __future__ import annotations

import ast
import inspect
import re
import string
from pathlib import Path

import pytest

from server import problems
from server.problem_catalogue import CATALOGUE
from server.problems import Problem

SERVER = Path(problems.__file__).parent


def _constructors() -> dict[str, str]:
    """Constructor name -> the code it returns, read from the source of problems.py."""
    found = {}
    for node in ast.parse((SERVER / "problems.py").read_text()).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            calls = [call for call in ast.walk(node) if isinstance(call, ast.Call)
                     and getattr(call.func, "id", None) == "Problem"]
            assert len(calls) == 1, f"{node.name} should build exactly one Problem"
            found[node.name] = calls[0].args[0].value
    return found


CONSTRUCTORS = _constructors()


def _sources() -> dict[Path, str]:
    return {path: path.read_text() for path in SERVER.rglob("*.py")
            if path.name not in ("problems.py", "problem_catalogue.py")}


def test_every_code_has_exactly_one_constructor():
    codes = sorted(CONSTRUCTORS.values())
    assert sorted(set(codes)) == codes, "two constructors share a code"
    assert set(codes) == set(CATALOGUE)


def test_every_constructor_is_used_outside_problems_py():
    text = "\n".join(_sources().values())
    unused = [name for name in CONSTRUCTORS
              if not re.search(rf"\bproblems\.{name}\b|import[^\n]*\b{name}\b", text)]
    assert unused == [], "codes that are never raised"


def test_nothing_else_builds_a_problem_from_a_code():
    for path, source in _sources().items():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                assert name != "Problem", f"{path.relative_to(SERVER)}:{node.lineno}"


def _example(parameter: inspect.Parameter) -> object:
    annotation = str(parameter.annotation)
    if "Sequence" in annotation:
        return ["a.png", "b.png"]
    return 7 if annotation.startswith("int") else "x"


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
def test_every_text_fills_in_both_languages(name):
    constructor = getattr(problems, name)
    arguments = {p.name: _example(p) for p in inspect.signature(constructor).parameters.values()
                 if p.default is inspect.Parameter.empty}
    problem = constructor(**arguments)
    assert isinstance(problem, Problem) and problem.code == CONSTRUCTORS[name]
    entry = CATALOGUE[problem.code]
    for template in (entry.vi, entry.en):
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        assert fields <= set(problem.params), f"{problem.code} needs {fields}"
    vi, en = problem.message("vi"), problem.message("en")
    assert vi and en and vi != en
    assert 100 <= problem.status <= 599 and str(problem.status) == problem.code.split(".")[0]


def test_a_problem_with_an_unknown_code_cannot_be_made():
    with pytest.raises(KeyError):
        Problem("418.1")


def test_detail_is_shown_beside_the_text_and_long_lists_are_cut():
    """The CLI line: text, then the labelled detail (sheet and row; at most a few names)."""
    sheet = problems.xlsform_invalid("xlsform_invalid", "bad row", sheet="survey", row=3)
    assert sheet.where("en") == "sheet survey, row 3"
    missing = problems.backup_blobs_missing("b.db", [f"{i:02d}.png" for i in range(12)], "/p")
    shown = missing.where("en")
    assert shown.count(".png") < 12 and "more" in shown
