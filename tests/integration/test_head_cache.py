"""HEAD /submission answered from the tokens verified for a HEAD in the last few seconds.

A revoked device's POST is refused at once even while its HEAD is still remembered; its HEAD is
refused once the remembered answer is older than the TTL (the clock is the test's own). Only
positive answers are kept, keyed by the token's SHA-256.
"""

from __future__ import annotations

import hashlib

import pytest

from server.boundary import transaction
from server.openrosa import RECENT_TOKENS
from server.services.access import users
from server.services.access.recent_tokens import TTL, RecentTokens
from server.services.audit import SYSTEM
from tests.integration.conftest import anchor_instance
from tests.integration.test_openrosa_forms import error_message


@pytest.fixture
def clock():
    return [1000.0]


@pytest.fixture
def recent(app, clock, monkeypatch) -> RecentTokens:
    cache = RecentTokens(clock=lambda: clock[0])
    monkeypatch.setitem(app.extensions, RECENT_TOKENS, cache)
    return cache


@pytest.fixture
def anchor(publish, anchor_xform):
    return publish(anchor_xform, "anchor_screen.xml")


def test_revoked_device_post_refused_at_once_head_after_the_ttl(anchor, device, recent, clock):
    assert device.collect.head_submission().status_code == 204
    with transaction():
        users.revoke_app_user(SYSTEM, device.name)
    clock[0] += TTL - 0.5
    assert device.collect.head_submission().status_code == 204  # the documented window
    refused = device.collect.post_submission(anchor_instance())
    assert refused.status_code == 403
    assert "thu hồi" in error_message(refused)
    clock[0] += 0.5
    assert device.collect.head_submission().status_code == 403


def test_entries_are_keyed_by_the_token_hash_and_positive_only(device, recent, client):
    assert client.head("/key/" + "x" * 64 + "/submission").status_code == 401
    assert len(recent) == 0
    assert device.collect.head_submission().status_code == 204
    assert device.collect.head_submission().status_code == 204
    expected = hashlib.sha256(device.token.encode("utf-8")).hexdigest()
    assert list(recent._entries) == [expected]


def test_other_routes_are_never_answered_from_the_cache(anchor, device, recent):
    assert device.collect.head_submission().status_code == 204
    with transaction():
        users.revoke_app_user(SYSTEM, device.name)
    assert device.collect.form_list().status_code == 403
