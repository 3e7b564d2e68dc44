"""Flask extensions, created unbound; ``create_app`` binds them.

Only objects live here: no configuration, no models, no request logic.
"""

from __future__ import annotations

from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from server.replica import RoutingSession

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay usable after the request's single commit (no reload of what was just written).
# RoutingSession sends the reads of lag-tolerant pages and jobs to a read replica when one is
# configured (server/replica.py); otherwise it is Flask-SQLAlchemy's own session.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False,
                                                   "class_": RoutingSession})
migrate = Migrate()
api = Api()
