"""``sangloc init`` and ``sangloc serve``: setting up an instance and serving it.

``initialise`` migrates, seeds the area catalogue and publishes the bundled forms, each step in
its own unit of work (the CLI, not a service, commits); it is idempotent: running it again on an
initialised database changes nothing. ``create_demo_accounts`` runs once (when no admin
exists) for ``make run``'s first start.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from server.boundary import transaction
from server.cli.common import cli_errors, public_url
from server.collect_settings import server_url
from server.extensions import db
from server.models import AdminUnit, User
from server.services.access import areas, users
from server.services.audit import SYSTEM
from server.services.forms import publishing

DEMO_COMMUNE = "00004"  # Phường Ba Đình, Hà Nội


def initialise(*, strict: bool) -> list[str]:
    upgrade()
    report = []
    with transaction():
        changed = areas.seed_admin_units()
    report.append(f"administrative units: {changed} added or updated")
    with transaction():
        report.extend(publishing.publish_bundled_forms(SYSTEM, strict=strict))
    return report


@dataclass(frozen=True)
class DemoAccounts:
    admin_username: str
    admin_password: str
    token: str
    commune_name: str


def create_demo_accounts(admin_password: str) -> DemoAccounts | None:
    """An admin for the whole country and one demo collaborator device, on first run only."""
    if db.session.scalar(select(User.id).where(User.role == "admin")) is not None:
        return None
    provinces = list(db.session.scalars(
        select(AdminUnit.code).where(AdminUnit.province_code.is_(None))))
    users.create_user(SYSTEM, "admin", "admin", provinces, admin_password)
    created = users.create_app_user(SYSTEM, "demo-ctv", DEMO_COMMUNE)
    return DemoAccounts("admin", admin_password, created.token,
                        created.app_user.commune.name)


@click.command("init")
@click.option("--demo", is_flag=True, help="On first run, create an admin and a demo device.")
@with_appcontext
def init_command(demo: bool) -> None:
    """Migrate the database, seed areas, publish bundled forms (idempotent)."""
    with cli_errors():
        report = initialise(strict=current_app.config["SANGLOC_STRICT"])
        for line in report:
            click.echo(line)
        if demo:
            _first_run_demo()


def _first_run_demo() -> None:
    with transaction():
        created = create_demo_accounts(secrets.token_urlsafe(12))
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
    config = current_app.config
    conf = Path(__file__).parent.parent / "gunicorn_conf.py"
    bind = f"{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"
    click.echo(f"sangloc serving on http://{bind}")
    args = [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", bind,
            "-w", str(config["SANGLOC_WORKERS"]), "--threads", str(config["SANGLOC_THREADS"]),
            "wsgi:app"]
    os.execv(sys.executable, args)  # noqa: S606  (replaces this process with gunicorn)
