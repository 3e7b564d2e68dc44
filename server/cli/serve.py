"""``sangloc serve``: the web server and one scheduler, started and stopped together.

gunicorn (``SANGLOC_WORKERS`` processes of ``SANGLOC_THREADS`` threads, settings in
``server/gunicorn_conf.py``) and ``sangloc scheduler`` run as two child processes of ``serve``,
with its working directory and environment. Ctrl-C (SIGINT, which a terminal also sends to both
children) or SIGTERM (a service manager) stops both; a second signal kills them at once. If
either stops on its own, the other is stopped too and ``serve`` exits 1, so a service manager
restarts the pair. ``--no-scheduler`` serves alone, for a deployment that runs its scheduler
elsewhere (its own service, another machine: only the lease holder runs jobs).

The public URL the server starts with is written to ``<instance>/public_url`` first, so that
``sangloc app-users create`` run from any shell prints Collect URLs that reach this server.
``--demo`` (``make run``) sets the instance up first, as ``sangloc init --demo``, and shows the
first-run box once the server answers and the scheduler holds its lease, so that it is the last
thing on screen (or when ``serve`` stops, if that comes first: it is shown only once).

Metrics: gunicorn's workers and the scheduler are separate processes, so ``serve`` gives them
one folder for prometheus_client's multiprocess mode, ``<instance>/run/metrics``, emptied at
each start (``server/metrics.py``): ``/metrics`` from any worker reports all of them.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import subprocess
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from server.cli.common import cli_errors, configured_url, public_url_file
from server.cli.setup import first_run_box, initialise
from server.config import MULTIPROC_VARIABLE
from server.extensions import db
from server.services.ops import leases

#: how long each child may take to stop after SIGTERM: gunicorn's graceful timeout (20 s), and
#: the scheduler's running job (a backup of a large database takes minutes)
STOP_SECONDS = {"web server": 40, "scheduler": 900}
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
    public_url_file().write_text(configured_url() + "\n", encoding="utf-8")
    box: list[str] = []
    if demo:
        with cli_errors():
            for line in initialise(strict=config["SANGLOC_STRICT"]):
                click.echo(line)
            box = first_run_box()
    bind = f"{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}"
    click.echo(f"sangloc serving on http://{bind}"
               + (" (no scheduler)" if no_scheduler else " with the scheduler"))
    _share_metrics()
    signals: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: signals.append(signum))
    children = {"web server": _start(_gunicorn_command(bind))}
    if not no_scheduler:
        children["scheduler"] = _start([sys.executable, "-m", "server.cli", "scheduler"])
    ended = _wait(children, signals, box, with_scheduler=not no_scheduler)
    for name, code in ended.items():
        click.echo(f"sangloc serve: the {name} stopped (exit code {code}); stopping the rest",
                   err=True)
    _stop(children, signals)
    sys.exit(1 if ended and not signals else 0)


def _share_metrics() -> None:
    """An empty metrics folder for this run, named to the children in their environment.

    prometheus_client reads PROMETHEUS_MULTIPROC_DIR when it is first imported, and only then;
    gunicorn's workers and the scheduler import it after they start, so setting it here, in
    the process that starts them and before it does, is the one place that reaches all of
    them. ``serve`` itself imported it already and keeps its (unused) metrics in memory. This
    writes the environment, for the children; ``server/config.py`` still is the only reader.
    """
    folder = f"{current_app.config['SANGLOC_INSTANCE_DIR']}/run/metrics"
    shutil.rmtree(folder, ignore_errors=True)  # a previous run's files: its workers are gone
    os.makedirs(folder, mode=0o700)
    os.environ[MULTIPROC_VARIABLE] = folder


def _gunicorn_command(bind: str) -> list[str]:
    """gunicorn on the application factory (no ``wsgi.py`` needed in the working directory)."""
    conf = current_app.root_path + "/gunicorn_conf.py"
    return [sys.executable, "-m", "gunicorn", "-c", conf, "-b", bind,
            "-w", str(current_app.config["SANGLOC_WORKERS"]), "server:create_app()"]


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command)  # noqa: S603  (our own interpreter, fixed arguments)


def _wait(children: dict[str, subprocess.Popen], signals: list[int], box: list[str], *,
          with_scheduler: bool) -> dict[str, int]:
    """Until a stop signal or a child's end: the children that ended, with their exit codes.
    The first-run box is shown once the server is ready, or at the end if it never was."""
    deadline = time.monotonic() + READY_SECONDS
    ended: dict[str, int] = {}
    while not signals and not ended:
        ended = {name: child.returncode for name, child in children.items()
                 if child.poll() is not None}
        if box and (time.monotonic() > deadline or _ready(with_scheduler)):
            click.echo("\n".join(box))
            box = []
        time.sleep(POLL_SECONDS)
    if box:
        click.echo("\n".join(box))
    return ended


def _stop(children: dict[str, subprocess.Popen], signals: list[int]) -> None:
    """SIGTERM to each child still running; SIGKILL to any still running after its
    STOP_SECONDS, or at once on another stop signal."""
    for child in children.values():
        if child.poll() is None:
            child.terminate()
    started, already = time.monotonic(), len(signals)
    for name, child in children.items():
        while child.poll() is None:
            if len(signals) > already or time.monotonic() - started > STOP_SECONDS[name]:
                click.echo(f"sangloc serve: the {name} did not stop; killed", err=True)
                child.kill()
                child.wait()
            time.sleep(POLL_SECONDS)


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
