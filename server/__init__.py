"""sangloc's web application: ``create_app`` and nothing else that runs at import.

Order: configuration -> logging -> extensions -> blueprints -> error handlers. This is the
only package that knows Flask, the database, configuration and authentication; the pure
packages (``sync``, ``forms``, ``screening_tools``) get explicit parameters from it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from server import replica
from server.config import build_config
from server.extensions import db, migrate
from server.storage_select import open_store


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings (tests use it)."""
    app = Flask(__name__, instance_path=None, static_folder=None)  # pages: server/ui/static
    app.config.update(build_config(config))
    _configure_logging(app)
    db.init_app(app)
    replica.init_app(app)  # a read replica for lag-tolerant reads, when configured
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    app.extensions["sangloc_blobs"] = open_store(app.config)  # SANGLOC_STORAGE_URL
    with app.app_context():
        _configure_engine()
    _register_session_hooks()
    if app.config["SANGLOC_PROXY_COUNT"]:
        count = app.config["SANGLOC_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from server import errors, inputs, ops_views, requestlog, security
    from server.api import bp as api_bp
    from server.extensions import api
    from server.openrosa import bp as openrosa_bp

    inputs.register(app)  # before every blueprint's own hooks
    ops_views.register(app)  # /healthz, /readyz, /metrics
    app.register_blueprint(openrosa_bp)
    from server.api.schemas import ErrorSchema

    app.config.update(API_TITLE="sangloc", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
                      OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
                      API_SPEC_OPTIONS={
                          "security": [{"bearer": []}],
                          "components": {"securitySchemes": {
                              "bearer": {"type": "http", "scheme": "bearer"}}}})
    api.ERROR_SCHEMA = ErrorSchema  # documents the one error shape of server/api/errors.py
    api.init_app(app)
    api.register_blueprint(api_bp)
    from server.mobile import views as mobile
    from server.ui import web

    mobile.register(app)  # before web.register: its cache rule must run after the pages'
    web.register(app)  # the web pages, with their CSRF, language and headers
    errors.register(app)
    requestlog.register(app)
    security.register(app)
    from server import cli
    cli.register(app)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _configure_logging(app: Flask) -> None:
    """sangloc's loggers at SANGLOC_LOG_LEVEL; when nothing has configured logging yet (a
    gunicorn worker, the scheduler, a command), one line per record on standard error: text, or
    one JSON object with SANGLOC_LOG_FORMAT=json (``server/logformat.py``). A host that
    configured logging itself (pytest, an embedding application, gunicorn's JSON set-up in
    ``gunicorn_conf.py``) keeps its handlers."""
    level = getattr(logging, str(app.config["SANGLOC_LOG_LEVEL"]).upper(), logging.INFO)
    logging.getLogger("sangloc").setLevel(level)
    root = logging.getLogger()
    if root.handlers:
        return
    if app.config["SANGLOC_LOG_FORMAT"] == "json":  # one JSON object a line (logformat.py)
        from server.logformat import json_handler

        root.addHandler(json_handler())
        root.setLevel(logging.WARNING)
    else:
        logging.basicConfig(format=LOG_FORMAT, level=logging.WARNING)


_HOOKED = []


def _register_session_hooks() -> None:
    """Audit rows are written at commit time and dropped on rollback (services/audit.py);
    so are case events (services/cases/casework.py) and the commune-years whose dashboard
    aggregates a change makes dirty, found at each flush (services/programme/aggregates.py,
    aggregate_marks.py)."""
    from sqlalchemy.orm import Session

    from server.services.audit import drop_pending, write_pending
    from server.services.cases import casework
    from server.services.programme import aggregate_marks, aggregates

    if not _HOOKED:  # once per process: the hook is on the Session class
        aggregate_marks.register()
        # marks first: on PostgreSQL their statement carries the audit rows too
        event.listen(Session, "before_commit", aggregates.write_marks)
        event.listen(Session, "after_soft_rollback", aggregates.drop_marks)
        event.listen(Session, "before_commit", casework.write_events)
        event.listen(Session, "after_soft_rollback", casework.drop_events)
        event.listen(Session, "before_commit", write_pending)
        event.listen(Session, "after_soft_rollback", drop_pending)
        _HOOKED.append(True)


def _configure_engine() -> None:
    """SQLite: WAL journal, foreign keys on, wait for locks instead of failing at once."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
