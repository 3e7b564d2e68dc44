"""``python -m server.cli``: the ``sangloc`` command (``sangloc serve`` starts the
scheduler this way)."""

from server.cli import main

main()
