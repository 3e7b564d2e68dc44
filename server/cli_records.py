"""``sangloc api-tokens``, ``sangloc export`` and ``sangloc persons``: API access (create, list,
revoke), exports and a supervisor's changes to the register from the command line."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server.boundary import transaction
from server.cli import cli_errors
from server.services.access import api_tokens
from server.services.audit import SYSTEM
from server.services.cases import exports, persons
from server.services.intake import merge


@click.group("api-tokens")
def api_tokens_group() -> None:
    """Bearer tokens for the JSON API."""


@api_tokens_group.command("create")
@click.argument("username")
@click.option("--days", default=90, show_default=True, help="Days until the token expires")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def api_tokens_create(username: str, days: int, as_json: bool) -> None:
    with cli_errors(as_json), transaction():
        token = api_tokens.create_token(SYSTEM, username, days)
    click.echo(json.dumps({"token": token}) if as_json else f"API token (shown once): {token}")


@api_tokens_group.command("list")
@click.argument("username", required=False)
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def api_tokens_list(username: str | None, as_json: bool) -> None:
    """Tokens (id, user, created, expires, revoked), never the token itself."""
    with cli_errors(as_json):
        rows = [{"id": t.id, "user": t.username, "created": _when(t.created_at),
                 "expires": _when(t.expires_at), "revoked": _when(t.revoked_at)}
                for t in api_tokens.list_tokens(username)]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    click.echo("id\tuser\tcreated\texpires\trevoked")
    for row in rows:
        click.echo("\t".join(str(row[k] or "-") for k in row))


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


@api_tokens_group.command("revoke")
@click.argument("token_id", type=int, required=False)
@click.option("--user", "username", help="Revoke every token of this user instead.")
@with_appcontext
def api_tokens_revoke(token_id: int | None, username: str | None) -> None:
    """Revoke one token (by its id in ``api-tokens list``) or all of a user's tokens."""
    if (token_id is None) == (username is None):
        raise click.UsageError("give either a token ID or --user USERNAME")
    with cli_errors(), transaction():
        if username is not None:
            count = api_tokens.revoke_user_tokens(SYSTEM, username)
            message = f"revoked {count} API token(s) of {username}"
        elif api_tokens.revoke_token(SYSTEM, token_id):
            message = f"revoked API token {token_id}"
        else:
            message = f"API token {token_id} was already revoked"
    click.echo(message)


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
        if output is None:
            count = exports.export_screenings(SYSTEM, sys.stdout.buffer, fmt, area)
        else:
            with output.open("wb") as handle:
                count = exports.export_screenings(SYSTEM, handle, fmt, area)
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
    config = merge.MergeConfig.from_settings(current_app.config)
    today = datetime.now(merge.VIETNAM).date()
    with cli_errors(), transaction():
        persons.merge_persons(SYSTEM, keep_id, other_id, config.rules, today)
    click.echo(f"{other_id} merged into {keep_id}")
