"""The ``sangloc`` command: set-up, users, devices, areas and forms.

Each command is thin: parse options -> one service call inside ``transaction()`` -> print.
Errors from services are printed as one clear line (or JSON with ``--json``) with exit code 1.
"""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from server.boundary import transaction
from server.collect_settings import server_url, settings_payload, write_qr_png
from server.services import setup
from server.services.access import areas, users
from server.services.audit import SYSTEM
from server.services.forms import publishing

_EXPECTED = (ValueError, LookupError)


def main() -> None:
    from server import create_app

    group = FlaskGroup(create_app=create_app, name="sangloc", add_version_option=False,
                       load_dotenv=False, set_debug_flag=False)
    group.main(prog_name="sangloc")


@contextmanager
def cli_errors(as_json: bool = False) -> Iterator[None]:
    """Turn an expected service error into one line on stderr and exit code 1."""
    try:
        yield
    except publishing.PublishError as exc:
        fail(exc.as_dict(), as_json)
    except _EXPECTED as exc:
        fail({"code": type(exc).__name__, "message": str(exc)}, as_json)


def fail(error: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({"error": error}, ensure_ascii=False))
    else:
        where = ", ".join(f"{k} {error[k]}" for k in ("sheet", "row", "field") if error.get(k))
        click.echo(f"error: {error['message']}" + (f" ({where})" if where else ""), err=True)
    sys.exit(1)


def split_codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def public_url() -> str:
    config = current_app.config
    return config["SANGLOC_PUBLIC_URL"] or \
        f"http://{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"


@click.command("init")
@click.option("--demo", is_flag=True, help="On first run, create an admin and a demo device.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Migrate the database, seed areas, publish bundled forms (idempotent)."""
    with cli_errors():
        report = setup.initialise(strict=current_app.config["SANGLOC_STRICT"])
        for line in report:
            click.echo(line)
        if demo:
            _first_run_demo()


def _first_run_demo() -> None:
    with transaction():
        created = setup.create_demo_accounts(secrets.token_urlsafe(12))
    if created is None:
        return
    url = server_url(public_url(), created.token)
    click.echo("\n=== First run: keep these, they are shown only once ===")
    click.echo(f"Admin login:     {created.admin_username} / {created.admin_password}")
    click.echo(f"Demo collaborator device ({created.commune_name}):")
    click.echo(f"  ODK Collect server URL: {url}")


@click.command("serve")
@with_appcontext
def serve_command() -> None:
    """Serve with gunicorn on SANGLOC_HOST:SANGLOC_PORT (SANGLOC_WORKERS processes of
    SANGLOC_THREADS threads; reading a request is bounded by SANGLOC_READ_TIMEOUT)."""
    import os

    config = current_app.config
    conf = Path(__file__).with_name("gunicorn_conf.py")
    bind = f"{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"
    click.echo(f"sangloc serving on http://{bind}")
    args = [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", bind,
            "-w", str(config["SANGLOC_WORKERS"]), "--threads", str(config["SANGLOC_THREADS"]),
            "wsgi:app"]
    os.execv(sys.executable, args)  # noqa: S606  (replaces this process with gunicorn)


@click.group("users")
def users_group() -> None:
    """Staff users."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["collaborator", "supervisor",
                                                          "coordinator", "admin"]))
@click.option("--area", "area", required=True, help="Province or commune codes, comma-separated")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(username: str, role: str, area: str, password_stdin: bool) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with cli_errors(), transaction():
        user = users.create_user(SYSTEM, username, role, split_codes(area), password)
    click.echo(f"created {user.role} {user.username} ({', '.join(split_codes(area))})")


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
                "server_url": server_url(public_url(), created.token)}
    payload = settings_payload(info["server_url"], f"sàng lọc · {unit.name}")
    if qr is not None:
        write_qr_png(payload, qr)
    if as_json:
        click.echo(json.dumps({**info, "qr_payload": payload}, ensure_ascii=False))
    else:
        click.echo(f"app user {name} for {unit.name} ({unit.code})")
        click.echo(f"ODK Collect server URL (shown once): {info['server_url']}")


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
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        click.echo(f"{row['code']}\t{row['name']}\t{row['type']}")


def register(app: Flask) -> None:
    from server.cli_forms import forms_group
    from server.cli_jobs import JOB_COMMANDS
    from server.cli_records import api_tokens_group, export_group, persons_group

    commands: list[Callable] = [init_command, serve_command, users_group, app_users_group,
                                areas_group, forms_group, api_tokens_group, export_group,
                                persons_group, *JOB_COMMANDS]
    for command in commands:
        app.cli.add_command(command)
