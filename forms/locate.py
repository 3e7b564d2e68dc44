"""Where in an XLSForm a conversion or validation error is: sheet, row and column.

pyxform names the sheet and row of most errors ("[row : 7] On the 'survey' sheet, the
'relevant' value is invalid ...") but not the column; JavaRosa names neither, only an instance
path (``/data/group/x``) and the kind of expression it could not use ("Calculate expression",
"display condition" ...). ``locate_error`` reads the workbook's cells (openpyxl, .xlsx/.xlsm
only; other files get the sheet and row the error itself names) and finds:

- the column: a header the pyxform message quotes (``'relevant'``); for JavaRosa the column of
  the expression kind it names, else the expression column whose cell on that row calls the
  function it could not handle, else the row's ``name`` column;
- the row of a JavaRosa path: the survey row whose ``name`` is the path's last step, inside the
  same groups and repeats (the first step, the instance root, is not a row);
- what kind of mistake it is, when the message says (:data:`KINDS`), with the name concerned.

Rows are numbered as a spreadsheet numbers them (the header is row 1), as pyxform does. It
must not convert, validate or decide what to show; it never raises for an unreadable workbook
(the location is then what the error itself says).
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from dataclasses import dataclass, replace

from forms.errors import FormError

#: kinds of mistake recognised in an error's text
KINDS = ("unknown_function", "expression_syntax", "unknown_reference", "duplicate_name",
         "unknown_type")
MAX_ROWS = 5_000  # rows read from a sheet at most
MAX_COLUMNS = 200
MAX_UNPACKED = 50_000_000  # an .xlsx that unpacks to more is not read
READABLE = (".xlsx", ".xlsm")
# columns that hold an XPath expression, in the order a search tries them
EXPRESSIONS = ("calculation", "relevant", "constraint", "required", "readonly", "choice_filter",
               "default", "repeat_count", "trigger")
# JavaRosa's words for an expression -> the XLSForm column (ODK Validate's messages)
_PHRASES = (
    (re.compile(r"calculate", re.I), ("calculation",)),
    (re.compile(r"display condition|relevan", re.I), ("relevant",)),
    (re.compile(r"require", re.I), ("required",)),
    (re.compile(r"constraint", re.I), ("constraint",)),
    (re.compile(r"readonly|read-only", re.I), ("readonly",)),
    (re.compile(r"/item\[|itemset|nodeset", re.I), ("choice_filter",)),
    (re.compile(r"Condition expression"), ("relevant", "required", "readonly")),
)
_PATHS = (
    re.compile(r'node \[(/[^\]\s]+)\]'),
    re.compile(r'attached to "(/[^"\s]+)"'),
    re.compile(r"expression for (/[^\s]+)"),
    re.compile(r"bind for (/[^\s]+)"),
    re.compile(r"\((/[^)\s]+)\)"),
)
_KIND_PATTERNS = (
    ("unknown_function", re.compile(r"cannot handle function '([^']+)'")),
    ("unknown_reference", re.compile(r"Could not find the name '([^']+)'")),
    ("duplicate_name", re.compile(r"the 'name' value '([^']+)' is invalid")),
    ("unknown_type", re.compile(r"Unknown question type '([^']+)'")),
    ("expression_syntax", re.compile(
        r"Bad node|Couldn't understand|unsupported construct|Lexical error|Unexpected|"
        r"Invalid (?:calculate|constraint|relevant)|invalid constraint expression")),
)
_QUOTED = re.compile(r"'([^'\n]{1,100})'")
_INDEX = re.compile(r"\[\d+\]")

Sheets = dict[str, list[list[str]]]


@dataclass(frozen=True)
class Location:
    """Where an error is; each part None when unknown. ``row`` counts the header as 1."""

    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the column letter, "F"
    header: str | None = None  # the column's header, "relevant"
    field: str | None = None  # the instance path JavaRosa named, without [n] indexes
    kind: str | None = None  # one of KINDS
    name: str | None = None  # the function, name or type the error is about


def locate_error(error: FormError, workbook: bytes | None, filename: str) -> Location:
    """The location of ``error`` (from pyxform or JavaRosa) in the uploaded ``workbook``."""
    text = error.message
    kind, name = error_kind(text)
    found = Location(sheet=error.sheet, row=error.row, kind=kind, name=name)
    sheets = read_sheets(workbook, filename) if workbook is not None else {}
    if error.code == "javarosa_invalid":
        path = error.field or _path_in(text)
        found = replace(found, field=path)
        return _locate_javarosa(found, sheets, text)
    return _locate_pyxform(found, sheets, text)


def error_kind(text: str) -> tuple[str | None, str | None]:
    """(kind, name) of the mistake an error's text describes, (None, None) if unrecognised."""
    for kind, pattern in _KIND_PATTERNS:
        match = pattern.search(text)
        if match:
            return kind, (match.group(1) if match.groups() else None)
    return None, None


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def read_sheets(data: bytes, filename: str) -> Sheets:
    """Each sheet's rows as text (empty cells ""); {} for a file that cannot be read."""
    if not filename.lower().endswith(READABLE):
        return {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(item.file_size for item in archive.infolist()) > MAX_UNPACKED:
                return {}
        import openpyxl

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheets = {sheet.title: [[_text(cell) for cell in row[:MAX_COLUMNS]] for row in
                                    sheet.iter_rows(max_row=MAX_ROWS, values_only=True)]
                      for sheet in book.worksheets}
            book.close()
    except Exception:  # any unreadable workbook: the location is the error's own
        return {}
    return sheets


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _header(rows: list[list[str]]) -> list[str]:
    return [cell.lower() for cell in rows[0]] if rows else []


def _sheet(sheets: Sheets, name: str | None) -> list[list[str]]:
    if name is None:
        return []
    for title, rows in sheets.items():
        if title.lower() == name.lower():
            return rows
    return []


def _at(found: Location, rows: list[list[str]], index: int | None) -> Location:
    if index is None:
        return found
    return replace(found, column=column_letter(index), header=rows[0][index])


def _locate_pyxform(found: Location, sheets: Sheets, text: str) -> Location:
    if found.row is None and found.kind == "unknown_type" and found.name:
        rows = _sheet(sheets, "survey")
        at = _find_cell(rows, "type", lambda cell: cell == found.name)
        if at is None:
            return found
        return _at(replace(found, sheet="survey", row=at[0]), rows, at[1])
    rows = _sheet(sheets, found.sheet)
    header = _header(rows)
    for quoted in _QUOTED.findall(text):
        if quoted.lower() in header and quoted.lower() != (found.sheet or "").lower():
            return _at(found, rows, header.index(quoted.lower()))
    return found


def _find_cell(rows: list[list[str]], column: str | None, test) -> tuple[int, int] | None:
    """(row number, column index) of the first cell below the header that passes ``test``,
    in ``column`` or, when None, in any expression column."""
    header = _header(rows)
    wanted = [column] if column else [h for h in EXPRESSIONS]
    indexes = [header.index(name) for name in wanted if name in header]
    for number, row in enumerate(rows[1:], start=2):
        for index in indexes:
            if index < len(row) and test(row[index]):
                return number, index
    return None


def _locate_javarosa(found: Location, sheets: Sheets, text: str) -> Location:
    rows = _sheet(sheets, "survey")
    if not rows:
        return found
    found = replace(found, sheet="survey")
    number = survey_row(rows, found.field) if found.field else None
    call = (lambda cell: f"{found.name}(" in cell.replace(" (", "(")) if \
        found.kind == "unknown_function" and found.name else None
    if number is None:
        at = _find_cell(rows, None, call) if call else None
        return _at(replace(found, row=at[0]), rows, at[1]) if at else replace(found, sheet=None)
    found = replace(found, row=number)
    return _at(found, rows, _javarosa_column(rows, number, text, call))


def _javarosa_column(rows: list[list[str]], number: int, text: str, call) -> int | None:
    header = _header(rows)
    row = rows[number - 1]
    candidates: tuple[str, ...] = ()
    for pattern, columns in _PHRASES:
        if pattern.search(text):
            candidates = columns
            break
    present = [header.index(c) for c in candidates if c in header]
    if call is not None:
        searched = present or [header.index(c) for c in EXPRESSIONS if c in header]
        for index in searched:
            if index < len(row) and call(row[index]):
                return index
    if len(present) == 1:
        return present[0]
    filled = [i for i in present if i < len(row) and row[i]]
    if len(filled) == 1:
        return filled[0]
    return header.index("name") if "name" in header else None


def _path_in(text: str) -> str | None:
    for pattern in _PATHS:
        match = pattern.search(text)
        if match:
            return _INDEX.sub("", match.group(1))
    return None


def survey_row(rows: list[list[str]], path: str) -> int | None:
    """The survey row (spreadsheet number) whose field has the instance path ``path``; the
    first step (the instance root) is not a row. A path not found by its groups falls back to
    the only row with its last step as ``name``."""
    steps = [step for step in _INDEX.sub("", path).split("/") if step][1:]
    if not steps:
        return None
    header = _header(rows)
    if "name" not in header or "type" not in header:
        return None
    kind, name = header.index("type"), header.index("name")
    stack: list[str] = []
    named: list[int] = []
    for number, row in enumerate(rows[1:], start=2):
        cell_type = _cell(row, kind).lower().replace("_", " ")
        cell_name = _cell(row, name)
        if cell_type.startswith("end "):
            stack = stack[:-1]
            continue
        if cell_name and [*stack, cell_name] == steps:
            return number
        if cell_name == steps[-1]:
            named.append(number)
        if cell_type.startswith("begin ") and cell_name:
            stack.append(cell_name)
    return named[0] if len(named) == 1 else None


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""
