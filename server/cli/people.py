"""``sangloc users``, ``app-users``, ``areas`` and ``api-tokens``: who may use sangloc, from
where, and with which credentials."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from server.boundary import transaction
from server.cli.common import cli_errors, echo_rows, public_url, split_codes
from server.collect_settings import (
    mobile_app_url,
    project_name,
    server_url,
    settings_payload,
    write_qr_png,
)
from server.models.user import ROLES
from server.services.access import api_tokens, areas, users
from server.services.audit import SYSTEM


@click.group("users")
def users_group() -> None:
    """Staff users."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--area", "area", required=True, help="Province or commune codes, comma-separated")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--email", help="Where urgent and review work is announced (supervisors).")
@with_appcontext
def users_create(username: str, role: str, area: str, password_stdin: bool,
                 email: str | None) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with cli_errors(), transaction():
        user = users.create_user(SYSTEM, username, role, split_codes(area), password, email)
    click.echo(f"created {user.role} {user.username} ({', '.join(split_codes(area))})")


@users_group.command("set-email")
@click.argument("username")
@click.argument("email")
@with_appcontext
def users_set_email(username: str, email: str) -> None:
    """Set the address notifications go to ("" for none)."""
    with cli_errors(), transaction():
        users.set_email(SYSTEM, username, email)
    click.echo(f"{username}: e-mail {'set' if email.strip() else 'removed'}")


@users_group.command("deactivate")
@click.argument("username")
@with_appcontext
def users_deactivate(username: str) -> None:
    """Refuse the user's API tokens and devices from their next request on."""
    with cli_errors(), transaction():
        users.deactivate_user(SYSTEM, username)
    click.echo(f"deactivated {username}: API tokens and devices refused")


@users_group.command("activate")
@click.argument("username")
@with_appcontext
def users_activate(username: str) -> None:
    """Let a deactivated user's tokens and devices in again (revoked ones stay revoked)."""
    with cli_errors(), transaction():
        users.activate_user(SYSTEM, username)
    click.echo(f"activated {username}")


@click.group("app-users")
def app_users_group() -> None:
    """Device tokens for ODK Collect."""


@app_users_group.command("create")
@click.argument("name")
@click.option("--commune", required=True, help="5-digit commune code")
@click.option("--collaborator", help="Existing collaborator username (default: NAME)")
@click.option("--json", "as_json", is_flag=True)
@click.option("--qr", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def app_users_create(name: str, commune: str, collaborator: str | None, as_json: bool,
                     qr: Path | None) -> None:
    with cli_errors(as_json), transaction():
        created = users.create_app_user(SYSTEM, name, commune, collaborator)
        unit = created.app_user.commune
        info = {"name": name, "commune": unit.code, "commune_name": unit.name,
                "collaborator": created.app_user.user.username,
                "server_url": server_url(public_url(), created.token),
                "app_url": mobile_app_url(public_url(), created.token)}
    payload = settings_payload(info["server_url"], project_name(unit.name))
    if qr is not None:
        write_qr_png(payload, qr)
    if as_json:
        click.echo(json.dumps({**info, "qr_payload": payload}, ensure_ascii=False))
    else:
        click.echo(f"app user {name} for {unit.name} ({unit.code})")
        click.echo(f"ODK Collect server URL (shown once): {info['server_url']}")
        click.echo(f"mobile web app link (shown once): {info['app_url']}")


@app_users_group.command("revoke")
@click.argument("name")
@with_appcontext
def app_users_revoke(name: str) -> None:
    with cli_errors(), transaction():
        users.revoke_app_user(SYSTEM, name)
    click.echo(f"revoked {name}")


@click.group("areas")
def areas_group() -> None:
    """Provinces and communes (2025 catalogue)."""


@areas_group.command("list")
@click.option("--province", help="2-digit province code")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def areas_list(province: str | None, as_json: bool) -> None:
    with cli_errors(as_json):
        units = areas.list_units(province)
    rows = [{"code": u.code, "name": u.name, "type": u.type, "province_code": u.province_code}
            for u in units]
    echo_rows(rows, as_json, ("code", "name", "type"))


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
    echo_rows(rows, as_json, ("id", "user", "created", "expires", "revoked"), header=True)


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
