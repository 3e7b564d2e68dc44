"""XLSForms written as data in tests: sheets of rows -> an .xlsx workbook (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl

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


def photo_form(version: str = "1", *, form_id: str = "photo_visit") -> bytes:
    """A small form with an image question, a media label and a select_one_from_file."""
    return build_xlsx({
        "survey": [
            ["type", "name", "label", "media::image"],
            ["text", "child_name", "Họ và tên trẻ", ""],
            ["select_one_from_file communes.csv", "commune", "Xã/phường", ""],
            ["image", "photo", "Ảnh phiếu giấy", "logo.png"],
            ["image", "photo2", "Ảnh thứ hai", ""],
            ["text", "note_text", "Ghi chú", ""],
        ],
        "settings": [["form_id", "version", "form_title"], [form_id, version, "Thăm hộ"]],
    })
