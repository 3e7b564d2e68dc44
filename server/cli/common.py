"""What every ``sangloc`` command shares: error output, area-code lists, the public URL.

Each command is thin: parse options -> one service call inside ``transaction()`` -> print.
Errors from services are printed as one clear line (or JSON with ``--json``) with exit code 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app

from server.services.forms import publishing

_EXPECTED = (ValueError, LookupError)


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
