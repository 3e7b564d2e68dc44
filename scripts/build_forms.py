"""Build sangloc's bundled XLSForms (forms/definitions/<form_id>.xlsx) with openpyxl.

This script is the source of truth for the bundled forms; the .xlsx files are its committed
output. Every form has the same shape: a consent block (nothing else is recorded without
consent), an identification block (children's or adults' variant) and one instrument block whose
fields carry the ``sangloc:item`` / ``sangloc:person`` / ``sangloc:device_score`` bind attributes
the server reads (see forms/definitions/README.md). Item text is shipped only for instruments
that may be shipped (PHQ-9, PHQ-A, GAD-7, SRQ-20, QĐ 2254/QĐ-BYT); M-CHAT-R/F, SDQ and EPDS get
neutral placeholder labels until a coordinator loads the licensed text.

Run from the repository root: ``.venv/bin/python scripts/build_forms.py [--out DIR]``.
It must not import server code, must not reach the network and writes only .xlsx files.

The script is split into sibling modules (imported by name, so scripts/ must be on sys.path, as
it is when the script is run): form_rows.py (the survey-row model), form_choices.py (the choice
lists), form_blocks.py (the consent and identification blocks), form_texts.py (the item-text
tables) and form_instruments.py (the instrument blocks). This module assembles the forms and is
the command-line entry point.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from form_blocks import AgeRule, consent_rows, person_rows
from form_choices import CHOICES
from form_instruments import (
    epds_rows,
    gad7_rows,
    mchat_rows,
    moh_rows,
    phq9_rows,
    phqa_rows,
    sdq_rows,
    srq20_rows,
)
from form_rows import EN, SURVEY_COLUMNS, VI, Row

VERSION = "2026120101"
OUT_DIR = Path(__file__).resolve().parent.parent / "forms" / "definitions"
CHOICE_COLUMNS = ("list_name", "name", f"label::{VI}", f"label::{EN}")
SETTINGS_COLUMNS = ("form_id", "version", "form_title", "default_language", "namespaces")
NAMESPACES = 'sangloc="urn:sangloc"'


# --- the forms ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormDef:
    """One bundled form: id, Vietnamese title, audience, age rule and instrument block."""

    form_id: str
    title: str
    child: bool
    age: AgeRule | None
    body: Callable[[], list[Row]]
    version: str = VERSION


ADULTS = AgeRule("years", 18, None, ("từ 18 tuổi", "18 years or over"))
FORMS: tuple[FormDef, ...] = (
    FormDef("mchat_r", "M-CHAT-R — Sàng lọc nguy cơ tự kỷ (trẻ 16–30 tháng)", True,
            AgeRule("months", 16, 30, ("16–30 tháng", "16-30 months")),
            lambda: mchat_rows("mchat_r")),
    FormDef("mchat_rf", "M-CHAT-R/F — Sàng lọc và phỏng vấn tiếp theo (trẻ 16–30 tháng)", True,
            AgeRule("months", 16, 30, ("16–30 tháng", "16-30 months")),
            lambda: mchat_rows("mchat_rf")),
    FormDef("sdq_p4_17", "SDQ — Điểm mạnh và khó khăn, cha mẹ đánh giá (4–17 tuổi)", True,
            AgeRule("years", 4, 17, ("4–17 tuổi", "4-17 years")), lambda: sdq_rows("sdq_p4_17")),
    FormDef("sdq_p2_4", "SDQ — Điểm mạnh và khó khăn, cha mẹ đánh giá (2–4 tuổi)", True,
            AgeRule("years", 2, 4, ("2–4 tuổi", "2-4 years")), lambda: sdq_rows("sdq_p2_4")),
    FormDef("phq9", "PHQ-9 — Sàng lọc trầm cảm (người trưởng thành)", False, ADULTS, phq9_rows),
    FormDef("phqa", "PHQ-A — Sàng lọc trầm cảm (vị thành niên 11–17 tuổi)", True,
            AgeRule("years", 11, 17, ("11–17 tuổi", "11-17 years")), phqa_rows),
    FormDef("gad7", "GAD-7 — Sàng lọc lo âu (người trưởng thành)", False, ADULTS, gad7_rows),
    FormDef("srq20", "SRQ-20 — Sàng lọc rối nhiễu tâm trí thường gặp (người trưởng thành)", False,
            ADULTS, srq20_rows),
    FormDef("epds", "EPDS — Sàng lọc trầm cảm chu sinh", False, None, epds_rows),
    FormDef("moh_asd_signs", "Dấu hiệu cảnh báo rối loạn phổ tự kỷ (QĐ 2254/QĐ-BYT, trẻ 0–72 "
            "tháng)", True, AgeRule("months", 0, 72, ("0–72 tháng", "0-72 months"), refuse=True),
            moh_rows),
)  # fmt: skip


def survey_rows(form: FormDef) -> list[Row]:
    """Metadata, consent, identification, then the instrument block."""
    return [Row("start", "start"), Row("end", "end"), *consent_rows(form.child),
            *person_rows(form.child, form.age), *form.body()]  # fmt: skip


def build_workbook(form: FormDef) -> openpyxl.Workbook:
    """The XLSForm workbook of ``form`` (survey, choices, settings)."""
    rows = survey_rows(form)
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for row in rows:
        survey.append(row.cells())
    choices = workbook.create_sheet("choices")
    choices.append(CHOICE_COLUMNS)
    for list_name in used_lists(rows):
        for name, vi, en in CHOICES[list_name]:
            choices.append((list_name, name, vi, en))
    settings = workbook.create_sheet("settings")
    settings.append(SETTINGS_COLUMNS)
    settings.append((form.form_id, form.version, form.title, VI, NAMESPACES))
    workbook.properties.creator = "sangloc scripts/build_forms.py"
    return workbook


def used_lists(rows: Iterable[Row]) -> list[str]:
    """Choice lists referenced by ``select_one <list>`` rows, in first-use order."""
    names = [row.type.split()[1] for row in rows if row.type.startswith("select_one ")]
    return list(dict.fromkeys(names))


def main(argv: list[str] | None = None) -> int:
    """Write every bundled form into ``--out`` (default forms/definitions)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="output directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for form in FORMS:
        path = args.out / f"{form.form_id}.xlsx"
        build_workbook(form).save(path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
