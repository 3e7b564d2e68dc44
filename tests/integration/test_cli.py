"""The ``sangloc`` command: users, devices, areas, forms, init."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.collect_settings import decode_payload
from server.extensions import db
from server.models import AppUser, Form, FormVersion, User
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
    from server.services.users import verify_password
    assert verify_password(user, "mật khẩu dài") and not verify_password(user, "wrong")


def test_users_create_refuses_unknown_area(runner):
    result = runner.invoke(args=["users", "create", "x", "--role", "collaborator", "--area",
                                 "99999"])
    assert result.exit_code == 1
    assert "unknown area code '99999'" in result.output


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
    headers = {"X-OpenRosa-Version": "1.0"}
    assert client.get(f"/key/{token}/formList", headers=headers).status_code == 200
    assert invoke(runner, "app-users", "revoke", "ctv-ba-dinh").exit_code == 0
    assert client.get(f"/key/{token}/formList", headers=headers).status_code == 403


def test_app_user_needs_a_commune_not_a_province(runner):
    result = runner.invoke(args=["app-users", "create", "x", "--commune", "01"])
    assert result.exit_code == 1
    assert "is a province" in result.output


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
    assert error["code"] == "version_exists" and "new version" in error["message"]
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
    assert error["code"] == "xlsform_invalid"
    assert error["sheet"] == "survey" and error["row"] == 3


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
    assert error["code"] == "field_type_changed" and error["field"] == "/data/age"


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
    assert error["code"] == code
    assert named in error["message"]
    assert db.session.scalar(select(func.count()).select_from(FormVersion)) == 0


def test_publishing_a_correctly_bound_form_records_its_instrument(runner, tmp_path):
    path = tmp_path / "phq9_local.xlsx"
    path.write_bytes(_phq9_form("phq9.q09"))
    result = invoke(runner, "forms", "publish", str(path), "--json")
    assert json.loads(result.output)["instrument"] == "phq9"
    version = db.session.scalar(select(FormVersion))
    assert version.binding["items"]["q09"] == "/data/q09"
