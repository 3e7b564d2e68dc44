"""Periodic jobs, redash-style: one table of jobs, a runner, and the scheduler process.

``table.py`` is the ONE table of periodic jobs (``JOBS``), ``bodies.py`` what each does;
``runner.py`` runs one job now inside
an app context and ``transaction()`` and records a ``job_runs`` row; ``scheduler.py`` is the
scheduler process (``sangloc scheduler``), which runs jobs only while it holds the database
lease, so one scheduler runs them however many are started.

Nothing here is started by ``create_app`` or by a web worker, and nothing here holds business
logic: each job is a thin call into one service function.
"""
