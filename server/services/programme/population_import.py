"""Population denominators from a CSV or XLSX file: a preview first, then a confirmation.

1. ``preview_file`` reads the file: a CSV in UTF-8 (with or without the BOM Excel writes;
   comma, semicolon or tab separated, since Excel in Vietnamese settings writes semicolons) or
   the first sheet of an XLSX. The first row names the columns (``COLUMNS``; ``commune_name``
   is for people and is not read). Rows are numbered as the spreadsheet numbers them (the
   header is row 1) and each is checked: an unknown column (row 1), a commune code not in the
   catalogue, a commune outside the caller's area, a year that is not one, a count that is not
   a whole number from 0 to 9,999,999 (negative, a fraction), the same commune and year twice.
   Problems are returned as data, each with its row (422.70-422.76), never raised. A code that
   a spreadsheet shortened (``4`` for ``00004``) is padded back; an empty cell leaves that
   number as it is; an empty row is skipped. A file that cannot be read at all is refused
   (422.77), as is one with no rows (422.78), more than ``MAX_ROWS`` rows (422.79), more than
   ``MAX_BYTES`` or an XLSX that unpacks to more than ``MAX_UNPACKED`` (413.70).
2. ``keep_preview`` keeps a preview without problems until it is confirmed: only its commune
   codes, years and counts, with the user's id, as canonical JSON in the blob store; the page
   carries the blob's address, and the surface keeps it in the user's session. Why there:
   the file itself is never kept (a wrong file, a list of children say, must not stay on
   disk); a province's rows do not fit the session cookie; the content address names exactly
   the rows the preview showed, so what is confirmed cannot differ from what was seen; and
   every web node reads the same blob store. A preview with problems is never kept, so it
   cannot be confirmed: nothing is written until the whole file is clean.
3. ``confirm`` reads the kept rows back (404.70 for an unknown address or another user's),
   checks again that every commune is still the caller's (409.70, nothing written) and writes
   them with source ``import`` (``population.set_values``, which audits).

Flushes, never commits.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit
from server.models.area import COMMUNE_CODE_LENGTH
from server.models.programme_data import POPULATION_GROUPS
from server.problems import Problem
from server.services.access.scope import Scope
from server.services.audit import Actor
from server.services.programme import population
from server.storage import BlobStore, is_address

COLUMNS = ("commune_code", "commune_name", "year", *POPULATION_GROUPS)
REQUIRED = ("commune_code", "year")
MAX_BYTES = 2_000_000
MAX_ROWS = 5_000  # 3,321 communes: a year of the whole country, with room
MAX_READ = 100_000  # rows read from a sheet at most, empty ones included
MAX_UNPACKED = 50_000_000  # bytes an XLSX may unpack to (ZIP's declared sizes bound it)
KIND = "sangloc.population_import"
ECHOED = 40
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class PreviewRow:
    number: int  # the spreadsheet's row number
    commune_code: str
    commune_name: str | None  # from the catalogue, never from the file
    year: int | None
    values: dict[str, int | None]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[PreviewRow]
    header_problems: list[Problem]
    groups: tuple[str, ...]  # the group columns the file has

    @property
    def problems(self) -> list[Problem]:
        return [*self.header_problems, *(p for row in self.rows for p in row.problems)]

    @property
    def clean(self) -> bool:
        return not self.problems


def preview_file(scope: Scope, data: bytes) -> Preview:
    """Read and check a file; refuse (raise) only a file that cannot be read at all."""
    if len(data) > MAX_BYTES:
        raise problems.import_file_too_large(MAX_BYTES)
    table = iter(_read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data))
    header = next(table, None)
    if header is None:
        raise problems.import_file_empty()
    columns, header_problems = _columns(header[1])
    if any(p.code == "422.76" for p in header_problems):  # the rows cannot be read
        return Preview([], header_problems, ())
    rows = []
    for number, cells in table:
        if all(_text(cell) == "" for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise problems.import_too_many_rows(MAX_ROWS)
        rows.append(_row(number, dict(zip(columns, cells, strict=False))))
    if not rows:
        raise problems.import_file_empty()
    groups = tuple(g for g in POPULATION_GROUPS if g in columns)
    _check_rows(scope, rows)
    return Preview(rows, header_problems, groups)


def keep_preview(preview: Preview, user_id: int, blobs: BlobStore) -> str:
    """Keep a clean preview's rows for ``confirm``; return its address."""
    if not preview.clean:
        raise ValueError("a preview with problems is never kept")
    rows = [[row.commune_code, row.year, {g: v for g, v in row.values.items() if v is not None}]
            for row in preview.rows]
    kept = {"kind": KIND, "version": 1, "user": user_id, "rows": rows}
    return blobs.put(json.dumps(kept, sort_keys=True, separators=(",", ":")).encode())


