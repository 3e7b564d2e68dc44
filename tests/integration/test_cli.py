"""The ``sangloc`` command: users, devices, API tokens, areas, forms, init."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server.collect_settings import decode_payload
from server.extensions import db
from server.models import AppUser, AuditEvent, Form, FormVersion, User
from tests.support.paths import DATA
from tests.support.xlsform import build_xlsx


def invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input, catch_exceptions=False)


def test_users_create_with_password_from_stdin(runner):
    result = invoke(runner, "users", "create", "gs-hanoi", "--role", "supervisor", "--area",
                    "01,02680", "--password-stdin", input="mật khẩu dài\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "gs-hanoi"))
    assert user.role == "supervisor" and user.area_codes == ["01", "02680"]
    assert user.password_hash.startswith("$argon2")
    from server.services.access.users import verify_password
    assert verify_password(user, "mật khẩu dài") and not verify_password(user, "wrong")


def test_users_create_refuses_unknown_area(runner):
    result = runner.invoke(args=["users", "create", "x", "--role", "collaborator", "--area",
                                 "99999"])
    assert result.exit_code == 1
    assert "404.8" in result.output and "'99999'" in result.output  # no such area


def test_app_users_create_json_qr_and_revoke(runner, tmp_path, client):
    qr = tmp_path / "ctv.png"
    result = invoke(runner, "app-users", "create", "ctv-ba-dinh", "--commune", "00004",
                    "--json", "--qr", str(qr))
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["commune"] == "00004" and info["commune_name"] == "Phường Ba Đình"
    assert info["server_url"].startswith("http://sangloc.test/key/")
    token = info["server_url"].rsplit("/", 1)[1]
    assert len(token) >= 60
    assert qr.read_bytes().startswith(b"\x89PNG")
    settings = decode_payload(info["qr_payload"])
    assert settings["general"]["server_url"] == info["server_url"]
    assert db.session.scalar(select(AppUser.token_hash)) != token  # only a hash is stored
    # the same device's link to the mobile web app: its token in the fragment
    assert info["app_url"] == f"http://sangloc.test/m/#device={token}"
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.get_json()["device"] is True
    headers = {"X-OpenRosa-Version": "1.0"}
    assert client.get(f"/key/{token}/formList", headers=headers).status_code == 200
    assert invoke(runner, "app-users", "revoke", "ctv-ba-dinh").exit_code == 0
    assert client.get(f"/key/{token}/formList", headers=headers).status_code == 403


def test_app_users_create_gives_the_public_url_the_server_started_with(app, runner,
                                                                       monkeypatch):
    """Issue 9, rough edge 1: ``sangloc serve`` keeps its public URL in the instance folder;
    the CLI uses it unless SANGLOC_PUBLIC_URL is set in its own shell (tests/integration/
    test_serve.py holds the same with a real server)."""
    def server_url(name: str) -> str:
        result = invoke(runner, "app-users", "create", name, "--commune", "00004", "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)["server_url"]

    monkeypatch.setitem(app.config, "SANGLOC_PUBLIC_URL", None)  # not set in this shell
    config = app.config
    assert server_url("a").startswith(
        f"http://{config['SANGLOC_HOST']}:{config['SANGLOC_PORT']}/key/")  # no server yet
    saved = Path(config["SANGLOC_INSTANCE_DIR"]) / "public_url"
    saved.write_text("https://sangloc.example.vn:8443\n")
    assert server_url("b").startswith("https://sangloc.example.vn:8443/key/")
    monkeypatch.setitem(app.config, "SANGLOC_PUBLIC_URL", "https://this-shell.example.vn")
    assert server_url("c").startswith("https://this-shell.example.vn/key/")


def test_app_user_needs_a_commune_not_a_province(runner):
    result = runner.invoke(args=["app-users", "create", "x", "--commune", "01"])
    assert result.exit_code == 1
    assert "400.12" in result.output  # a province where a commune is needed


def test_areas_list(runner):
    result = invoke(runner, "areas", "list", "--province", "01", "--json")
    rows = json.loads(result.output)
    assert rows[0] == {"code": "00004", "name": "Phường Ba Đình", "type": "phường",
                       "province_code": "01"}
    assert {"code": "01", "name": "Thành phố Hà Nội", "type": "thành phố trung ương",
            "province_code": None} in rows
    assert all(r["province_code"] == "01" for r in rows if r["code"] != "01")
    everything = json.loads(invoke(runner, "areas", "list", "--json").output)
    assert sum(len(r["code"]) == 2 for r in everything) == 34
    assert sum(len(r["code"]) == 5 for r in everything) == 3321


def test_forms_publish_json_and_duplicate_version(runner, tmp_path):
    path = tmp_path / "anchor_screen.xml"
    path.write_bytes((DATA / "anchor_screen.xml").read_bytes())
    result = invoke(runner, "forms", "publish", str(path), "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert (info["form_id"], info["version"], info["title"]) == \
        ("anchor_screen", "1", "Anchor screening form")
    again = runner.invoke(args=["forms", "publish", str(path), "--json"])
    assert again.exit_code == 1
    error = json.loads(again.output)["error"]
    assert error["code"] == "409.11" and error["status"] == 409  # the version exists
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 1


def test_forms_publish_reports_sheet_and_row(runner, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(build_xlsx({
        "survey": [["type", "name", "label"], ["text", "a", "A"],
                   ["integer", "b b", "B"]],
        "settings": [["form_id", "version"], ["broken", "1"]]}))
    result = runner.invoke(args=["forms", "publish", str(path), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert error["code"] == "422.1" and error["detail"]["reason"] == "xlsform_invalid"
    assert error["detail"]["sheet"] == "survey" and error["detail"]["row"] == 3
    line = runner.invoke(args=["forms", "publish", str(path)]).output.strip()
    assert line.startswith("lỗi 422.1: ") and line.endswith("(trang tính survey, dòng 3)")


def test_field_may_not_change_type_between_versions(runner, tmp_path):
    def form(version: str, kind: str) -> bytes:
        return build_xlsx({"survey": [["type", "name", "label"], [kind, "age", "Tuổi"]],
                           "settings": [["form_id", "version"], ["typed", version]]})
    (tmp_path / "v1.xlsx").write_bytes(form("1", "integer"))
    (tmp_path / "v2.xlsx").write_bytes(form("2", "text"))
    assert invoke(runner, "forms", "publish", str(tmp_path / "v1.xlsx")).exit_code == 0
    result = runner.invoke(args=["forms", "publish", str(tmp_path / "v2.xlsx"), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.output)["error"]
    assert error["code"] == "409.13" and error["detail"]["field"] == "/data/age"


def _versioned(tmp_path: Path, version: str | None) -> Path:
    """A one-question XLSForm ``versioned`` with ``version`` on its settings sheet."""
    settings = [["form_id", "version"], ["versioned", version]] if version is not None \
        else [["form_id"], ["versioned"]]
    path = tmp_path / f"versioned-{version}.xlsx"
    path.write_bytes(build_xlsx({"survey": [["type", "name", "label"], ["text", "q", "Hỏi"]],
                                 "settings": settings}))
    return path


def _current_version() -> str:
    form = db.session.scalar(select(Form).where(Form.xml_form_id == "versioned"))
    db.session.refresh(form)
    return form.current_version.version


@pytest.mark.parametrize("version", [None, "", "   "])
def test_publish_refuses_a_form_without_a_version(runner, tmp_path, version):
    """Issue 9, rough edge 2: an empty version used to be published as ''."""
    result = runner.invoke(args=["forms", "publish", str(_versioned(tmp_path, version)),
                                 "--json"])
    assert result.exit_code == 1, result.output
    assert json.loads(result.output)["error"]["code"] == "422.5"  # the form has no version
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0


def test_publish_refuses_a_version_older_than_the_current_one_and_names_it(runner, tmp_path):
    """Issue 9, rough edge 2: 2026112901 after 2026113001 used to become current silently."""
    assert invoke(runner, "forms", "publish", str(_versioned(tmp_path, "2026113001"))
                  ).exit_code == 0
    older = _versioned(tmp_path, "2026112901")
    result = runner.invoke(args=["forms", "publish", str(older)])
    assert result.exit_code == 1
    assert "409.12" in result.output and "2026113001" in result.output  # says what is current
    assert _current_version() == "2026113001"
    allowed = invoke(runner, "forms", "publish", str(older), "--allow-older")
    assert allowed.exit_code == 0, allowed.output
    assert _current_version() == "2026112901"


@pytest.mark.parametrize(("current", "newer", "older"), [
    ("9", "10", "8"),            # digits compare as numbers: 10 after 9 (not as text)
    ("2026113001", "2026120101", "2026112999"),  # ODK's date convention yyyymmddnn
    ("v1.2", "v1.3", "v1.1"),    # anything else as text
])
def test_publish_accepts_only_a_version_that_sorts_after_the_current_one(runner, tmp_path,
                                                                         current, newer, older):
    assert invoke(runner, "forms", "publish", str(_versioned(tmp_path, current))).exit_code == 0
    refused = runner.invoke(args=["forms", "publish", str(_versioned(tmp_path, older))])
    assert refused.exit_code == 1 and "409.12" in refused.output
    assert invoke(runner, "forms", "publish", str(_versioned(tmp_path, newer))).exit_code == 0
    assert _current_version() == newer


def test_forms_state(runner, tmp_path):
    path = tmp_path / "anchor_screen.xml"
    path.write_bytes((DATA / "anchor_screen.xml").read_bytes())
    invoke(runner, "forms", "publish", str(path))
    assert invoke(runner, "forms", "state", "anchor_screen", "closing").exit_code == 0
    assert db.session.scalar(select(Form.state)) == "closing"
    bad = runner.invoke(args=["forms", "state", "anchor_screen", "archived"])
    assert bad.exit_code != 0


@pytest.mark.java
def test_init_is_idempotent_and_publishes_bundled_forms(runner):
    first = invoke(runner, "init", "--demo")
    assert first.exit_code == 0, first.output
    assert "Admin login:" in first.output and "/key/" in first.output
    collect_token = re.search(r"/key/(\S+)", first.output)[1]
    assert f"/m/#device={collect_token}" in first.output  # the browser app, same device
    published = db.session.scalar(select(func.count()).select_from(FormVersion))
    second = invoke(runner, "init", "--demo")
    assert second.exit_code == 0, second.output
    assert "Admin login:" not in second.output
    assert "administrative units: 0 added or updated" in second.output
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == published


def _phq9_form(bind_q09: str) -> bytes:
    survey = [["type", "name", "label", "bind::sangloc:item"]]
    survey += [["select_one l", f"q{i:02d}", f"Câu {i}", f"phq9.q{i:02d}"] for i in range(1, 9)]
    survey += [["select_one l", "q09", "Câu 9", bind_q09]]
    choices = [["list_name", "name", "label"]] + [["l", str(v), str(v)] for v in range(4)]
    return build_xlsx({"survey": survey, "choices": choices,
                       "settings": [["form_id", "version", "namespaces"],
                                    ["phq9_local", "1", 'sangloc="urn:sangloc"']]})


@pytest.mark.parametrize(("bind_q09", "code", "named"), [
    ("", "binding_item_missing", "q09"),
    ("phq9.q08", "binding_item_twice", "/data/q09"),
    ("phq9.q99", "binding_unknown_item", "/data/q09"),
    ("phq10.q09", "binding_unknown_instrument", "/data/q09"),
])
def test_publishing_a_form_with_a_broken_binding_is_refused(runner, tmp_path, bind_q09, code,
                                                            named):
    path = tmp_path / "phq9_local.xlsx"
    path.write_bytes(_phq9_form(bind_q09))
    result = runner.invoke(args=["forms", "publish", str(path), "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.output)["error"]
    assert error["code"] == "422.4" and error["detail"]["reason"] == code
    assert named in error["message"]
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0


def test_publishing_a_correctly_bound_form_records_its_instrument(runner, tmp_path):
    path = tmp_path / "phq9_local.xlsx"
    path.write_bytes(_phq9_form("phq9.q09"))
    result = invoke(runner, "forms", "publish", str(path), "--json")
    assert json.loads(result.output)["instrument"] == "phq9"
    version = db.session.scalar(select(FormVersion))
    assert version.binding["items"]["q09"] == "/data/q09"


# --- cutting access off: API tokens and users (issue 8, item 7) ----------------------------

def _api_token(runner, username: str) -> dict[str, str]:
    token = json.loads(invoke(runner, "api-tokens", "create", username, "--json").output)
    return {"Authorization": f"Bearer {token['token']}"}


def _audited(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_api_tokens_list_never_shows_a_token(runner):
    invoke(runner, "users", "create", "gs-hn", "--role", "supervisor", "--area", "01")
    invoke(runner, "users", "create", "gs-lc", "--role", "supervisor", "--area", "15")
    first, _ = _api_token(runner, "gs-hn"), _api_token(runner, "gs-lc")
    listed = json.loads(invoke(runner, "api-tokens", "list", "--json").output)
    assert [(t["id"], t["user"]) for t in listed] == [(1, "gs-hn"), (2, "gs-lc")]
    assert set(listed[0]) == {"id", "user", "created", "expires", "revoked"}
    assert listed[0]["revoked"] is None and listed[0]["expires"] > listed[0]["created"]
    assert [t["user"] for t in json.loads(
        invoke(runner, "api-tokens", "list", "gs-lc", "--json").output)] == ["gs-lc"]
    text = invoke(runner, "api-tokens", "list").output
    assert "gs-hn" in text and "gs-lc" in text
    secret = first["Authorization"].removeprefix("Bearer ")
    assert secret not in text and secret not in json.dumps(listed)


def test_api_tokens_revoke_one_then_all_of_a_user(runner, client):
    invoke(runner, "users", "create", "gs-hn", "--role", "supervisor", "--area", "01")
    one, two, three = (_api_token(runner, "gs-hn") for _ in range(3))
    assert client.get("/api/v1/persons", headers=one).status_code == 200
    result = invoke(runner, "api-tokens", "revoke", "1")
    assert result.exit_code == 0 and "revoked API token 1" in result.output
    refused = client.get("/api/v1/persons", headers=one)
    assert refused.status_code == 401 and refused.json["error"]["code"] == "401.2"
    assert client.get("/api/v1/persons", headers=two).status_code == 200
    result = invoke(runner, "api-tokens", "revoke", "--user", "gs-hn")
    assert result.exit_code == 0 and "revoked 2 API token(s) of gs-hn" in result.output
    assert client.get("/api/v1/persons", headers=two).status_code == 401
    assert client.get("/api/v1/persons", headers=three).status_code == 401
    listed = json.loads(invoke(runner, "api-tokens", "list", "--json").output)
    assert all(t["revoked"] for t in listed)
    assert [e.target_id for e in _audited("api_token.revoke")] == ["1", "2", "3"]
    # revoking again changes nothing and records nothing
    assert invoke(runner, "api-tokens", "revoke", "1").exit_code == 0
    assert len(_audited("api_token.revoke")) == 3


def test_api_tokens_revoke_needs_exactly_one_target(runner):
    unknown = runner.invoke(args=["api-tokens", "revoke", "99"])
    assert unknown.exit_code == 1 and "404.9" in unknown.output  # no such token
    nobody = runner.invoke(args=["api-tokens", "revoke", "--user", "nobody"])
    assert nobody.exit_code == 1 and "404.6" in nobody.output  # no such user
    assert runner.invoke(args=["api-tokens", "revoke"]).exit_code != 0
    assert runner.invoke(args=["api-tokens", "revoke", "1", "--user", "x"]).exit_code != 0


def test_users_deactivate_cuts_off_devices_and_api_tokens_until_activated(runner, client):
    created = json.loads(invoke(runner, "app-users", "create", "ctv-bd", "--commune", "00004",
                                "--json").output)
    device = created["server_url"].removeprefix("http://sangloc.test")
    bearer = _api_token(runner, "ctv-bd")  # the collaborator created with the device
    collect = {"X-OpenRosa-Version": "1.0"}
    assert client.get(f"{device}/formList", headers=collect).status_code == 200
    assert client.get("/api/v1/persons", headers=bearer).status_code == 200
    result = invoke(runner, "users", "deactivate", "ctv-bd")
    assert result.exit_code == 0 and "deactivated ctv-bd" in result.output
    assert client.get(f"{device}/formList", headers=collect).status_code == 403
    assert client.get("/api/v1/persons", headers=bearer).status_code == 401
    assert invoke(runner, "users", "activate", "ctv-bd").exit_code == 0
    assert client.get(f"{device}/formList", headers=collect).status_code == 200
    assert client.get("/api/v1/persons", headers=bearer).status_code == 200
    user_id = db.session.scalar(select(User.id).where(User.username == "ctv-bd"))
    assert [(e.action, e.target_id) for e in _audited("user.deactivate")
            + _audited("user.activate")] == [("user.deactivate", str(user_id)),
                                             ("user.activate", str(user_id))]


def test_users_deactivate_unknown_user(runner):
    result = runner.invoke(args=["users", "deactivate", "nobody"])
    assert result.exit_code == 1 and "lỗi 404.6: " in result.output and "'nobody'" in result.output
