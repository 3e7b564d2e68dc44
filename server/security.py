"""HTTP hardening shared by every route: security headers and throttling of wrong tokens.

(Filled in by the issue 8, item 7 work: registered once by ``create_app``.)
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Install the hooks on ``app``."""
