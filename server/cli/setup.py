"""``sangloc init``: setting up an instance (``sangloc serve --demo`` does the same first).

``initialise`` migrates, seeds the area catalogue and publishes the bundled forms, each step in
its own unit of work (the CLI, not a service, commits); it is idempotent: running it again on an
initialised database changes nothing. ``first_run_box`` creates the demo accounts once (when no
admin exists, ``users.create_demo_accounts``) for ``make run``'s first start and says what they
are, once.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from server.boundary import transaction
from server.cli.common import cli_errors, public_url
from server.collect_settings import mobile_app_url, server_url, settings_payload, write_qr_png
from server.services.access import areas, users
from server.services.audit import SYSTEM
from server.services.forms import publishing


def initialise(*, strict: bool) -> list[str]:
    upgrade()
    report = []
    with transaction():
        changed = areas.seed_admin_units()
    report.append(f"administrative units: {changed} added or updated")
    with transaction():
        report.extend(publishing.publish_bundled_forms(SYSTEM, strict=strict))
    return report


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
            for line in first_run_box():
                click.echo(line)


def first_run_box() -> list[str]:
    """On a first run, the admin and a demo device, as lines to show once; else nothing.

    The device's Collect settings QR code is written to ``<instance>/demo-ctv-qr.png``.
    """
    with transaction():
        created = users.create_demo_accounts(SYSTEM, secrets.token_urlsafe(12))
    if created is None:
        return []
    url = server_url(public_url(), created.token)
    qr = Path(current_app.config["SANGLOC_INSTANCE_DIR"]) / "demo-ctv-qr.png"
    write_qr_png(settings_payload(url, f"sàng lọc · {created.commune_name}"), qr)
    return [
        "",
        "=== Lần chạy đầu: hãy ghi lại, chỉ hiện một lần / First run: keep these, shown once ===",
        f"Đăng nhập quản trị / Admin login: {created.admin_username} / "
        f"{created.admin_password}",
        f"Thiết bị cộng tác viên thử / Demo collaborator device ({created.commune_name}):",
        f"  ODK Collect server URL: {url}",
        f"  QR code (Collect > Cài đặt > Quét mã / Settings > Scan QR): {qr}",
        f"  Ứng dụng trên trình duyệt, không cần Collect / Browser app, no Collect: "
        f"{mobile_app_url(public_url(), created.token)}",
        "=" * 88,
    ]
