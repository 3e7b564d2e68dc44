"""WSGI entry point: ``app = create_app()`` and nothing else."""

from server import create_app

app = create_app()
