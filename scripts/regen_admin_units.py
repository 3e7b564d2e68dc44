"""Regenerate server/data/admin_units.csv from the vietnam-provinces package.

The file is Vietnam's administrative-unit catalogue after the 2025 two-tier reform:
34 provinces and 3,321 communes (2,621 xã, 687 phường, 13 đặc khu), as published by
the National Statistics Office and packaged in ``vietnam-provinces==2026.9.0``.

The package is GPL-licensed and needs Python >= 3.12, so the server never imports it.
This script copies the data into a plain CSV (UTF-8, LF line endings, header row,
rows sorted by the code column as text) with the columns

    code,name,type,province_code,catalogue_version

Provinces have 2-digit codes and an empty province_code; communes have 5-digit codes
and the 2-digit code of their province. ``type`` and ``name`` are the package's
division type and full name, NFC-normalised. ``catalogue_version`` is the package's
``__data_version__``.

The script checks the counts, the commune types, the province links and code
uniqueness, and exits with an error instead of writing the file if any check fails
(for example because a newer package changed the data).

Run it from the repository root with Python >= 3.12:

    python3.12 -m venv /tmp/vp
    /tmp/vp/bin/pip install vietnam-provinces==2026.9.0
    /tmp/vp/bin/python scripts/regen_admin_units.py
"""

from __future__ import annotations

import csv
import sys
import unicodedata
from collections import Counter
from pathlib import Path

PACKAGE_VERSION = "2026.9.0"
DATA_VERSION = "2026-09-20"
OUTPUT = Path(__file__).resolve().parents[1] / "server" / "data" / "admin_units.csv"
COLUMNS = ("code", "name", "type", "province_code", "catalogue_version")
PROVINCE_COUNT = 34
COMMUNE_COUNT = 3321
COMMUNE_TYPE_COUNTS = {"xã": 2621, "phường": 687, "đặc khu": 13}
PROVINCE_TYPES = {"tỉnh", "thành phố trung ương"}

Row = dict[str, str]


def check(condition: bool, message: str) -> None:
    """Fail loudly; unlike ``assert`` this also runs under ``python -O``."""
    if not condition:
        raise AssertionError(message)


def load_package():
    """Import vietnam_provinces after checking the interpreter and package versions."""
    check(sys.version_info >= (3, 12), "vietnam-provinces needs Python >= 3.12")
    import vietnam_provinces

    check(
        vietnam_provinces.__version__ == PACKAGE_VERSION,
        f"expected vietnam-provinces {PACKAGE_VERSION}, got {vietnam_provinces.__version__}",
    )
    check(
        vietnam_provinces.__data_version__ == DATA_VERSION,
        f"expected data version {DATA_VERSION}, got {vietnam_provinces.__data_version__}",
    )
    return vietnam_provinces


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def province_rows(vp, version: str) -> list[Row]:
    return [
        {
            "code": f"{p.code.value:02d}",
            "name": nfc(p.name),
            "type": nfc(p.division_type.value),
            "province_code": "",
            "catalogue_version": version,
        }
        for p in vp.Province.iter_all()
    ]


def commune_rows(vp, version: str) -> list[Row]:
    return [
        {
            "code": f"{w.code.value:05d}",
            "name": nfc(w.name),
            "type": nfc(w.division_type.value),
            "province_code": f"{w.province_code.value:02d}",
            "catalogue_version": version,
        }
        for w in vp.Ward.iter_all()
    ]


def check_provinces(provinces: list[Row]) -> None:
    check(len(provinces) == PROVINCE_COUNT, f"expected 34 provinces, got {len(provinces)}")
    for row in provinces:
        check(len(row["code"]) == 2, f"bad province code {row['code']!r}")
        check(row["type"] in PROVINCE_TYPES, f"unexpected province type {row['type']!r}")


def check_communes(communes: list[Row], province_codes: set[str]) -> None:
    types = Counter(row["type"] for row in communes)
    check(types == Counter(COMMUNE_TYPE_COUNTS), f"unexpected commune types {dict(types)}")
    check(len(communes) == COMMUNE_COUNT, f"expected 3,321 communes, got {len(communes)}")
    for row in communes:
        check(len(row["code"]) == 5, f"bad commune code {row['code']!r}")
        check(row["province_code"] in province_codes, f"commune {row['code']}: no province")


def check_rows(provinces: list[Row], communes: list[Row]) -> None:
    check_provinces(provinces)
    check_communes(communes, {row["code"] for row in provinces})
    codes = Counter(row["code"] for row in provinces + communes)
    duplicates = sorted(code for code, n in codes.items() if n > 1)
    check(not duplicates, f"duplicate codes: {duplicates}")
    check(all(row["name"].strip() for row in provinces + communes), "empty name")


def write_csv(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda row: row["code"]))


def main() -> int:
    vp = load_package()
    version = vp.__data_version__
    provinces = province_rows(vp, version)
    communes = commune_rows(vp, version)
    check_rows(provinces, communes)
    write_csv(provinces + communes, OUTPUT)
    print(f"wrote {OUTPUT}: {len(provinces)} provinces, {len(communes)} communes ({version})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
