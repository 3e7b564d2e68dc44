"""gunicorn settings for sangloc (``sangloc serve`` and the benchmarks).

The access log is off: app-user tokens are in URL paths, and ``server/requestlog.py`` logs
requests with the token masked. Each request is short and CPU-bound, so one thread per
worker process; gthread workers serve keep-alive connections.
"""

accesslog = None
errorlog = "-"
loglevel = "info"
worker_class = "gthread"  # keeps Collect's keep-alive connections without holding a worker
threads = 1
keepalive = 5
timeout = 60  # Collect's read timeout is 60 s (openrosa.md b.1)
graceful_timeout = 20
