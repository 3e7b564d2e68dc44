"""Administrative units: seeding the catalogue and answering "is this commune in that area?".

The catalogue ships as ``server/data/admin_units.csv`` (see its README); seeding is an upsert,
so running it again changes nothing unless the shipped data changed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from importlib import resources

from sqlalchemy import select

from server import problems
from server.extensions import db
from server.models import AdminUnit
from server.models.area import COMMUNE_CODE_LENGTH, PROVINCE_CODE_LENGTH


def read_catalogue() -> list[dict[str, str]]:
    text = resources.files("server.data").joinpath("admin_units.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed_admin_units() -> int:
    """Insert or update every unit of the shipped catalogue; return how many changed."""
    existing = {u.code: u for u in db.session.scalars(select(AdminUnit))}
    rows = sorted(read_catalogue(), key=lambda r: (len(r["code"]), r["code"]))  # provinces first
    changed = 0
    for row in rows:
        values = {"name": row["name"], "type": row["type"],
                  "province_code": row["province_code"] or None,
                  "catalogue_version": row["catalogue_version"]}
        unit = existing.get(row["code"])
        if unit is None:
            db.session.add(AdminUnit(code=row["code"], **values))
            changed += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(unit, key, value)
            changed += 1
        if len(row["code"]) == PROVINCE_CODE_LENGTH:
            db.session.flush()
    db.session.flush()
    return changed


def get_unit(code: str) -> AdminUnit:
    unit = db.session.get(AdminUnit, code)
    if unit is None:
        raise problems.area_unknown(code)
    return unit


def get_commune(code: str) -> AdminUnit:
    unit = get_unit(code)
    if len(unit.code) != COMMUNE_CODE_LENGTH:
        raise problems.commune_needed(code)
    return unit


def list_units(province: str | None = None) -> list[AdminUnit]:
    query = select(AdminUnit).order_by(AdminUnit.code)
    if province:
        get_unit(province)
        query = query.where((AdminUnit.province_code == province) | (AdminUnit.code == province))
    return list(db.session.scalars(query))


def covers(area_codes: Iterable[str], commune: AdminUnit) -> bool:
    """Whether a scope (province and/or commune codes) includes ``commune``."""
    codes = set(area_codes)
    return commune.code in codes or (commune.province_code in codes)


def names(codes: Iterable[str]) -> dict[str, str]:
    """Code -> Vietnamese name of these administrative units, in name order."""
    rows = db.session.execute(select(AdminUnit.code, AdminUnit.name)
                              .where(AdminUnit.code.in_(list(codes))).order_by(AdminUnit.name))
    return {code: name for code, name in rows}
