"""``sangloc scheduler``, ``sangloc jobs list|run``, ``sangloc backup`` and ``sangloc restore``.

Thin commands: parse options -> one call -> print. ``sangloc scheduler`` is the only way the
scheduler starts (its own process; run one per site, or more as standbys: only the lease holder
runs jobs). ``backup`` copies the database and the blobs it references; ``restore`` replaces the
database's data and brings its blobs back: stop the web server and the scheduler first. Nothing
here prints a database password or personal data.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server import problems
from server.cli.common import cli_errors, fail
from server.extensions import db
from server.jobs.runner import run_job
from server.jobs.table import JOBS
from server.services.ops import backup, job_runs, leases


@click.command("scheduler")
@click.option("--lease-seconds", type=click.IntRange(min=3), default=60, show_default=True,
              help="How long the scheduler lease lasts without renewal.")
@with_appcontext
def scheduler_command(lease_seconds: int) -> None:
    """Run the periodic jobs (blocks; stop with SIGTERM or Ctrl-C)."""
    from server.jobs.scheduler import run_scheduler  # APScheduler is loaded only here

    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    run_scheduler(current_app._get_current_object(), lease_seconds=lease_seconds)


@click.group("jobs")
def jobs_group() -> None:
    """Periodic jobs (the JOBS table)."""


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """Each job, when it runs, and its latest run; who holds the scheduler lease."""
    latest = job_runs.latest_runs(job.name for job in JOBS)
    for job in JOBS:
        when = " ".join(f"{k}={v}" for k, v in job.trigger.items() if k != "trigger")
        run = latest.get(job.name)
        last = f"{run.status} {run.started_at:%Y-%m-%d %H:%M}Z" if run else "never run"
        click.echo(f"{job.name}\t{job.trigger['trigger']} {when}\t{last}\t{job.description}")
    lease = leases.current_lease()
    if lease is None:
        click.echo("scheduler lease: free")
    else:
        click.echo(f"scheduler lease: {lease.holder} until {lease.expires_at:%Y-%m-%d %H:%M:%S}Z")


@jobs_group.command("run")
@click.argument("name")
@with_appcontext
def jobs_run(name: str) -> None:
    """Run one job now and print its run row; exit code 1 if it failed."""
    with cli_errors():
        run = run_job(current_app._get_current_object(), name)
    detail = json.dumps(run.detail, ensure_ascii=False, sort_keys=True)
    if run.status != "ok":
        fail(problems.job_failed(run.name, run.id, run.detail.get("error", "unknown error")))
    click.echo(f"{run.name} run {run.id}: {run.status} {detail}")


@click.command("backup")
@with_appcontext
def backup_command() -> None:
    """Back up the database and its blobs into <instance>/backups; print the database file."""
    config = current_app.config
    with cli_errors():
        made = backup.backup_database(config["SANGLOC_INSTANCE_DIR"],
                                      config["SQLALCHEMY_DATABASE_URI"],
                                      blobs=current_app.extensions["sangloc_blobs"])
    click.echo(str(made.path))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace ALL data in the database with a backup (stop the server and scheduler first).

    PATH is the database file; its blobs are read from the blobs folder beside it, or, with an
    object store, from the backups' pool in its bucket.
    """
    if not yes:
        click.confirm(f"Replace all data in the database with {path.name}?", abort=True)
    db.session.remove()
    db.engine.dispose()  # no pooled connection may hold a lock the restore needs
    try:
        with cli_errors():
            restored = backup.restore_database(
                path, current_app.config["SQLALCHEMY_DATABASE_URI"],
                blobs=current_app.extensions["sangloc_blobs"])
    finally:
        db.engine.dispose()
    click.echo(f"restored {path} with its {restored} attachment and media files; run "
               "'sangloc db upgrade' if it is from an older version")


JOB_COMMANDS = (scheduler_command, jobs_group, backup_command, restore_command)
