"""Configuration: defaults, overridden by ``SANGLOC_*`` environment variables.

This is the only module that reads the environment. Every setting has a default here; an
environment variable ``SANGLOC_<NAME>`` overrides it and is converted to the default's type. An
unknown ``SANGLOC_*`` variable is an error at start, so a typo never silently falls back to a
default. Enumerated and numeric settings are checked against their allowed values and ranges
(``CHOICES``, ``RANGES``) whether they come from the environment or from ``create_app``'s
overrides, so a typo such as ``SANGLOC_THRESHOLDS=vn`` stops the server at start with an error
naming what is allowed. Nothing here touches the database or Flask.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from screening_tools import THRESHOLD_TABLES
from sync.pathway import Periods

PREFIX = "SANGLOC_"

# Settings that come from SANGLOC_* (name without prefix -> default). None means "derived".
DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    "INSTANCE_DIR": "./instance",
    "HOST": "127.0.0.1",
    "PORT": 5000,
    "WORKERS": 2,
    "THREADS": 8,  # request threads per worker: a few slow clients cannot take every one
    "READ_TIMEOUT": 30,  # seconds a client may stay silent while sending a request
    "PUBLIC_URL": None,  # external origin used outside a request (CLI, QR codes)
    "STRICT": False,  # real dependencies (Java) must be present instead of skipped
    "MAX_SUBMISSION_BYTES": 100_000_000,  # advertised as X-OpenRosa-Accept-Content-Length
    "PROXY_COUNT": 0,  # reverse proxies in front (Werkzeug ProxyFix)
    "LOG_LEVEL": "INFO",
    "DEFAULT_LANGUAGE": "vi",
    "THRESHOLDS": "international",  # threshold table for scoring: international | vietnam
    # the care pathway's due periods in days (sync/pathway.py): REFERRAL_DAYS,
    # URGENT_REFERRAL_DAYS, ASSESSMENT_DAYS, SDQ_ASSESSMENT_DAYS, INTERVIEW_DAYS, ...
    **{item.name.upper(): item.default for item in fields(Periods)},
    # an interview date (sync/interview.py) more days than this before receipt is refused
    "INTERVIEW_MAX_AGE_DAYS": 90,
    # notifications (services/notify): no SMTP host = e-mails wait; no webhook URL = none sent
    "SMTP_HOST": "",
    "SMTP_PORT": 25,
    "SMTP_STARTTLS": False,
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "sangloc@localhost",
    "WEBHOOK_URL": "",
    "WEBHOOK_SECRET": "",
    "SECRET_KEY": None,  # set it when several web nodes do not share the instance folder
    # --- object storage (server/storage_s3.py): empty = files under <instance>/blobs;
    # s3://bucket[/prefix]?endpoint=https://host:port&region=... = an S3-compatible store
    "STORAGE_URL": "",
    "S3_ACCESS_KEY": "",
    "S3_SECRET_KEY": "",
    # --- read replica (server/replica.py): a PostgreSQL streaming standby for lag-tolerant reads
    "DATABASE_REPLICA_URL": "",
    "DATABASE_REPLICA_MAX_LAG": 10,  # seconds; a standby further behind is not read from
    # --- connection pooling: PgBouncer in transaction mode in front (no server-side prepares)
    "DATABASE_PGBOUNCER": False,
    # --- operations (server/metrics.py, server/ops_views.py)
    "LOG_FORMAT": "text",  # text | json (one JSON object a line, for a log collector)
    "METRICS_TOKEN": "",  # bearer token for /metrics from another host; empty = loopback only
}

# Allowed values of the enumerated settings, and (minimum, maximum) of the numeric ones.
CHOICES: dict[str, tuple[str, ...]] = {
    "THRESHOLDS": tuple(THRESHOLD_TABLES),
    "DEFAULT_LANGUAGE": ("vi", "en"),
    "LOG_LEVEL": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    "LOG_FORMAT": ("text", "json"),
}
_CASE_INSENSITIVE = {"LOG_LEVEL"}
RANGES: dict[str, tuple[int, int]] = {
    "PORT": (1, 65535),
    "SMTP_PORT": (1, 65535),
    "WORKERS": (1, 64),
    "THREADS": (1, 256),
    "READ_TIMEOUT": (1, 3600),
    "PROXY_COUNT": (0, 10),
    "MAX_SUBMISSION_BYTES": (1_000, 10_000_000_000),
    **{item.name.upper(): (1, 365) for item in fields(Periods)},
    "INTERVIEW_MAX_AGE_DAYS": (1, 3650),
    "DATABASE_REPLICA_MAX_LAG": (1, 86_400),
}

# Multipart framing around the advertised limit: Collect splits at the advertised size, so the
# real body limit must be a little larger (openrosa.md a.8).
MULTIPART_OVERHEAD = 1_000_000


class ConfigError(Exception):
    """A setting is unknown or cannot be converted."""


def _convert(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigError(f"{PREFIX}{name} must be a boolean (1/0, true/false), got {raw!r}")
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{PREFIX}{name} must be an integer, got {raw!r}") from None
    return raw


def read_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the SANGLOC_* settings (defaults applied); reject unknown keys."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    unknown = []
    for key, raw in environ.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX):]
        if name not in DEFAULTS:
            unknown.append(key)
            continue
        settings[name] = _convert(name, raw, DEFAULTS[name])
    if unknown:
        known = ", ".join(PREFIX + k for k in sorted(DEFAULTS))
        raise ConfigError(f"unknown setting(s) {', '.join(sorted(unknown))}; known: {known}")
    return settings


def check_settings(settings: Mapping[str, Any]) -> None:
    """Refuse an enumerated setting outside its values, a number outside its range, or a
    webhook without the secret that signs its calls."""
    for name, allowed in CHOICES.items():
        value = settings[name]
        if name in _CASE_INSENSITIVE and isinstance(value, str):
            value = value.upper()
        if value not in allowed:
            raise ConfigError(f"{PREFIX}{name} must be one of {', '.join(allowed)}; "
                              f"got {settings[name]!r}")
    for name, (low, high) in RANGES.items():
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(f"{PREFIX}{name} must be between {low} and {high}; "
                              f"got {value!r}")
    if settings["WEBHOOK_URL"] and not settings["WEBHOOK_SECRET"]:
        raise ConfigError(f"{PREFIX}WEBHOOK_URL needs {PREFIX}WEBHOOK_SECRET: the receiver "
                          "checks each call's signature")


def _secret_key(instance_dir: Path) -> str:
    """Read the instance's secret key, generating it on first run (never a built-in default)."""
    path = instance_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def build_config(overrides: Mapping[str, Any] | None = None,
                 environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Flask config for ``create_app``: environment settings plus ``overrides`` (tests)."""
    settings = read_environment(environ)
    overrides = dict(overrides or {})
    for name in list(overrides):
        if name in DEFAULTS:
            settings[name] = overrides.pop(name)
    check_settings(settings)
    instance_dir = Path(settings["INSTANCE_DIR"]).resolve()
    instance_dir.mkdir(parents=True, exist_ok=True)
    database_url = settings["DATABASE_URL"] or f"sqlite:///{instance_dir / 'sangloc.db'}"
    config = {f"SANGLOC_{name}": value for name, value in settings.items()}
    config.update({
        "SANGLOC_INSTANCE_DIR": str(instance_dir),
        "SANGLOC_DATABASE_URL": database_url,
        "SECRET_KEY": settings["SECRET_KEY"] or _secret_key(instance_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(
            database_url, pgbouncer=settings["DATABASE_PGBOUNCER"]),
        "MAX_CONTENT_LENGTH": settings["MAX_SUBMISSION_BYTES"] + MULTIPART_OVERHEAD,
        # Collect's XML part may arrive without a filename, i.e. as a form field (openrosa.md a.9).
        "MAX_FORM_MEMORY_SIZE": settings["MAX_SUBMISSION_BYTES"],
        "JSON_SORT_KEYS": False,
    })
    config.update(overrides)
    _check_replica(config)
    return config


def _check_replica(config: Mapping[str, Any]) -> None:
    """A read replica is a PostgreSQL standby of a PostgreSQL primary."""
    replica = config["SANGLOC_DATABASE_REPLICA_URL"]
    if replica and not (str(replica).startswith("postgresql")
                        and str(config["SANGLOC_DATABASE_URL"]).startswith("postgresql")):
        raise ConfigError(f"{PREFIX}DATABASE_REPLICA_URL needs PostgreSQL URLs for it and for "
                          f"{PREFIX}DATABASE_URL (postgresql+psycopg://...)")


# --- operations (ops): prometheus_client's multiprocess folder. prometheus_client reads this
# variable itself when it is imported; ``sangloc serve`` sets it for gunicorn and the scheduler
# it starts (server/cli/serve.py), and /metrics reads it here to sum every process's files.
MULTIPROC_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def metrics_multiproc_dir(environ: Mapping[str, str] | None = None) -> str | None:
    """The folder where this process's metrics are shared with its siblings; None: alone."""
    environ = os.environ if environ is None else environ
    return environ.get(MULTIPROC_VARIABLE) or None


def engine_options(database_url: str, *, pgbouncer: bool = False) -> dict[str, Any]:
    """SQLAlchemy engine options per backend; SQL parameters (personal data) never appear in
    error messages or logs (``hide_parameters``). Behind PgBouncer in transaction mode
    (``pgbouncer``) psycopg prepares no statement on the server (``prepare_threshold=None``):
    the next transaction may run on another server connection, which never saw it."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, "hide_parameters": True}
    # No pre-ping: it would cost a round trip on every request; stale connections are recycled.
    options: dict[str, Any] = {"pool_recycle": 1800, "pool_size": 5, "max_overflow": 5,
                               "hide_parameters": True}
    if pgbouncer:
        options["connect_args"] = {"prepare_threshold": None}
    return options


def configured_origin(config: Mapping[str, Any]) -> str:
    """The origin the server is reached at, by these settings: SANGLOC_PUBLIC_URL, else
    ``http://HOST:PORT`` (links in notifications, Collect URLs)."""
    return (config["SANGLOC_PUBLIC_URL"]
            or f"http://{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}").rstrip("/")
