"""gunicorn settings for sangloc (``sangloc serve``, the benchmarks and the tests).

The access log is off: app-user tokens are in URL paths, and ``server/requestlog.py`` logs
requests with the token masked.

Slow clients: each worker process serves ``SANGLOC_THREADS`` requests at once (``threads``), and
``server/gunicorn_worker.py`` bounds how long reading a request
may take (``SANGLOC_READ_TIMEOUT`` seconds of silence, and a minimum overall rate) and keeps
silent connections from holding threads, so a few stalled, trickling or silent clients cannot
hold every thread. In production a buffering reverse proxy (nginx) in front reads whole requests
before they reach gunicorn (see the README).

Metrics: when ``sangloc serve`` gave the workers a shared metrics folder, a worker that exits
is marked dead there (``child_exit``), so its live gauges leave the sums (``server/metrics.py``).
With ``SANGLOC_LOG_FORMAT=json`` gunicorn's own lines (start, worker exits) are JSON as well.
"""

from server.config import check_settings, read_environment

_settings = read_environment()
check_settings(_settings)

accesslog = None
errorlog = "-"
loglevel = "info"
# gthread with a read deadline; keeps Collect's keep-alive connections without holding a thread
worker_class = "server.gunicorn_worker.DeadlineWorker"
threads = _settings["THREADS"]
keepalive = 5
timeout = 60  # Collect's read timeout is 60 s (openrosa.md b.1)
graceful_timeout = 20
# No gunicornc control socket: sangloc does not use it, and every instance on the machine would
# share its default path ($HOME/.gunicorn/gunicorn.ctl).
control_socket_disable = True

if _settings["LOG_FORMAT"] == "json":
    logconfig_dict = {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": "server.logformat.JsonFormatter"}},
        "handlers": {"error_console": {"class": "logging.StreamHandler",
                                       "formatter": "json", "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": ["error_console"]},  # sangloc's lines too
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["error_console"],
                                       "propagate": False, "qualname": "gunicorn.error"}},
    }


def child_exit(_server, worker) -> None:
    from server.metrics import mark_process_dead

    mark_process_dead(worker.pid)
