"""The bounded map of recently verified tokens (server/services/access/recent_tokens.py)."""

from __future__ import annotations

from server.services.access.recent_tokens import RecentTokens
from server.services.access.scope import Scope


def scope(n: int) -> Scope:
    return Scope(n, None, "00004", "Ba Đình", frozenset({"00004"}), frozenset({"01"}), "vi")


def test_an_entry_lives_for_the_ttl_only():
    now = [0.0]
    recent = RecentTokens(ttl=5.0, clock=lambda: now[0])
    recent.put("a", scope(1))
    now[0] = 4.9
    assert recent.get("a") == scope(1)
    now[0] = 5.0
    assert recent.get("a") is None
    assert len(recent) == 0


def test_when_full_expired_entries_go_first_then_everything():
    now = [0.0]
    recent = RecentTokens(ttl=5.0, size=3, clock=lambda: now[0])
    recent.put("a", scope(1))
    recent.put("b", scope(2))
    now[0] = 3.0
    recent.put("c", scope(3))
    now[0] = 6.0  # a and b expired, c alive
    recent.put("d", scope(4))
    assert len(recent) == 2 and recent.get("c") == scope(3) and recent.get("d") == scope(4)
    recent.put("e", scope(5))
    recent.put("f", scope(6))  # full of live entries: start again
    assert len(recent) == 1 and recent.get("f") == scope(6) and recent.get("c") is None


def test_a_known_key_is_refreshed_without_eviction():
    now = [0.0]
    recent = RecentTokens(ttl=5.0, size=1, clock=lambda: now[0])
    recent.put("a", scope(1))
    now[0] = 4.0
    recent.put("a", scope(1))
    now[0] = 8.0
    assert recent.get("a") == scope(1)
