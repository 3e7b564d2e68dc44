"""server/throttle.py: wrong tokens counted per address in a sliding window, bounded memory."""

from __future__ import annotations

import pytest

from server.throttle import WrongTokenThrottle, address_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_waits_until_its_oldest_failure_leaves_the_window():
    clock = Clock()
    throttle = WrongTokenThrottle(limit=3, window=60, clock=clock)
    for step in (0, 10, 20):
        clock.now = 1000 + step
        assert throttle.wait_seconds("a") == 0
        throttle.record_failure("a")
    assert throttle.wait_seconds("a") == 40  # the failure at 1000 leaves at 1060
    clock.now = 1059.5
    assert throttle.wait_seconds("a") == 1  # never 0 while still refused
    clock.now = 1060
    assert throttle.wait_seconds("a") == 0
    throttle.record_failure("a")  # the window slides: failures at 1010, 1020, 1060
    assert throttle.wait_seconds("a") == 10


def test_addresses_are_counted_apart():
    throttle = WrongTokenThrottle(limit=2, window=60, clock=Clock())
    throttle.record_failure("a")
    throttle.record_failure("a")
    assert throttle.wait_seconds("a") > 0
    assert throttle.wait_seconds("b") == 0


def test_memory_is_bounded_forgetting_the_address_that_failed_least_recently():
    throttle = WrongTokenThrottle(limit=1, window=60, capacity=2, clock=Clock())
    for key in ("a", "b", "a", "c"):  # "b" failed least recently when "c" arrives
        throttle.record_failure(key)
    assert throttle.wait_seconds("a") > 0 and throttle.wait_seconds("c") > 0
    assert throttle.wait_seconds("b") == 0
    assert len(throttle._failures) == 2


@pytest.mark.parametrize(("remote", "key"), [
    ("203.0.113.7", "203.0.113.7"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.7", "203.0.113.7"),
    (None, ""),
    ("unix-socket", "unix-socket"),
])
def test_ipv6_is_counted_per_64_network(remote, key):
    assert address_key(remote) == key
