"""Factories for integration tests: devices (app users), published forms, instances."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.services.access import api_tokens, sessions, users
from server.services.audit import SYSTEM
from server.services.forms import publishing
from tests.conftest import STRICT
from tests.support.collect import CollectClient
from tests.support.paths import DATA

COMMUNE = "00004"  # Phường Ba Đình, Hà Nội (province 01)
OTHER_PROVINCE_COMMUNE = "02680"  # Xã Hợp Thành, Lào Cai (province 15)


@dataclass
class Device:
    name: str
    token: str
    server_url: str
    collect: CollectClient


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test starts with no failed sign-ins counted (the throttle is per process)."""
    sessions.forget_failures()
    yield
    sessions.forget_failures()


@pytest.fixture
def make_device(app, client):
    def make(name: str = "ctv-1", commune: str = COMMUNE) -> Device:
        with transaction():
            created = users.create_app_user(SYSTEM, name, commune)
        url = f"http://sangloc.test/key/{created.token}"
        return Device(name, created.token, url, CollectClient(client, url))
    return make


@pytest.fixture
def token_for(app):
    """Bearer headers of a new user of ``role`` in ``area`` (an API token)."""
    def make(username: str, area: str, role: str = "collaborator") -> dict[str, str]:
        with transaction():
            users.create_user(SYSTEM, username, role, [area])
            token = api_tokens.create_token(SYSTEM, username)
        return {"Authorization": f"Bearer {token}"}
    return make


@pytest.fixture
def device(make_device) -> Device:
    return make_device()


@pytest.fixture
def publish(app):
    def publish_(data: bytes, filename: str = "form.xml"):
        with transaction():
            return publishing.publish_form(SYSTEM, data, filename, strict=STRICT).version
    return publish_


@pytest.fixture
def anchor_xform() -> bytes:
    return (DATA / "anchor_screen.xml").read_bytes()


def anchor_instance(instance_id: str | None = None, *, version: str = "1",
                    deprecated_id: str | None = None, name: str = "Nguyễn Thị Mai",
                    q01: str = "yes") -> bytes:
    """A filled anchor_screen instance, serialised as JavaRosa does (openrosa.md c)."""
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    items = "".join(f"<q{i:02d}>no</q{i:02d}>" for i in range(2, 21))
    deprecated = f"<deprecatedID>{deprecated_id}</deprecatedID>" if deprecated_id else ""
    return (
        "<?xml version='1.0' encoding='UTF-8' ?>"
        f'<data id="anchor_screen" version="{version}" xmlns:h="http://www.w3.org/1999/xhtml" '
        'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms" '
        'xmlns:odk="http://www.opendatakit.org/xforms">'
        f"<child_name>{name}</child_name><dob>2025-01-15</dob><sex>female</sex>"
        f"<commune>Phường Ba Đình</commune><q01>{q01}</q01>{items}<score>1</score>"
        f"<meta><instanceID>{instance_id}</instanceID>{deprecated}</meta></data>"
    ).encode()


_XFORMS: dict[str, bytes] = {}


def bundled_xform(form_id: str) -> bytes:
    """A bundled form converted once per test session."""
    if form_id not in _XFORMS:
        import forms
        from server.services.forms.publishing import bundled_definitions

        data = dict(bundled_definitions())[f"{form_id}.xlsx"]
        _XFORMS[form_id] = forms.convert_xlsform(data, f"{form_id}.xlsx").xml
    return _XFORMS[form_id]


@pytest.fixture
def publish_bundled(app, monkeypatch):
    """Publish bundled forms without running JavaRosa again (tests/unit validates them)."""
    import forms

    monkeypatch.setattr(forms, "validate_xform", lambda xml, required: False)

    def publish_(*form_ids: str) -> None:
        with transaction():
            for form_id in form_ids:
                publishing.publish_xform(SYSTEM, bundled_xform(form_id), f"{form_id}.xlsx",
                                         strict=False)
    return publish_


@pytest.fixture
def all_forms(publish_bundled):
    """The bundled screening forms, published."""
    publish_bundled("phq9", "gad7", "srq20", "epds", "sdq_p4_17", "mchat_r", "mchat_rf")


@pytest.fixture
def staff_api(client):
    """Bearer headers for a supervisor, a collaborator (of 00004) and another commune's
    supervisor."""
    with transaction():
        for name, role, area in (("gs", "supervisor", "00004"), ("ctv", "collaborator", "00004"),
                                 ("gs-other", "supervisor", "00008")):
            users.create_user(SYSTEM, name, role, [area])
    with transaction():
        return {name: {"Authorization": f"Bearer {api_tokens.create_token(SYSTEM, name)}"}
                for name in ("gs", "ctv", "gs-other")}


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_machine(request, backend, tmp_path_factory) -> Iterator:
    """``make_machine(**settings)``: the app on an empty instance folder and empty database."""
    made: list[tuple[Flask, str]] = []

    def make(**settings: str) -> Flask:
        folder = tmp_path_factory.mktemp("machine")
        database = f"restore_{uuid.uuid4().hex[:8]}"
        if backend == "sqlite":
            url = f"sqlite:///{folder / 'sangloc.db'}"
        else:
            cluster = request.getfixturevalue("pg_cluster")
            subprocess.run([str(cluster.bindir / "createdb"), "-h", str(cluster.root), "-U",
                            cluster.user, database], check=True)
            url = cluster.url(database)
        machine = create_app({"INSTANCE_DIR": str(folder), "DATABASE_URL": url,
                              "TESTING": True, "PUBLIC_URL": "http://sangloc.test", **settings})
        made.append((machine, database))
        return machine
    yield make
    for machine, database in made:
        dispose(machine)
        if backend == "postgres":
            cluster = request.getfixturevalue("pg_cluster")
            subprocess.run([str(cluster.bindir / "dropdb"), "-h", str(cluster.root), "-U",
                            cluster.user, database], check=False, capture_output=True)
