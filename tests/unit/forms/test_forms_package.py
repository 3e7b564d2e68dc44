"""House rules for the ``forms`` package: purity, the error catalogue, the public names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import forms
from forms import CODES, FormError

PACKAGE_DIR = Path(forms.__file__).resolve().parent
MODULES = sorted(PACKAGE_DIR.glob("*.py"))
FORBIDDEN = {
    "flask", "flask_sqlalchemy", "flask_migrate", "flask_smorest", "sqlalchemy", "alembic",
    "marshmallow", "apscheduler", "psycopg", "gunicorn", "server", "sync", "screening_tools",
    "lxml",
}  # fmt: skip


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def raised_codes(path: Path) -> set[str]:
    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "FormError"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            codes.add(node.args[0].value)
    return codes


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_module_is_pure_documented_and_small(path):
    assert not imported_roots(path) & FORBIDDEN
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_only_xlsform_imports_pyxform():
    users = {path.name for path in MODULES if "pyxform" in imported_roots(path)}
    assert users <= {"xlsform.py"}


def test_every_raised_code_is_in_the_catalogue():
    raised = set().union(*(raised_codes(path) for path in MODULES))
    assert raised
    assert raised <= set(CODES)


def test_catalogue_has_the_codes_the_server_relies_on():
    assert {
        "xlsform_invalid", "xform_invalid", "javarosa_invalid", "java_missing", "no_form_id",
        "instance_malformed", "instance_dtd_forbidden", "instance_no_form_id",
        "instance_no_instance_id", "instance_too_deep",
    } <= set(CODES)  # fmt: skip


def test_form_error_carries_code_and_location():
    error = FormError("xlsform_invalid", "bad row", sheet="survey", row=4, field="q01")

    assert isinstance(error, Exception)
    assert (error.code, error.message, error.sheet, error.row, error.field) == (
        "xlsform_invalid",
        "bad row",
        "survey",
        4,
        "q01",
    )
    assert "bad row" in str(error)


def test_unknown_code_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown FormError code"):
        FormError("no_such_code", "x")


def test_public_names():
    assert set(forms.__all__) >= {
        "FormError", "CODES", "Conversion", "convert_xlsform", "java_path", "validate_xform",
        "Field", "XFormInfo", "read_xform", "ParsedInstance", "parse_instance",
        "attachment_names", "FormListEntry", "MediaFileEntry", "render_form_list",
        "render_manifest", "render_response", "render_integrity",
    }  # fmt: skip
    assert all(hasattr(forms, name) for name in forms.__all__)
