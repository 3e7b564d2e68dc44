"""Shared helpers for the ``forms`` unit tests: XLSForms written as data, built with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pytest

ANCHOR_FORM = Path("/work/shared/bench/anchor_screen.xml")

Sheets = dict[str, Sequence[Sequence[object]]]


def build_xlsx(sheets: Sheets) -> bytes:
    """An .xlsx workbook with one worksheet per entry, rows in order (first row = header)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def make_xlsx() -> Callable[[Sheets], bytes]:
    return build_xlsx


@pytest.fixture
def anchor_xml() -> bytes:
    return ANCHOR_FORM.read_bytes()
