"""``sangloc export`` and ``sangloc persons``: exports and a supervisor's changes to the
person register from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from server.boundary import transaction
from server.cli.common import cli_errors
from server.services.access import areas
from server.services.access.scope import scope_for_areas
from server.services.audit import SYSTEM
from server.services.cases import exports, persons


@click.group("export")
def export_group() -> None:
    """Exports (audited)."""


@export_group.command("screenings")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), default="jsonl")
@click.option("--area", help="Province (2-digit) or commune (5-digit) code")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (default: standard output)")
@with_appcontext
def export_screenings(fmt: str, area: str | None, output: Path | None) -> None:
    with cli_errors(), transaction():
        if area is not None:
            areas.get_unit(area)
        scope = scope_for_areas([area] if area else None)
        if output is None:
            count = exports.export_screenings(SYSTEM, sys.stdout.buffer, fmt, scope, area)
        else:
            with output.open("wb") as handle:
                count = exports.export_screenings(SYSTEM, handle, fmt, scope, area)
    click.echo(f"{count} screenings exported", err=True)


@click.group("persons")
def persons_group() -> None:
    """A supervisor's changes to the person register."""


@persons_group.command("withdraw-consent")
@click.argument("person_id")
@click.option("--reason", required=True)
@with_appcontext
def persons_withdraw(person_id: str, reason: str) -> None:
    with cli_errors(), transaction():
        persons.withdraw_consent(SYSTEM, person_id, reason)
    click.echo(f"{person_id}: consent withdrawn, record locked")


@persons_group.command("merge")
@click.argument("keep_id")
@click.argument("other_id")
@with_appcontext
def persons_merge(keep_id: str, other_id: str) -> None:
    with cli_errors(), transaction():
        persons.merge_persons(SYSTEM, keep_id, other_id)
    click.echo(f"{other_id} merged into {keep_id}")
