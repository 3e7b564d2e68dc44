"""``sangloc serve``: the web server and one scheduler, started and stopped together.

gunicorn (``SANGLOC_WORKERS`` processes of ``SANGLOC_THREADS`` threads, settings in
``server/gunicorn_conf.py``) and ``sangloc scheduler`` run as two child processes of ``serve``.
Ctrl-C (SIGINT, which a terminal also sends to both children) or SIGTERM (a service manager)
stops both; if either stops on its own, the other is stopped too and ``serve`` exits 1, so a
service manager restarts the pair. ``--no-scheduler`` serves alone, for a deployment that runs
its scheduler elsewhere (its own service, another machine: only the lease holder runs jobs).

The public URL the server starts with is written to ``<instance>/public_url`` first, so that
``sangloc app-users create`` run from any shell prints Collect URLs that reach this server.
``--demo`` (``make run``) sets the instance up first, as ``sangloc init --demo``, and shows the
first-run box once the server answers and the scheduler holds its lease: the last thing on
screen.
"""

from __future__ import annotations

import http.client
import signal
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server.cli.common import PUBLIC_URL_FILE, cli_errors
from server.cli.setup import first_run_box, initialise
from server.extensions import db
from server.services.ops import leases

STOP_SECONDS = 40  # gunicorn's graceful timeout (20 s) and the scheduler's running job, at most
READY_SECONDS = 60  # the first-run box waits this long for the server and the lease, at most
POLL_SECONDS = 0.2


@click.command("serve")
@click.option("--no-scheduler", is_flag=True,
              help="Start the web server only (the scheduler runs elsewhere).")
@click.option("--demo", is_flag=True,
              help="Set up the instance first (sangloc init --demo) and, on a first run, show "
                   "the admin login and a demo device once the server answers.")
@with_appcontext
def serve_command(no_scheduler: bool, demo: bool) -> None:
    """Serve on SANGLOC_HOST:SANGLOC_PORT with the scheduler; stop both with Ctrl-C."""
    config = current_app.config
    save_public_url()
    box: list[str] = []
    if demo:
        with cli_errors():
            for line in initialise(strict=config["SANGLOC_STRICT"]):
                click.echo(line)
            box = first_run_box()
    bind = f"{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"
    click.echo(f"sangloc serving on http://{bind}"
               + (" (no scheduler)" if no_scheduler else " with the scheduler"))
    children = {"web server": _start(_gunicorn_command(bind))}
    if not no_scheduler:
        children["scheduler"] = _start([sys.executable, "-m", "server.cli", "scheduler"])
    sys.exit(_supervise(children, box, with_scheduler=not no_scheduler))


def save_public_url() -> None:
    """Keep the URL this server is reached at where every ``sangloc`` command finds it."""
    config = current_app.config
    url = config["SANGLOC_PUBLIC_URL"] or f"http://{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"
    (Path(config["SANGLOC_INSTANCE_DIR"]) / PUBLIC_URL_FILE).write_text(url + "\n",
                                                                       encoding="utf-8")


def _gunicorn_command(bind: str) -> list[str]:
    config = current_app.config
    conf = Path(__file__).parent.parent / "gunicorn_conf.py"
    return [sys.executable, "-m", "gunicorn", "-c", str(conf), "-b", bind,
            "-w", str(config["SANGLOC_WORKERS"]), "--threads", str(config["SANGLOC_THREADS"]),
            "wsgi:app"]


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=Path(__file__).parents[2])  # noqa: S603


def _supervise(children: dict[str, subprocess.Popen], box: list[str], *,
               with_scheduler: bool) -> int:
    """Wait for a stop signal or for a child to end; stop the rest; the exit code."""
    signals: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: signals.append(signum))
    deadline = time.monotonic() + READY_SECONDS
    ended: dict[str, int] = {}
    while not signals and not ended:
        ended = {name: child.returncode for name, child in children.items()
                 if child.poll() is not None}
        if box and (time.monotonic() > deadline or _ready(with_scheduler)):
            click.echo("\n".join(box))
            box = []
        time.sleep(POLL_SECONDS)
    for name, code in ended.items():
        click.echo(f"sangloc serve: the {name} stopped (exit code {code}); stopping the rest",
                   err=True)
    _stop(children)
    return 1 if ended and not signals else 0


def _stop(children: dict[str, subprocess.Popen]) -> None:
    """SIGTERM to each child still running; SIGKILL to any still running after STOP_SECONDS."""
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for name, child in children.items():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            click.echo(f"sangloc serve: the {name} did not stop in {STOP_SECONDS} s; killed",
                       err=True)
            child.kill()
            child.wait()


def _ready(with_scheduler: bool) -> bool:
    """The web server answers and, when there is one, the scheduler holds its lease."""
    config = current_app.config
    host = config["SANGLOC_HOST"]
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104
    connection = http.client.HTTPConnection(host, config["SANGLOC_PORT"], timeout=2)
    try:
        connection.request("GET", "/api/v1/openapi.json")
        if connection.getresponse().status != 200:
            return False
    except OSError:
        return False
    finally:
        connection.close()
    if not with_scheduler:
        return True
    try:
        return leases.current_lease() is not None
    finally:
        db.session.rollback()  # hold no read transaction while the others write
