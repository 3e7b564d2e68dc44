"""The ``sangloc`` command: a Flask CLI group whose commands live one group per module.

``common`` (error output and helpers), ``setup`` (init, first-time set-up), ``serve`` (the web
server and the scheduler together), ``people`` (users, devices, areas, API tokens),
``facilities`` (where people are referred), ``forms``, ``records`` (exports and the person
register) and ``jobs`` (scheduler, jobs, backup, restore).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.cli import FlaskGroup


def main() -> None:
    from server import create_app

    group = FlaskGroup(create_app=create_app, name="sangloc", add_version_option=False,
                       load_dotenv=False, set_debug_flag=False)
    group.main(prog_name="sangloc")

def register(app: Flask) -> None:
    from server.cli.facilities import facilities_group
    from server.cli.forms import forms_group
    from server.cli.jobs import JOB_COMMANDS
    from server.cli.people import api_tokens_group, app_users_group, areas_group, users_group
    from server.cli.records import export_group, persons_group
    from server.cli.serve import serve_command
    from server.cli.setup import init_command

    commands: list[Callable] = [init_command, serve_command, users_group, app_users_group,
                                areas_group, facilities_group, forms_group, api_tokens_group,
                                export_group, persons_group, *JOB_COMMANDS]
    for command in commands:
        app.cli.add_command(command)
