"""Periodic jobs: run rows, the one-scheduler lease, the scheduler process, the jobs CLI.

Every test here runs on SQLite and on PostgreSQL. The scheduler tests start real scheduler
processes against one database. Backups and restore are in ``test_backups.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from server import problems
from server.boundary import transaction
from server.extensions import db
from server.jobs.runner import run_job
from server.jobs.scheduler import LeaseKeeper, build_scheduler, run_if_holder
from server.jobs.table import JOBS, Job, check_jobs, every
from server.models import JobRun, SchedulerLease
from server.services.ops import backup, leases
from tests.support.problems import raises_problem

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _fresh(statement):
    """Query outside any old snapshot (SQLite keeps a read transaction's snapshot)."""
    db.session.rollback()
    return db.session.scalars(statement).all()


def _runs(name: str | None = None) -> list[JobRun]:
    statement = select(JobRun).order_by(JobRun.id)
    return _fresh(statement if name is None else statement.where(JobRun.name == name))


# --- run_job ------------------------------------------------------------------------------

def test_run_job_records_an_ok_run_with_the_jobs_counts(app):
    jobs = (Job("count", every(minutes=5), lambda: {"checked": 3}, "counts"),)
    run = run_job(app, "count", jobs=jobs, holder="host:1:abc")
    assert run.status == "ok" and run.detail == {"checked": 3, "scheduler": "host:1:abc"}
    [stored] = _runs("count")
    assert (stored.id, stored.status, stored.detail) == (run.id, "ok", run.detail)
    assert stored.started_at <= stored.finished_at


def test_a_failed_job_is_recorded_and_its_writes_rolled_back(app):
    def fails() -> dict:
        leases.acquire_lease("written-by-the-failing-job", 60, name="probe")
        raise RuntimeError("disk full\nsecond line is dropped")

    run = run_job(app, "fails", jobs=(Job("fails", every(hours=1), fails, "fails"),))
    assert run.status == "failed" and run.finished_at is not None
    assert run.detail == {"error": "RuntimeError: disk full"}
    assert [r.status for r in _runs("fails")] == ["failed"]
    assert _fresh(select(SchedulerLease)) == []


def test_a_database_error_is_recorded_without_the_rows_values(app):
    name = "Nguyễn Thị Mai"  # stands for personal data in a failing statement

    def duplicate() -> None:
        for _ in range(2):
            db.session.add(SchedulerLease(name=name, holder="x", acquired_at=T0, expires_at=T0))
            db.session.flush()

    run = run_job(app, "dup", jobs=(Job("dup", every(hours=1), duplicate, "fails"),))
    assert run.status == "failed"
    assert "IntegrityError" in run.detail["error"] or "UniqueViolation" in run.detail["error"]
    assert name not in run.detail["error"] and "INSERT" not in run.detail["error"]


def test_an_unknown_job_writes_nothing(app):
    with raises_problem("404.12") as raised:
        run_job(app, "nope")
    assert raised.value.params["known"].startswith("backup_database, ")
    assert _runs() == []


def test_prune_job_runs_deletes_old_rows_and_closes_abandoned_ones(app):
    now = datetime.now(UTC)
    with transaction():
        for name, age, status in [("old", 100, "ok"), ("recent", 10, "ok"),
                                  ("cut-off", 2, "running"), ("now", 0, "running")]:
            db.session.add(JobRun(name=name, started_at=now - timedelta(days=age),
                                  status=status, detail={}))
    run = run_job(app, "prune_job_runs")
    assert run.detail == {"deleted": 1, "abandoned": 1}
    rows = {r.name: (r.status, r.detail) for r in _runs()}
    assert rows["cut-off"] == ("failed", {"error": "abandoned"})
    assert "old" not in rows and rows["recent"][0] == "ok" and rows["now"][0] == "running"


def test_the_jobs_table_is_valid_and_every_trigger_builds(app):
    check_jobs(JOBS)
    scheduler = build_scheduler(app, LeaseKeeper(app, "h", 60))
    assert {job.id for job in scheduler.get_jobs()} == {"lease", *(j.name for j in JOBS)}
    with pytest.raises(ValueError, match="twice"):
        check_jobs((JOBS[0], JOBS[0]))


def test_the_migration_matches_the_job_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert [d for d in differences if "job_runs" in str(d) or "scheduler_leases" in str(d)] == []


# --- the lease ----------------------------------------------------------------------------

def _acquire(holder: str, seconds: float = 60, now: datetime = T0) -> bool:
    with transaction():
        return leases.acquire_lease(holder, seconds, now=now)


def test_one_holder_at_a_time_renewal_expiry_and_release(app):
    assert _acquire("a") and not _acquire("b")
    assert _acquire("a", now=T0 + timedelta(seconds=50))  # renewed: now until T0+110s
    assert not _acquire("b", now=T0 + timedelta(seconds=100))
    lease = leases.current_lease()
    assert (lease.holder, lease.acquired_at) == ("a", T0)
    assert lease.expires_at == T0 + timedelta(seconds=110)
    assert _acquire("b", now=T0 + timedelta(seconds=111))  # a stopped renewing: b takes over
    assert not _acquire("a", now=T0 + timedelta(seconds=112))
    assert leases.current_lease().acquired_at == T0 + timedelta(seconds=111)
    with transaction():
        assert not leases.release_lease("a")  # not a's to give up
        assert leases.release_lease("b")
    assert _acquire("a", now=T0 + timedelta(seconds=113))


def test_racing_first_acquisitions_give_the_lease_to_exactly_one(app):
    holders = [f"racer-{i}" for i in range(6)]
    barrier = threading.Barrier(len(holders))
    results: dict[str, bool] = {}

    def race(holder: str) -> None:
        with app.app_context():
            barrier.wait(timeout=30)
            results[holder] = _acquire(holder, now=datetime.now(UTC))

    threads = [threading.Thread(target=race, args=(h,)) for h in holders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [h for h, won in results.items() if won]
    assert len(results) == len(holders) and len(winners) == 1
    db.session.rollback()
    assert leases.current_lease().holder == winners[0]


def test_a_standby_skips_jobs_while_another_process_holds_the_lease(app):
    job = Job("probe", every(seconds=1), lambda: {"ran": 1}, "probe")
    holder, standby = LeaseKeeper(app, "holder", 60), LeaseKeeper(app, "standby", 60)
    assert holder.renew() and not standby.renew()
    assert run_if_holder(app, standby, job, (job,)) is None
    assert run_if_holder(app, holder, job, (job,)).detail == {"ran": 1, "scheduler": "holder"}
    holder.release()
    assert run_if_holder(app, standby, job, (job,)).detail["scheduler"] == "standby"


SCHEDULER_PROCESS = """
import os, sys, time
from server import create_app
from server.jobs.scheduler import run_scheduler
from server.jobs.table import Job, every

def probe():
    time.sleep(float(sys.argv[3]))
    return {"pid": os.getpid()}

app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_DIR": sys.argv[2]})
run_scheduler(app, lease_seconds=2, jobs=(Job("probe", every(seconds=0.3), probe, "who"),))
"""


def _start_scheduler(url: str, folder: Path, job_seconds: float = 0) -> subprocess.Popen:
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    with (folder / "stderr").open("w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-c", SCHEDULER_PROCESS, url, str(folder), str(job_seconds)],
            cwd=ROOT, env=env, stdout=stderr, stderr=stderr)


def _wait_for_runs_by(holder_pid: int | None, count: int = 3) -> str:
    """Wait until ``count`` probe runs are by one process (``holder_pid``, or any); its holder."""
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        mine = [r for r in _runs("probe") if r.status == "ok" and
                (holder_pid is None or r.detail["pid"] == holder_pid)]
        if len(mine) >= count:
            return mine[-1].detail["scheduler"]
        time.sleep(0.2)
    raise AssertionError(f"no {count} probe runs by {holder_pid or 'any scheduler'}")


@pytest.mark.slow
def test_two_scheduler_processes_only_the_lease_holder_runs_jobs(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    processes = {}
    try:
        for name in ("a", "b"):
            process = _start_scheduler(url, tmp_path / name)
            processes[process.pid] = process
        first = _wait_for_runs_by(None)
        first_pid = int(first.split(":")[1])
        second_pid = next(pid for pid in processes if pid != first_pid)
        # a clean stop lets the running job finish, then releases the lease at once
        processes[first_pid].send_signal(signal.SIGTERM)
        assert processes[first_pid].wait(timeout=30) == 0
        second = _wait_for_runs_by(second_pid)
        # a crash: the third takes over once the holder's lease has expired
        third_process = _start_scheduler(url, tmp_path / "c")
        processes[third_process.pid] = third_process
        time.sleep(1)
        processes[second_pid].kill()
        third = _wait_for_runs_by(third_process.pid)
    finally:
        for process in processes.values():
            process.kill()
            process.wait(timeout=30)
    runs = [r for r in _runs("probe") if r.status == "ok"]
    holders = [r.detail["scheduler"] for r in runs]
    assert {h.split(":")[1] for h in holders} <= {str(pid) for pid in processes}
    assert all(r.detail["scheduler"].split(":")[1] == str(r.detail["pid"]) for r in runs)
    blocks = [h for i, h in enumerate(holders) if i == 0 or holders[i - 1] != h]
    assert blocks == [first, second, third]  # never interleaved: one scheduler at a time
    for folder in ("a", "b", "c"):
        assert "Warning" not in (tmp_path / folder / "stderr").read_text()


def test_sigterm_lets_the_running_job_finish_before_the_scheduler_stops(app, tmp_path):
    process = _start_scheduler(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "a", 1.5)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _runs("probe"):
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait(timeout=30)
    assert [r.status for r in _runs("probe")] == ["ok"]
    assert _fresh(select(SchedulerLease)) == []


# --- the CLI ------------------------------------------------------------------------------

def test_cli_jobs_list_and_run(runner):
    listed = runner.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0, listed.output
    assert "backup_database\tcron hour=19 minute=30\tnever run" in listed.output
    assert "scheduler lease: free" in listed.output
    result = runner.invoke(args=["jobs", "run", "prune_job_runs"])
    assert result.exit_code == 0, result.output
    assert "prune_job_runs run 1: ok" in result.output and '"deleted": 0' in result.output
    assert "prune_job_runs\tcron hour=20 minute=0\tok" in \
        runner.invoke(args=["jobs", "list"]).output
    unknown = runner.invoke(args=["jobs", "run", "nope"])
    assert unknown.exit_code == 1 and "404.12" in unknown.output and "'nope'" in unknown.output


def test_cli_jobs_run_reports_a_failure_with_exit_code_1(app, runner, monkeypatch):
    def broken(*_args, **_kwargs):
        raise problems.pg_tool_missing("pg_dump")

    monkeypatch.setattr(backup, "backup_database", broken)
    result = runner.invoke(args=["jobs", "run", "backup_database"])
    assert result.exit_code == 1
    line = result.output.strip()  # in the instance's language, Vietnamese by default
    assert line.startswith("lỗi 500.2: ") and "'backup_database'" in line
    assert "(lần chạy 1): 503.3: pg_dump not found" in line  # the run row's English error
    assert [r.status for r in _runs("backup_database")] == ["failed"]
    monkeypatch.setitem(app.config, "SANGLOC_DEFAULT_LANGUAGE", "en")
    again = runner.invoke(args=["jobs", "run", "backup_database"]).output
    assert again.startswith("error 500.2: ") and "(run 2): 503.3: pg_dump" in again


def test_cli_scheduler_takes_the_lease_and_gives_it_up_on_sigterm(app, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANGLOC_")}
    env.update(SANGLOC_DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SANGLOC_INSTANCE_DIR=str(tmp_path / "scheduler"))
    log = tmp_path / "scheduler.log"
    with log.open("w") as output:
        process = subprocess.Popen([str(Path(sys.executable).parent / "sangloc"), "scheduler",
                                    "--lease-seconds", "3"], cwd=ROOT, env=env,
                                   stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not _fresh(select(SchedulerLease)):
            time.sleep(0.1)
        [holder] = [lease.holder for lease in _fresh(select(SchedulerLease))]
        assert holder.split(":")[1] == str(process.pid)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait(timeout=30)
    assert _fresh(select(SchedulerLease)) == []
    output = log.read_text()
    assert f"{holder} holds the scheduler lease" in output
    assert "Warning" not in output and "Traceback" not in output


def test_announcements_have_a_scheduler_thread_of_their_own(app):
    """A backup or a re-scoring run never delays a same-day safety contact's announcement."""
    from server.jobs.scheduler import LeaseKeeper, build_scheduler

    scheduler = build_scheduler(app, LeaseKeeper(app, "test:1:probe", 60))
    assert scheduler.get_job("deliver_notifications").executor == "notify"
    assert {scheduler.get_job(name).executor for name in
            ("backup_database", "rescore_screenings", "retry_failed_merges")} == {"default"}
