"""Exporting screenings: one row per screening, streamed, scoped, audited.

Rows: person id, instrument, date, total, subscales, band, flags (plus form id/version,
instance id, thresholds and whether the screening was superseded). The persons are those the
export's scope sees (``access.scope.visible``: by the person's commune today, withdrawn and
merged-away persons left out). Formats: JSON lines, CSV, XLSX (openpyxl write-only mode so
that large exports do not build the whole workbook in memory).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import Person, Screening
from server.services.access.scope import Scope, visible
from server.services.audit import Actor, record_event

COLUMNS = ["person_id", "instrument", "date", "total", "subscales", "band", "flags",
           "form_id", "form_version", "instance_id", "thresholds", "superseded"]
FORMATS = ("jsonl", "csv", "xlsx")


def _rows(scope: Scope) -> Iterator[dict]:
    query = (select(Screening).join(Person, Person.id == Screening.person_id)
             .where(*visible(scope)).order_by(Screening.id).execution_options(yield_per=1000))
    for s in db.session.scalars(query):
        yield screening_row(s)


def screening_row(s: Screening) -> dict:
    """One screening as an export row (``COLUMNS``); the background exports use it too."""
    return {"person_id": s.person_id, "instrument": s.instrument,
            "date": s.screened_on.isoformat(), "total": s.total,
            "subscales": (s.result or {}).get("subscales", {}), "band": s.band,
            "flags": list(s.flags or []), "form_id": s.form_id,
            "form_version": s.form_version, "instance_id": s.instance_id,
            "thresholds": s.thresholds, "superseded": s.superseded_by_id is not None}


def export_screenings(actor: Actor, out: IO[bytes], fmt: str, scope: Scope,
                      area: str | None = None) -> int:
    """Write the export of ``scope`` (asked for as ``area``) to ``out``; return the number of
    rows. Audited."""
    if fmt not in FORMATS:
        raise problems.export_format_unknown(fmt, FORMATS)
    writer = {"jsonl": _jsonl, "csv": _csv, "xlsx": _xlsx}[fmt]
    count = writer(_rows(scope), out)
    record_event(actor, "screening.export", "screening", "*", format=fmt, area=area, rows=count)
    return count


def _jsonl(rows: Iterator[dict], out: IO[bytes]) -> int:
    count = 0
    for row in rows:
        out.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
        count += 1
    return count


def flat_row(row: dict) -> list:
    """A row's cells in ``COLUMNS`` order, lists and mappings as JSON text."""
    return _flat(row)


def _flat(row: dict) -> list:
    return [json.dumps(row[c], ensure_ascii=False) if isinstance(row[c], dict | list) else row[c]
            for c in COLUMNS]


def _csv(rows: Iterator[dict], out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(_flat(row))
        count += 1
    text.detach()
    return count


def _xlsx(rows: Iterator[dict], out: IO[bytes]) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("screenings")
    sheet.append(COLUMNS)
    count = 0
    for row in rows:
        sheet.append(_flat(row))
        count += 1
    workbook.save(out)
    return count
