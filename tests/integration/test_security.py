"""Security headers on every response, and throttling of wrong tokens per client address.

Issue 8, item 7: ``X-Content-Type-Options: nosniff`` everywhere; ``Cache-Control: no-store`` on
every API response and on the generated per-device lists (``cases.csv`` carries names and
phone numbers); HSTS only when the request came over HTTPS (directly or through a trusted
proxy); repeated wrong app-user or API tokens from one address answered 429 with
``Retry-After`` in the route's own format, other addresses unaffected.
"""

from __future__ import annotations

import pytest
from werkzeug.test import TestResponse

from server import create_app
from server.boundary import transaction
from server.extensions import db
from server.services.access import api_tokens, users
from server.services.audit import SYSTEM
from server.throttle import WRONG_TOKEN_LIMIT
from tests.support.collect import headers as collect_headers

HERE = {"REMOTE_ADDR": "203.0.113.7"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.20"}
WRONG = "w" * 64


@pytest.fixture
def bearer(app) -> dict[str, str]:
    with transaction():
        users.create_user(SYSTEM, "gs-hn", "supervisor", ["01"])
        token = api_tokens.create_token(SYSTEM, "gs-hn")
    return {"Authorization": f"Bearer {token}"}


def _get(client, path: str, environ: dict | None = None, **headers) -> TestResponse:
    return client.get(path, headers={**collect_headers(), **headers},
                      environ_base=environ or HERE)


# --- headers -------------------------------------------------------------------------------

def test_nosniff_on_every_kind_of_response(client, device, bearer):
    responses = [
        _get(client, f"/key/{device.token}/formList"),
        _get(client, f"/key/{WRONG}/formList"),
        client.head(f"/key/{device.token}/submission", headers=collect_headers()),
        _get(client, "/api/v1/persons", **bearer),
        _get(client, "/api/v1/persons"),
        _get(client, "/api/v1/openapi.json"),
        _get(client, "/nothing-here"),
    ]
    for response in responses:
        assert response.headers["X-Content-Type-Options"] == "nosniff", response.request.path


def test_every_api_response_is_no_store(client, bearer):
    responses = {
        "ok": _get(client, "/api/v1/persons", **bearer),
        "unauthorised": _get(client, "/api/v1/persons"),
        "not found": _get(client, "/api/v1/persons/NOPE", **bearer),
        "bad query": _get(client, "/api/v1/persons?limit=0", **bearer),
        "no route": _get(client, "/api/v1/no-such-thing", **bearer),
        "openapi": _get(client, "/api/v1/openapi.json"),
    }
    statuses = {name: r.status_code for name, r in responses.items()}
    assert statuses["ok"] == statuses["openapi"] == 200, statuses
    assert statuses["unauthorised"] == 401 and statuses["no route"] == 404, statuses
    assert statuses["not found"] >= 400 and statuses["bad query"] >= 400, statuses
    for name, response in responses.items():
        assert response.headers["Cache-Control"] == "no-store", name


def test_generated_case_list_and_communes_are_no_store(publish_bundled, device):
    publish_bundled("mchat_r")
    for name in ("cases.csv", "communes.csv"):
        response = device.collect.get(
            f"{device.server_url}/forms/mchat_r/attachments/{name}")
        assert response.status_code == 200, name
        assert response.headers["Cache-Control"] == "no-store", name
        again = device.collect.client.get(
            device.collect.path(f"{device.server_url}/forms/mchat_r/attachments/{name}"),
            headers={**collect_headers(), "If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == "no-store", name


def test_hsts_only_over_https(client, device):
    plain = _get(client, f"/key/{device.token}/formList")
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get(f"/key/{device.token}/formList", headers=collect_headers(),
                        base_url="https://sangloc.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    # Without a trusted proxy, X-Forwarded-Proto is anybody's word: no HSTS.
    forged = _get(client, f"/key/{device.token}/formList", **{"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in forged.headers


@pytest.fixture
def proxied(app):
    """The same database behind one trusted reverse proxy (SANGLOC_PROXY_COUNT=1)."""
    behind = create_app({"INSTANCE_DIR": app.config["SANGLOC_INSTANCE_DIR"],
                         "DATABASE_URL": app.config["SANGLOC_DATABASE_URL"],
                         "PROXY_COUNT": 1, "TESTING": True})
    yield behind.test_client()
    with behind.app_context():
        db.engine.dispose()


def test_hsts_when_a_trusted_proxy_says_https(proxied):
    forwarded = {"X-Forwarded-For": "192.0.2.1"}
    over_https = proxied.get("/api/v1/openapi.json",
                             headers={**forwarded, "X-Forwarded-Proto": "https"})
    assert over_https.headers["Strict-Transport-Security"].startswith("max-age=")
    over_http = proxied.get("/api/v1/openapi.json",
                            headers={**forwarded, "X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in over_http.headers


# --- throttle ------------------------------------------------------------------------------

def _exhaust(client, path: str, environ: dict, **headers) -> None:
    for _ in range(WRONG_TOKEN_LIMIT):
        assert _get(client, path, environ, **headers).status_code == 401


def test_wrong_device_tokens_are_slowed_down_per_address(client, device):
    _exhaust(client, f"/key/{WRONG}/formList", HERE)
    refused = _get(client, f"/key/{device.token}/formList")
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert refused.headers["X-OpenRosa-Version"] == "1.0"
    seconds = int(refused.headers["Retry-After"])
    assert 1 <= seconds <= 60
    assert b"<OpenRosaResponse" in refused.data
    assert f"Hãy thử lại sau {seconds} giây".encode() in refused.data
    # Further guesses from that address are not even looked up: still 429, not 401.
    assert _get(client, f"/key/{WRONG}x/formList").status_code == 429
    # Another address is not affected, with the right token or a wrong one.
    assert _get(client, f"/key/{device.token}/formList", ELSEWHERE).status_code == 200
    assert _get(client, f"/key/{WRONG}/formList", ELSEWHERE).status_code == 401


def test_wrong_api_tokens_are_slowed_down_per_address(client, bearer):
    _exhaust(client, "/api/v1/persons", HERE, Authorization=f"Bearer {WRONG}")
    refused = _get(client, "/api/v1/persons", **bearer)
    assert refused.status_code == 429
    assert refused.headers["Cache-Control"] == "no-store"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json["error"]["code"] == "429.1"
    assert refused.json["error"]["status"] == 429
    assert "Try again in" in refused.json["error"]["message"]
    assert _get(client, "/api/v1/persons", ELSEWHERE, **bearer).status_code == 200


def test_the_two_kinds_of_wrong_token_share_one_count(client, device):
    half = WRONG_TOKEN_LIMIT // 2
    for _ in range(half):
        _get(client, f"/key/{WRONG}/formList")
    for _ in range(WRONG_TOKEN_LIMIT - half):
        _get(client, "/api/v1/persons", Authorization=f"Bearer {WRONG}")
    assert _get(client, f"/key/{device.token}/formList").status_code == 429


def test_right_tokens_and_missing_tokens_are_not_counted(client, device, bearer):
    for _ in range(WRONG_TOKEN_LIMIT + 5):
        assert _get(client, f"/key/{device.token}/formList").status_code == 200
        assert _get(client, "/api/v1/persons").status_code == 401  # no token at all
    assert _get(client, f"/key/{device.token}/formList").status_code == 200
    assert _get(client, "/api/v1/persons", **bearer).status_code == 200


def test_a_revoked_device_does_not_lock_out_its_colleagues(client, make_device, runner):
    """A revoked phone (403.1) keeps retrying its queue; colleagues behind the same address
    (a commune health station's Wi-Fi, a mobile carrier's NAT) must still get through."""
    revoked, colleague = make_device("ctv-old"), make_device("ctv-new")
    assert runner.invoke(args=["app-users", "revoke", "ctv-old"]).exit_code == 0
    for _ in range(WRONG_TOKEN_LIMIT + 5):
        assert _get(client, f"/key/{revoked.token}/formList").status_code == 403
    assert _get(client, f"/key/{colleague.token}/formList").status_code == 200
