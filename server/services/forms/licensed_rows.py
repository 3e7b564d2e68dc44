"""The rows of a licensed text and the checks that keep each text in its own slot.

A coordinator's text comes as rows: ``item`` (``q01``; an M-CHAT-R/F Follow-Up item
``fu_q01``), ``value`` (empty on the question's own row, else one answer value of that item)
and ``text``. ``read_rows`` reads them from a CSV (UTF-8, with or without the BOM; comma,
semicolon or tab separated) or the first sheet of an XLSX, the header naming the columns
(``COLUMNS``; ``current``, which the template fills with the form's label, is not read); rows
are numbered as the spreadsheet numbers them (the header is row 1) and empty rows are skipped.

``check_rows`` holds them against the form's :class:`Slot` s (its items in the form's order,
each with its answer values in the form's order, which is the printed order, top first): the
rows must be exactly the question row then one row per value, item by item, in that order.
Each mistake is a problem naming its row (422.100-422.107), returned as data, never raised: an
item the form does not have, a value the item does not have (an EPDS option numbered by its
score instead of its printed position shows up as a row out of order: instruments.md §8), a
row given twice, a row out of order (the first one only: the rest follow from it), a row
missing (named by the row it has in the template), and a text that is empty, longer than
``MAX_QUESTION``/``MAX_CHOICE``, or holds a control character (a line break too) or markup
(``<``, ``>``, a Markdown link or heading, a ``${...}`` reference), since ODK Collect would
render markup. It must not look at a database: it is given the slots.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from server import problems
from server.problems import Problem
from server.services.programme.population_import import _read_csv, _read_xlsx

COLUMNS = ("item", "value", "current", "text")
REQUIRED = ("item", "value", "text")
MAX_BYTES = 500_000
MAX_ROWS = 1_000  # 31 SDQ items with their options are about 130 rows
MAX_QUESTION = 1_000  # characters of a question's text
MAX_CHOICE = 300  # characters of an answer option's text
ECHOED = 40
_MARKUP = re.compile(r"[<>]|\]\(|^\s*#|\$\{")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Slot:
    """One item as the form asks it: its key and its answer values, top first."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Row:
    number: int  # the spreadsheet's row number
    key: str
    value: str  # "" for the question's own row
    text: str


def slot_name(key: str, value: str) -> str:
    """How a page and a problem name a slot: ``q03`` (the question) or ``q03 = 2``."""
    return f"{key} = {value}" if value else key


def expected_rows(slots: tuple[Slot, ...]) -> list[tuple[str, str]]:
    """(key, value) of every row, in the template's order."""
    return [pair for slot in slots for pair in ((slot.key, ""),
                                                *((slot.key, v) for v in slot.values))]


def read_rows(data: bytes) -> list[Row]:
    """The rows of a CSV or XLSX file; raises a problem for a file that cannot be read."""
    if len(data) > MAX_BYTES:
        raise problems.licensed_text_too_large(MAX_BYTES)
    table = iter(_read_xlsx(data) if data.startswith(b"PK\x03\x04") else _read_csv(data))
    _, header = next(table, (1, []))
    names = [_text(cell).lower() for cell in header]
    for name in names:
        if name and name not in COLUMNS:
            raise problems.import_column_unknown(_echo(name), COLUMNS, 1)
    for name in REQUIRED:
        if name not in names:
            raise problems.import_column_missing(name, 1)
    rows = []
    for number, cells in table:
        found = dict(zip(names, (_text(cell) for cell in cells), strict=False))
        if not any(found.get(name) for name in REQUIRED):
            continue
        if len(rows) == MAX_ROWS:
            raise problems.licensed_text_too_large(MAX_BYTES)
        rows.append(Row(number, found.get("item", "").lower(), found.get("value", "").lower(),
                        found.get("text", "")))
    return rows


def check_rows(slots: tuple[Slot, ...], rows: list[Row]) -> list[Problem]:
    """Every problem of ``rows`` against the form's ``slots``, each naming its row."""
    by_key = {slot.key: slot for slot in slots}
    expected = expected_rows(slots)
    first: dict[tuple[str, str], int] = {}
    accepted: list[tuple[Row, tuple[str, str]]] = []
    found: list[Problem] = []
    for row in rows:
        problem = _slot_problem(row, by_key, first)
        if problem is not None:
            found.append(problem)
            continue
        pair = (row.key, row.value)
        first[pair] = row.number
        accepted.append((row, pair))
        found.extend(_text_problems(row))
    present = [pair for pair in expected if pair in first]
    for (row, pair), wanted in zip(accepted, present, strict=True):
        if pair != wanted:
            found.append(problems.licensed_text_unexpected_row(
                slot_name(*pair), slot_name(*wanted), row.number))
            break
    found.extend(problems.licensed_text_missing(slot_name(*pair), index + 2)
                 for index, pair in enumerate(expected) if pair not in first)
    return found


def _slot_problem(row: Row, by_key: dict[str, Slot],
                  first: dict[tuple[str, str], int]) -> Problem | None:
    slot = by_key.get(row.key)
    if slot is None:
        return problems.licensed_text_unknown_item(_echo(row.key), list(by_key), row.number)
    if row.value and row.value not in slot.values:
        return problems.licensed_text_wrong_value(row.key, _echo(row.value), slot.values,
                                                  row.number)
    if (row.key, row.value) in first:
        return problems.licensed_text_duplicate(slot_name(row.key, row.value),
                                                first[(row.key, row.value)], row.number)
    return None


def _text_problems(row: Row) -> list[Problem]:
    name = slot_name(row.key, row.value)
    limit = MAX_CHOICE if row.value else MAX_QUESTION
    if not row.text.strip():
        return [problems.licensed_text_empty(name, row.number)]
    if len(row.text) > limit:
        return [problems.licensed_text_too_long(name, limit, row.number)]
    if _CONTROL.search(row.text) or _MARKUP.search(row.text) or \
            any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in row.text):
        return [problems.licensed_text_markup(name, row.number)]
    return []


def clean_text(text: str) -> str:
    """A text as it is stored: Unicode NFC (Vietnamese typed in two ways reads the same), no
    space at either end."""
    return unicodedata.normalize("NFC", text).strip()


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return clean_text(str(cell))


def _echo(text: str) -> str:
    """At most ``ECHOED`` characters of a value, without control characters, to say back."""
    return _CONTROL.sub("?", text)[:ECHOED]