def confirm(actor: Actor, scope: Scope, blobs: BlobStore, address: str,
            user_id: int) -> population.Changes:
    """Write a kept preview's numbers, each year in turn; nothing if a commune is no longer
    the caller's."""
    kept = _kept(blobs, address, user_id)
    by_year: dict[int, dict[tuple[str, str], int | None]] = defaultdict(dict)
    for code, year, values in kept["rows"]:
        if not scope.covers_commune(code):
            raise problems.import_preview_outdated(code)
        for group, value in values.items():
            by_year[year][(code, group)] = value
    written = removed = 0
    for year, values in sorted(by_year.items()):
        changes = population.set_values(actor, scope, year, values, source="import")
        written, removed = written + changes.written, removed + changes.removed
    return population.Changes(written, removed)


def _kept(blobs: BlobStore, address: str, user_id: int) -> dict:
    if not is_address(address):
        raise problems.import_preview_gone()
    try:
        kept = json.loads(blobs.get(address))
    except (KeyError, ValueError):
        raise problems.import_preview_gone() from None
    if not isinstance(kept, dict) or kept.get("kind") != KIND or kept.get("user") != user_id:
        raise problems.import_preview_gone()
    return kept


# --- reading the file ----------------------------------------------------------------------

def _read_csv(data: bytes) -> Iterator[tuple[int, list[object]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise problems.import_file_unreadable() from None
    if "\x00" in text:
        raise problems.import_file_unreadable()
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise problems.import_file_unreadable() from None
    return ((number, list(cells)) for number, cells in enumerate(rows, start=1))


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list[object]]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise problems.import_file_unreadable() from None
    if unpacked > MAX_UNPACKED:  # a small file that unpacks to gigabytes
        raise problems.import_file_too_large(MAX_BYTES)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # style and extension notes: the values are read
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            rows = []
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > MAX_READ:
                    raise problems.import_too_many_rows(MAX_ROWS)
                rows.append((number, list(cells)))
            book.close()
    except Problem:
        raise
    except Exception:  # openpyxl on a file from outside: a bad zip, bad XML, missing parts...
        raise problems.import_file_unreadable() from None
    return iter(rows)


def _columns(cells: list[object]) -> tuple[list[str], list[Problem]]:
    """The header's column names (lowercase) and its problems, as row 1's."""
    names = [_text(cell).lower() for cell in cells]
    found = [problems.import_column_unknown(_echo(name), COLUMNS, 1)
             for name in names if name and name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in names]
    if not any(group in names for group in POPULATION_GROUPS):
        missing.append(" / ".join(POPULATION_GROUPS))
    found += [problems.import_column_missing(name, 1) for name in missing]
    return names, found


def _row(number: int, cells: dict[str, object]) -> PreviewRow:
    code = _text(cells.get("commune_code"))
    if code.isascii() and code.isdigit() and len(code) < COMMUNE_CODE_LENGTH:
        code = code.zfill(COMMUNE_CODE_LENGTH)  # a spreadsheet took it for a number
    row = PreviewRow(number, _echo(code), None, population.year_of(cells.get("year")), {})
    if row.year is None:
        row.problems.append(problems.import_year_unreadable(_echo(_text(cells.get("year"))),
                                                            number))
    for group in POPULATION_GROUPS:
        try:
            row.values[group] = population.count_of(cells.get(group))
        except ValueError:
            row.problems.append(problems.import_value_unreadable(
                group, _echo(_text(cells.get(group))), number))
            row.values[group] = None
    return row


def _check_rows(scope: Scope, rows: list[PreviewRow]) -> None:
    """Communes against the catalogue and the caller's area; each commune and year once."""
    codes = {row.commune_code for row in rows}
    names = dict(db.session.execute(
        select(AdminUnit.code, AdminUnit.name)
        .where(AdminUnit.code.in_(codes), AdminUnit.province_code.is_not(None))).all())
    first: dict[tuple[str, int], int] = {}
    for row in rows:
        row.commune_name = names.get(row.commune_code)
        early = []
        if row.commune_name is None:
            early.append(problems.import_commune_unknown(row.commune_code, row.number))
        elif not scope.covers_commune(row.commune_code):
            early.append(problems.import_commune_outside(row.commune_code, row.number))
        row.problems[:0] = early
        if row.year is None:
            continue
        key = (row.commune_code, row.year)
        if key in first:
            row.problems.append(problems.import_row_duplicate(*key, first[key], row.number))
        else:
            first[key] = row.number


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def shown_name(filename: str) -> str:
    """A file's name as a page may say it back: no control characters, at most 120 long."""
    return _CONTROL.sub("?", filename)[:120]


def _echo(text: str) -> str:
    """At most ``ECHOED`` characters of a value, without control characters, to say back."""
    return _CONTROL.sub("?", text)[:ECHOED]
