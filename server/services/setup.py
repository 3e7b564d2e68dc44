"""Setting up an instance: migrate, seed the area catalogue, publish the bundled forms.

``initialise`` is idempotent: running it again on an initialised database changes nothing.
``create_demo_accounts`` runs once (when no admin exists) for ``make run``'s first start.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_migrate import upgrade
from sqlalchemy import select

from server.boundary import transaction
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
