"""XLSForm -> XForm conversion with pyxform, in process.

This is the only module of sangloc that imports pyxform. It turns the bytes of an uploaded
XLSForm (.xlsx, .xlsm, .xls, .csv or .md) into XForm bytes plus the conversion warnings, and
turns every pyxform failure into ``FormError("xlsform_invalid")`` with the sheet and row pyxform
named. It does not validate the result with JavaRosa (see ``forms.validate``), does not read
the XForm (see ``forms.xform``), never prints and never touches anything but a private
temporary directory.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from forms.errors import FormError

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".md")

# pyxform prefixes row-specific messages with "[row : 5]" (pyxform.constants.ROW_FORMAT_STRING)
# and names the sheet as "On the 'survey' sheet" (pyxform.errors.ErrorCode templates).
_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_SHEET = re.compile(r"[Oo]n the '([^']+)' sheet")


@dataclass(frozen=True)
class Conversion:
    """The XForm produced from an XLSForm and the warnings pyxform returned."""

    xml: bytes
    warnings: tuple[str, ...]


def convert_xlsform(data: bytes, filename: str) -> Conversion:
    """Convert XLSForm bytes to XForm bytes (UTF-8) without validating them.

    ``filename`` gives the file type (by its suffix) and, as with the pyxform command line and
    ODK Central, the fallback form id when the settings sheet has no ``form_id``.
    """
    from pyxform.xls2xform import convert  # ~0.2 s to import: only when converting

    name = _safe_name(filename)
    collected: list[str] = []
    # Python warnings raised inside pyxform/openpyxl (e.g. unsupported Excel extensions) are
    # returned as data like pyxform's own warnings, never printed.
    with (
        tempfile.TemporaryDirectory(prefix="sangloc-xlsform-") as tmp,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always")
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            result = convert(str(path), warnings=collected)
        except MemoryError:
            raise
        except Exception as exc:  # pyxform raises many types (BadZipFile, KeyError, ...)
            raise _to_form_error(exc) from exc
    collected.extend(str(item.message) for item in caught)
    return Conversion(xml=result.xform.encode("utf-8"), warnings=tuple(collected))


def _safe_name(filename: str) -> str:
    """A plain file name for the temporary copy: no directories, a supported suffix."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    suffix = PurePosixPath(base).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise FormError(
            "xlsform_invalid",
            f"Unsupported XLSForm file type {suffix or '(none)'!r} in {filename!r}; "
            f"expected one of {', '.join(SUPPORTED_SUFFIXES)}.",
        )
    stem = base[: -len(suffix)].strip(" .")[:100]
    return (stem or "form") + suffix


def _to_form_error(exc: Exception) -> FormError:
    """Map a pyxform exception to ``xlsform_invalid`` with the sheet and row it names."""
    text = str(exc).strip() or type(exc).__name__
    row_match = _ROW.search(text)
    sheet_match = _SHEET.search(text)
    row = int(row_match.group(1)) if row_match else None
    sheet = sheet_match.group(1) if sheet_match else None
    if row is not None and sheet is None:
        # pyxform's own "[row : n]" messages without a sheet name all come from the survey
        # sheet parser (pyxform.xls2json.workbook_to_json); choices/entities name their sheet.
        sheet = "survey"
    return FormError("xlsform_invalid", f"XLSForm error: {text}", sheet=sheet, row=row)
