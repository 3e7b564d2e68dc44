"""``sangloc forms ...``: publish, list, change state, attach media, assign to areas."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from server.boundary import transaction
from server.cli.common import cli_errors, echo_rows, split_codes
from server.extensions import db
from server.models import Form
from server.models.form import FORM_STATES
from server.services.audit import SYSTEM
from server.services.forms import catalogue, publishing


@click.group("forms")
def forms_group() -> None:
    """Screening forms."""


@forms_group.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True)
@click.option("--allow-older", is_flag=True,
              help="Publish (and make current) a version that does not sort after the current "
                   "one.")
@with_appcontext
def forms_publish(file: Path, as_json: bool, allow_older: bool) -> None:
    """Publish an XLSForm (.xlsx) or XForm (.xml) as the form's new current version.

    The version (settings sheet, column 'version') must be new and, unless --allow-older,
    come after the current one: as numbers when both are digits (e.g. dates, 2026113001),
    otherwise as text.
    """
    with cli_errors(as_json), transaction():
        published = publishing.publish_form(
            SYSTEM, file.read_bytes(), file.name, strict=current_app.config["SANGLOC_STRICT"],
            allow_older=allow_older)
        version = published.version
        result = {"form_id": version.form.xml_form_id, "version": version.version,
                  "title": version.title, "hash": f"md5:{version.md5}",
                  "media": version.media, "validated": published.validated,
                  "instrument": (version.binding or {}).get("instrument_id"),
                  "warnings": list(published.warnings)}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    checked = "validated with JavaRosa" if result["validated"] else "NOT validated: no Java"
    click.echo(f"published {result['form_id']} version {result['version']!r} ({checked})")
    for warning in result["warnings"]:
        click.echo(f"warning: {warning}")


@forms_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def forms_list(as_json: bool) -> None:
    rows = [{"form_id": f.xml_form_id, "state": f.state,
             "version": f.current_version.version if f.current_version else None,
             "title": f.current_version.title if f.current_version else None}
            for f in db.session.scalars(select(Form).order_by(Form.xml_form_id))]
    echo_rows(rows, as_json, ("form_id", "version", "state", "title"))


@forms_group.command("state")
@click.argument("form_id")
@click.argument("state", type=click.Choice(FORM_STATES))
@with_appcontext
def forms_state(form_id: str, state: str) -> None:
    with cli_errors(), transaction():
        catalogue.set_form_state(SYSTEM, form_id, state)
    click.echo(f"{form_id}: {state}")


@forms_group.command("attach")
@click.argument("form_id")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", help="Form version (default: the current one)")
@with_appcontext
def forms_attach(form_id: str, file: Path, version: str | None) -> None:
    """Attach a media file (image, CSV) the form uses."""
    with cli_errors(), transaction():
        catalogue.attach_media(SYSTEM, current_app.extensions["sangloc_blobs"], form_id,
                               file.name, file.read_bytes(), version)
    click.echo(f"attached {file.name} to {form_id}")


@forms_group.command("assign")
@click.argument("form_id")
@click.option("--area", default="", help="Province/commune codes, comma-separated; "
                                          "empty = offered everywhere")
@with_appcontext
def forms_assign(form_id: str, area: str) -> None:
    with cli_errors(), transaction():
        catalogue.assign_form(SYSTEM, form_id, split_codes(area))
    click.echo(f"{form_id}: {', '.join(split_codes(area)) or 'all areas'}")
