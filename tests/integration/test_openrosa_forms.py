"""formList, form download, manifest and media, as ODK Collect uses them (openrosa.md a.3-a.6)."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET

import pytest

from server.boundary import transaction
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import OTHER_PROVINCE_COMMUNE
from tests.support.problems import raises_problem
from tests.support.xlsform import photo_form

LIST_NS = {"x": "http://openrosa.org/xforms/xformsList"}
MANIFEST_NS = {"m": "http://openrosa.org/xforms/xformsManifest"}
RESPONSE_NS = {"r": "http://openrosa.org/http/response"}


def entries(response) -> dict[str, dict[str, str | None]]:
    root = ET.fromstring(response.data)
    assert root.tag == "{http://openrosa.org/xforms/xformsList}xforms"
    found = {}
    for xform in root.findall("x:xform", LIST_NS):
        fields = {child.tag.split("}")[1]: child.text for child in xform}
        found[fields["formID"]] = fields
    return found


def error_message(response) -> str:
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.data)
    message = root.find("r:message", RESPONSE_NS)
    assert message.get("nature") == "error"
    return message.text


def test_form_list_headers_and_hash(publish, device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    response = device.collect.form_list()
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.headers["X-OpenRosa-Version"] == "1.0"
    assert response.headers["Cache-Control"] == "no-store"
    entry = entries(response)["anchor_screen"]
    assert entry["name"] == "Anchor screening form"
    assert entry["version"] == "1"
    assert entry["downloadUrl"] == f"{device.server_url}/forms/anchor_screen.xml"
    assert "manifestUrl" not in entry  # the form uses no media
    download = device.collect.get(entry["downloadUrl"])
    assert download.status_code == 200
    assert download.data == anchor_xform  # served verbatim, exactly as published
    assert entry["hash"] == "md5:" + hashlib.md5(download.data).hexdigest()


def test_empty_form_list_is_valid(device):
    response = device.collect.form_list()
    assert response.status_code == 200
    assert entries(response) == {}


def test_form_id_filter(publish, device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    publish(photo_form(), "photo_visit.xlsx")
    assert set(entries(device.collect.form_list())) == {"anchor_screen", "photo_visit"}
    assert set(entries(device.collect.form_list(formID="photo_visit"))) == {"photo_visit"}
    assert entries(device.collect.form_list(formID="nope")) == {}


@pytest.mark.parametrize(("state", "listed"), [("open", True), ("closing", False),
                                               ("closed", False)])
def test_only_open_forms_are_listed(publish, device, anchor_xform, state, listed):
    publish(anchor_xform, "anchor_screen.xml")
    with transaction():
        catalogue.set_form_state(SYSTEM, "anchor_screen", state)
    assert ("anchor_screen" in entries(device.collect.form_list())) is listed


def test_forms_assigned_to_an_area(publish, make_device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    hanoi, laocai = make_device("ctv-hn"), make_device("ctv-lc", OTHER_PROVINCE_COMMUNE)
    with transaction():
        catalogue.assign_form(SYSTEM, "anchor_screen", ["15"])  # Lào Cai province
    assert "anchor_screen" not in entries(hanoi.collect.form_list())
    assert "anchor_screen" in entries(laocai.collect.form_list())
    assert hanoi.collect.get(f"{hanoi.server_url}/forms/anchor_screen.xml").status_code == 403
    with transaction():
        catalogue.assign_form(SYSTEM, "anchor_screen", ["00004"])  # Ba Đình commune
    assert "anchor_screen" in entries(hanoi.collect.form_list())
    assert "anchor_screen" not in entries(laocai.collect.form_list())


def test_newest_version_is_listed(publish, device, anchor_xform):
    publish(anchor_xform, "anchor_screen.xml")
    v2 = anchor_xform.replace(b'version="1"', b'version="2"')
    publish(v2, "anchor_screen.xml")
    entry = entries(device.collect.form_list())["anchor_screen"]
    assert entry["version"] == "2"
    assert entry["hash"] == "md5:" + hashlib.md5(v2).hexdigest()


def test_manifest_and_media(app, publish, device):
    publish(photo_form(), "photo_visit.xlsx")
    entry = entries(device.collect.form_list())["photo_visit"]
    assert entry["manifestUrl"] == f"{device.server_url}/forms/photo_visit/manifest"
    manifest = device.collect.get(entry["manifestUrl"])
    assert manifest.status_code == 200
    assert manifest.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert manifest.headers["X-OpenRosa-Version"] == "1.0"
    assert manifest.headers["Cache-Control"] == "no-store"
    files = media_files(manifest)
    # logo.png is not attached yet: only files the server holds are listed
    assert set(files) == {"communes.csv"}
    communes = device.collect.get(files["communes.csv"]["downloadUrl"])
    assert communes.data.decode() == "name,label\n00004,Phường Ba Đình\n"
    assert files["communes.csv"]["hash"] == "md5:" + hashlib.md5(communes.data).hexdigest()
    png = b"\x89PNG\r\n\x1a\nfake image bytes"
    with transaction():
        catalogue.attach_media(SYSTEM, app.extensions["sangloc_blobs"], "photo_visit",
                               "logo.png", png)
    files = media_files(device.collect.get(entry["manifestUrl"]))
    assert files["logo.png"]["hash"] == "md5:" + hashlib.md5(png).hexdigest()
    image = device.collect.get(files["logo.png"]["downloadUrl"])
    assert image.status_code == 200
    assert image.data == png
    assert image.headers["Content-Type"] == "image/png"


def media_files(response) -> dict[str, dict[str, str]]:
    root = ET.fromstring(response.data)
    assert root.tag == "{http://openrosa.org/xforms/xformsManifest}manifest"
    return {m.findtext("m:filename", namespaces=MANIFEST_NS):
            {child.tag.split("}")[1]: child.text for child in m}
            for m in root.findall("m:mediaFile", MANIFEST_NS)}


def test_attaching_a_file_the_form_does_not_use_is_refused(app, publish):
    publish(photo_form(), "photo_visit.xlsx")
    with raises_problem("422.6") as raised, transaction():
        catalogue.attach_media(SYSTEM, app.extensions["sangloc_blobs"], "photo_visit",
                               "x.png", b"data")
    assert "'x.png'" in raised.value.message("en") and "logo.png" in raised.value.message("en")


def test_openrosa_version_header_required(device, client):
    response = client.get(f"/key/{device.token}/formList")
    assert response.status_code == 400
    assert "X-OpenRosa-Version" in error_message(response)


def test_unknown_token_is_401(device):
    device.collect.base = "/key/not-a-token"
    response = device.collect.form_list()
    assert response.status_code == 401
    assert error_message(response)


def test_revoked_token_is_refused_at_once(device, anchor_xform, publish):
    publish(anchor_xform, "anchor_screen.xml")
    assert device.collect.form_list().status_code == 200
    with transaction():
        users.revoke_app_user(SYSTEM, device.name)
    assert device.collect.form_list().status_code == 403
    assert device.collect.head_submission().status_code == 403
    assert "thu hồi" in error_message(device.collect.form_list())


def test_unknown_routes_answer_openrosa_xml_not_html(device):
    response = device.collect.get(f"{device.server_url}/nothing/here")
    assert response.status_code == 404
    assert error_message(response)
    response = device.collect.get(f"{device.server_url}/forms/unknown.xml")
    assert response.status_code == 404
    assert "unknown" in error_message(response)
