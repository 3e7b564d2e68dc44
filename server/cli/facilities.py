"""``sangloc facilities``: the list of places people are referred to, from the command line.

The same service as the coordinator's page (``services/cases/facilities``), acting for the
whole country as the system: ``list`` (every facility, on the list or taken off it), ``add``,
``deactivate`` and ``activate``. Refusals are printed as one line with their code.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from server.boundary import transaction
from server.cli.common import cli_errors, echo_rows, split_codes
from server.models.facility import FACILITY_KINDS
from server.services.access import areas
from server.services.access.scope import scope_for_areas
from server.services.audit import SYSTEM
from server.services.cases import facilities

COLUMNS = ("id", "name", "kind", "area_code", "area_name", "active", "address", "phone")


@click.group("facilities")
def facilities_group() -> None:
    """Where people are referred (the list referrals choose from)."""


@facilities_group.command("list")
@click.option("--area", help="Only these province or commune codes, comma-separated")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def facilities_list(area: str | None, as_json: bool) -> None:
    """Every facility kept in the area (all by default), on the list first."""
    with cli_errors(as_json):
        codes = split_codes(area) if area else None
        for code in codes or ():
            areas.get_unit(code)
        listed = facilities.list_managed(scope_for_areas(codes))
        names = areas.names({f.area_code for f in listed})
    rows = [{"id": f.id, "name": f.name, "kind": f.kind, "area_code": f.area_code,
             "area_name": names.get(f.area_code), "active": f.active, "address": f.address,
             "phone": f.phone} for f in listed]
    echo_rows(rows, as_json, COLUMNS, header=True)


@facilities_group.command("add")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(FACILITY_KINDS))
@click.option("--area", required=True, help="The province (2-digit) or commune (5-digit) code")
@click.option("--address")
@click.option("--phone")
@with_appcontext
def facilities_add(name: str, kind: str, area: str, address: str | None,
                   phone: str | None) -> None:
    with cli_errors(), transaction():
        facility = facilities.add(SYSTEM, scope_for_areas(None), name, kind, area.strip(),
                                  address, phone)
        shown = f"added facility {facility.id}: {facility.name} ({facility.area_code})"
    click.echo(shown)


@facilities_group.command("deactivate")
@click.argument("facility_id", type=int)
@with_appcontext
def facilities_deactivate(facility_id: int) -> None:
    """Take a facility off the list: no longer offered; past referrals keep their text."""
    with cli_errors(), transaction():
        facilities.set_active(SYSTEM, scope_for_areas(None), facility_id, False)
    click.echo(f"facility {facility_id} taken off the list")


@facilities_group.command("activate")
@click.argument("facility_id", type=int)
@with_appcontext
def facilities_activate(facility_id: int) -> None:
    """Put a facility back on the list."""
    with cli_errors(), transaction():
        facilities.set_active(SYSTEM, scope_for_areas(None), facility_id, True)
    click.echo(f"facility {facility_id} back on the list")
