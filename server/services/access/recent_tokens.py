"""Tokens verified in the last few seconds, for answering Collect's ``HEAD /submission``.

Collect sends ``HEAD /submission`` before every submission; it changes nothing and only says
"this URL takes submissions". Each worker process keeps the devices whose token it verified
for a HEAD in the last ``TTL`` seconds, keyed by the token's SHA-256 (never the raw token), so a
batch of submissions reads the database for the first HEAD only. Positive answers only: an
unknown or refused token is looked up every time (and counted by the wrong-token throttle).

What this means for revocation: the POST that follows always checks the database, so a revoked
or deactivated device's submissions are refused at once; only its HEAD may still be answered 204
for at most ``TTL`` seconds after it was last verified. Other routes (form list, downloads) are
never answered from here. It must not hold anything but the small ``Scope`` value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.services.access.scope import Scope

TTL = 5.0  # seconds a verified token is trusted for HEAD /submission
SIZE = 4096  # entries at most per process (one per device seen in the last TTL seconds)


class RecentTokens:
    """A bounded map: token hash -> (Scope, expiry). ``clock`` is monotonic seconds."""

    def __init__(self, ttl: float = TTL, size: int = SIZE,
                 clock: Callable[[], float] = time.monotonic):
        self.ttl, self.size, self.clock = ttl, size, clock
        self._entries: dict[str, tuple[Scope, float]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Scope | None:
        """The device verified under ``key`` less than ``ttl`` seconds ago, else None."""
        found = self._entries.get(key)
        if found is None:
            return None
        if self.clock() >= found[1]:
            with self._lock:
                self._entries.pop(key, None)
            return None
        return found[0]

    def put(self, key: str, scope: Scope) -> None:
        """Remember a positive answer; when full, expired entries go first, then all."""
        now = self.clock()
        with self._lock:
            if key not in self._entries and len(self._entries) >= self.size:
                self._entries = {k: v for k, v in self._entries.items() if v[1] > now}
                if len(self._entries) >= self.size:
                    self._entries = {}
            self._entries[key] = (scope, now + self.ttl)

    def __len__(self) -> int:
        return len(self._entries)
