"""Writing an export file a page of rows at a time: CSV (UTF-8 with a byte-order mark, so that
Excel reads Vietnamese) or XLSX (openpyxl's write-only mode, which streams rows to a temporary
file instead of building the workbook in memory).

Cells that are lists or mappings (a screening's subscales and flags) are written as JSON text.
An XLSX sheet holds at most ``XLSX_MAX_ROWS`` rows under its header: one more is problem
413.146 (choose CSV or narrow the filters). Nothing here reads the database.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from server import problems

XLSX_MAX_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
CONTENT_TYPES = {
    "csv": "text/csv",  # Flask adds "; charset=utf-8"
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


class CsvFile:
    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.handle = path.open("w", encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.handle, lineterminator="\r\n")
        self.writer.writerow(header)

    def append(self, rows: Sequence[Sequence[Any]]) -> None:
        self.writer.writerows([[_cell(value) for value in row] for row in rows])

    def close(self) -> None:
        self.handle.close()


class XlsxFile:
    def __init__(self, path: Path, header: Sequence[str], sheet: str) -> None:
        from openpyxl import Workbook

        self.path, self.rows = path, 0
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(sheet[:31])
        self.sheet.append(list(header))

    def append(self, rows: Sequence[Sequence[Any]]) -> None:
        if self.rows + len(rows) > XLSX_MAX_ROWS:
            raise problems.export_too_many_rows(XLSX_MAX_ROWS)
        for row in rows:
            self.sheet.append([_cell(value) for value in row])
        self.rows += len(rows)

    def close(self) -> None:
        self.book.save(self.path)


def open_file(fmt: str, path: Path, header: Sequence[str], sheet: str) -> CsvFile | XlsxFile:
    """A writer of ``fmt`` (csv or xlsx) at ``path``, its header written; close() to finish."""
    if fmt == "csv":
        return CsvFile(path, header)
    if fmt == "xlsx":
        return XlsxFile(path, header, sheet)
    raise problems.export_format_unknown(fmt, tuple(CONTENT_TYPES))
