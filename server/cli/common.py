"""What every ``sangloc`` command shares: error output, area-code lists, the public URL.

Each command is thin: parse options -> one service call inside ``transaction()`` -> print.
A refusal (a ``Problem`` from ``server/problems.py``) is printed as one line on stderr in the
instance's language, with its code (or as JSON with ``--json``), and exit code 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app

from server.config import configured_origin
from server.problems import Problem

_ERROR = {"vi": "lỗi", "en": "error"}


@contextmanager
def cli_errors(as_json: bool = False) -> Iterator[None]:
    """Turn a Problem raised inside into one line on stderr (or JSON) and exit code 1.

    Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except Problem as problem:
        fail(problem, as_json)


def fail(problem: Problem, as_json: bool = False) -> NoReturn:
    """Print ``problem`` in the instance's language (SANGLOC_DEFAULT_LANGUAGE) and exit 1.

    Text: ``lỗi 404.6: <text> (<detail>)`` on stderr. JSON, on stdout like the command's own
    JSON: ``{"error": {"code", "status", "message", "detail"}}``, ``detail`` being the
    Problem's structured data (e.g. sheet and row of an XLSForm error).
    """
    language = current_app.config["SANGLOC_DEFAULT_LANGUAGE"]
    if as_json:
        error = {"code": problem.code, "status": problem.status,
                 "message": problem.message(language), "detail": problem.data}
        click.echo(json.dumps({"error": error}, ensure_ascii=False))
    else:
        where = problem.where(language)
        text = " ".join(problem.message(language).split())  # one line, whatever the detail
        click.echo(f"{_ERROR.get(language, 'error')} {problem.code}: {text}"
                   + (f" ({where})" if where else ""), err=True)
    sys.exit(1)


def echo_rows(rows: list[dict], as_json: bool, columns: tuple[str, ...], *,
              header: bool = False) -> None:
    """A listing: the rows as one JSON array, or ``columns`` tab-separated (``-`` for none)."""
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if header:
        click.echo("\t".join(columns))
    for row in rows:
        click.echo("\t".join("-" if row[key] is None else str(row[key]) for key in columns))


def split_codes(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


def public_url() -> str:
    """The origin of Collect URLs and QR codes, so the CLI and the server always agree:
    SANGLOC_PUBLIC_URL if this command has it, else the one the server last started with
    (``<instance>/public_url``, written by ``sangloc serve``), else ``http://HOST:PORT``."""
    if current_app.config["SANGLOC_PUBLIC_URL"]:
        return current_app.config["SANGLOC_PUBLIC_URL"]
    with suppress(FileNotFoundError):
        url = public_url_file().read_text(encoding="utf-8").strip()
        if url:
            return url
    return configured_url()


def configured_url() -> str:
    """The URL this process's settings give: SANGLOC_PUBLIC_URL, else ``http://HOST:PORT``."""
    return configured_origin(current_app.config)


def public_url_file() -> Path:
    """``<instance>/public_url``: the URL ``sangloc serve`` last started with."""
    return Path(current_app.config["SANGLOC_INSTANCE_DIR"]) / "public_url"
