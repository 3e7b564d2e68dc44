"""Alembic environment for sangloc, run through Flask-Migrate (``sangloc db ...``/``init``).

Uses the application's engine and metadata; SQLite needs batch mode for ALTER TABLE.
"""

from __future__ import annotations

import logging

from alembic import context
from flask import current_app

import server.models  # noqa: F401  (registers every table)
from server.extensions import db

log = logging.getLogger("alembic.env")
config = context.config


def _options(connection=None) -> dict:
    options = {"target_metadata": db.metadata, "compare_type": True}
    dialect = connection.dialect.name if connection is not None else \
        db.engine.dialect.name
    options["render_as_batch"] = dialect == "sqlite"
    return options


def run_offline() -> None:
    context.configure(url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                      literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    with db.engine.connect() as connection:
        context.configure(connection=connection, **_options(connection))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
