"""Counting wrong tokens per client address, in a sliding window, in this process's memory.

``WrongTokenThrottle`` remembers, for each address, the times of its last
``WRONG_TOKEN_LIMIT`` wrong tokens. An address whose oldest remembered failure is younger than
``WINDOW_SECONDS`` must wait until that failure leaves the window. Both operations are O(1);
memory is bounded by ``MAX_ADDRESSES`` (the address that failed least recently is forgotten
first). Each gunicorn worker process counts on its own, so across ``SANGLOC_WORKERS`` processes
an address may get up to that many times the limit before every process refuses it.

IPv6 addresses count per /64 network (one subscriber usually holds a whole /64); IPv4
addresses count one by one. Nothing here knows HTTP or Flask (``server/security.py`` does).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

WRONG_TOKEN_LIMIT = 20
WINDOW_SECONDS = 60
MAX_ADDRESSES = 4096


def address_key(remote_addr: str | None) -> str:
    """The unit that is counted: an IPv4 address, or an IPv6 address's /64 network."""
    if not remote_addr:
        return ""
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return remote_addr[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class WrongTokenThrottle:
    """Thread-safe sliding-window count of failures per key."""

    def __init__(self, limit: int = WRONG_TOKEN_LIMIT, window: float = WINDOW_SECONDS,
                 capacity: int = MAX_ADDRESSES,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.capacity, self.clock = limit, window, capacity, clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def wait_seconds(self, key: str) -> int:
        """0 if ``key`` may try a token now, else whole seconds until it may (at least 1)."""
        with self._lock:
            times = self._failures.get(key)
            if times is None or len(times) < self.limit:
                return 0
            left = times[0] + self.window - self.clock()
        return max(1, math.ceil(left)) if left > 0 else 0

    def record_failure(self, key: str) -> None:
        with self._lock:
            times = self._failures.get(key)
            if times is None:
                times = self._failures[key] = deque(maxlen=self.limit)
                if len(self._failures) > self.capacity:
                    self._failures.popitem(last=False)
            else:
                self._failures.move_to_end(key)
            times.append(self.clock())
