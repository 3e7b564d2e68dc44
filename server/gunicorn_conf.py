"""gunicorn settings for sangloc (``sangloc serve`` and the benchmarks).

The access log is off: app-user tokens are in URL paths, and ``server/requestlog.py`` logs
requests with the token masked. Sync workers: each request is short and database-bound.
"""

accesslog = None
errorlog = "-"
loglevel = "info"
worker_class = "sync"
keepalive = 5
timeout = 60  # Collect's read timeout is 60 s (openrosa.md b.1)
graceful_timeout = 20
