"""Issue 12, the forms pages (``/admin/forms``, ``services/forms/drafts.py`` and
``management.py``) through Flask's test client on SQLite and PostgreSQL.

An upload becomes a draft that no device sees (formList, form download); publishing it makes
the new current version, which devices then list with the md5 of its XForm. A refused upload
stores nothing and answers the page with the Vietnamese explanation and where the mistake is
(sheet, row, column). The rule of who may change a form: an admin anything; a coordinator a form
assigned wholly inside their area (403.80 otherwise, also for a form offered everywhere), only
giving areas of their own and never "everywhere" (403.81). Every change is audited.
"""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Form, FormDraft, FormVersion
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import OTHER_PROVINCE_COMMUNE
from tests.integration.test_openrosa_forms import entries
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.xlsform import build_xlsx, photo_form

PAGE = "/admin/forms"
UPLOAD = "/admin/forms/upload"
HEADER = ["type", "name", "label", "relevant", "constraint", "calculation"]


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "dp-ba-dinh", "coordinator", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "qtv", "admin", ["01"], PASSWORD)


def visit_form(version: str, *, label: str = "Tên", calculation: str = "1 + 1",
               relevant: str = "", form_id: str = "tham_ho") -> bytes:
    """Rows 2-4 of the survey: a (text), b (integer), c (calculate, column F)."""
    return build_xlsx({
        "survey": [HEADER, ["text", "a", label, "", "", ""],
                   ["integer", "b", "Tuổi", relevant, "", ""],
                   ["calculate", "c", "", "", "", calculation]],
        "settings": [["form_id", "version", "form_title"], [form_id, version, "Thăm hộ"]],
    })


def upload(client, content: bytes, filename: str = "tham_ho.xlsx"):
    """Post the upload form, the body encoded here (the test client would spool a large body
    to a temporary file it never closes)."""
    page = client.get(PAGE)
    boundary = "sangloc-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token(page.data)}\r\n--{boundary}\r\nContent-Disposition: form-data; '
            f'name="file"; filename="{filename}"\r\nContent-Type: application/octet-stream'
            f'\r\n\r\n').encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(UPLOAD, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def post(client, url: str, page: str, **data):
    return client.post(url, data={"csrf_token": token(client.get(page).data), **data})


def draft_id(response) -> int:
    assert response.status_code == 302, response.data.decode()[:2000]
    return int(re.search(r"/admin/forms/drafts/(\d+)$", response.headers["Location"]).group(1))


def publish(client, number: int):
    return post(client, f"/admin/forms/drafts/{number}/publish", f"/admin/forms/drafts/{number}")


def listed_hash(device, form_id: str = "tham_ho") -> str | None:
    entry = entries(device.collect.form_list()).get(form_id)
    return entry["hash"] if entry else None


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
            if e.action.startswith("form.")]


def test_upload_draft_publish_and_formlist(app, staff, device):
    admin = signed_in(app, "qtv")
    first = draft_id(upload(admin, visit_form("1")))
    assert listed_hash(device) is None  # a draft is not served
    assert device.collect.get(f"{device.server_url}/forms/tham_ho.xml").status_code == 404
    page = admin.get(f"/admin/forms/drafts/{first}").data.decode()
    assert "Bản nháp" in page and "tham_ho" in page and "biểu mẫu mới" in page
    assert publish(admin, first).status_code == 302
    v1 = listed_hash(device)
    xml1 = db.session.scalar(select(FormVersion.xml).where(FormVersion.version == "1"))
    assert v1 == "md5:" + hashlib.md5(xml1).hexdigest()

    second = draft_id(upload(admin, visit_form("2", label="Họ và tên")))
    assert listed_hash(device) == v1  # still version 1 until the draft is published
    page = admin.get(f"/admin/forms/drafts/{second}").data.decode()
    assert "Tên" in page and "Họ và tên" in page  # relabelled, shown before publishing
    answer = publish(admin, second)
    assert answer.headers["Location"].endswith("/admin/forms/tham_ho?published=2")
    v2 = listed_hash(device)
    xml2 = db.session.scalar(select(FormVersion.xml).where(FormVersion.version == "2"))
    assert v2 == "md5:" + hashlib.md5(xml2).hexdigest() and v2 != v1
    assert db.session.scalar(select(FormDraft.id)) is None  # the draft is gone
    assert actions() == ["form.draft_upload", "form.publish", "form.draft_publish",
                         "form.draft_upload", "form.publish", "form.draft_publish"]
    page = admin.get("/admin/forms/tham_ho").data.decode()
    assert "md5:" + hashlib.md5(xml1).hexdigest() in page and "qtv" in page


def test_a_new_upload_replaces_the_draft(app, staff):
    admin = signed_in(app, "qtv")
    first = draft_id(upload(admin, visit_form("1")))
    second = draft_id(upload(admin, visit_form("1", label="Khác")))
    assert first != second
    assert admin.get(f"/admin/forms/drafts/{first}").status_code == 404
    assert "404.80" in admin.get(f"/admin/forms/drafts/{first}").data.decode()
    assert db.session.scalar(select(FormDraft.id)) == second


def test_version_not_newer_is_refused_and_nothing_kept(app, staff):
    admin = signed_in(app, "qtv")
    publish(admin, draft_id(upload(admin, visit_form("5"))))
    answer = upload(admin, visit_form("4"))
    page = answer.data.decode()
    assert answer.status_code == 409 and "409.12" in page
    assert "không đứng sau phiên bản hiện tại" in page
    same = upload(admin, visit_form("5"))
    assert same.status_code == 409 and "409.11" in same.data.decode()
    assert db.session.scalar(select(FormDraft.id)) is None


def test_a_pyxform_error_is_shown_with_sheet_row_and_column(app, staff):
    """${zz} in b's relevant (row 3, column D): pyxform refuses; the page names the cell."""
    admin = signed_in(app, "qtv")
    answer = upload(admin, visit_form("1", relevant="${zz} > 1"))
    page = answer.data.decode()
    assert answer.status_code == 422 and "422.83" in page
    assert "trang survey không có câu hỏi nào tên &#39;zz&#39;" in page
    assert "trang tính survey, dòng 3, cột D (relevant)" in page
    assert "Could not find the name" in page  # pyxform's own words beneath
    assert db.session.scalar(select(FormDraft.id)) is None
    post(admin, "/language", PAGE, lang="en")
    english = upload(admin, visit_form("1", relevant="${zz} > 1")).data.decode()
    assert "the survey sheet has no question named &#39;zz&#39;" in english
    assert "sheet survey, row 3, column D (relevant)" in english


def test_a_javarosa_error_is_shown_with_row_and_column(app, staff):
    """A calculation calling nosuch(): pyxform converts it, JavaRosa refuses (row 4, F)."""
    if not app.config["SANGLOC_STRICT"]:
        import forms

        if forms.java_path() is None:
            pytest.skip("no Java")
    admin = signed_in(app, "qtv")
    answer = upload(admin, visit_form("1", calculation="nosuch(${b})"))
    page = answer.data.decode()
    assert answer.status_code == 422 and "422.81" in page
    assert "hàm &#39;nosuch&#39;" in page
    assert "trang tính survey, dòng 4, cột F (calculation), trường /data/c" in page
    assert db.session.scalar(select(FormDraft.id)) is None


@pytest.mark.parametrize(("content", "filename", "status", "code"), [
    (b"just some text, not a workbook", "tham_ho.xlsx", 422, "422.86"),
    (b"%PDF-1.4", "tham_ho.pdf", 422, "422.80"),
    (b"PK\x03\x04" + b"\0" * 10_000_001, "big.xlsx", 413, "413.80"),
    (b"<html>no</html>", "tham_ho.xml", 422, "422.2"),
    (b"", "empty.xlsx", 400, "400.80"),
])
def test_bad_files_get_a_vietnamese_page(app, staff, content, filename, status, code):
    admin = signed_in(app, "qtv")
    answer = upload(admin, content, filename)
    assert answer.status_code == status
    assert answer.mimetype == "text/html"
    page = answer.data.decode()
    assert code in page and '<html lang="vi">' in page
    assert db.session.scalar(select(FormDraft.id)) is None


def test_states_change_what_devices_list(app, staff, device):
    admin = signed_in(app, "qtv")
    publish(admin, draft_id(upload(admin, visit_form("1"))))
    page = admin.get("/admin/forms/tham_ho").data.decode()
    assert "phiếu đã điền vẫn gửi được" in page  # each state explained
    answer = post(admin, "/admin/forms/tham_ho/state", "/admin/forms/tham_ho", state="closing")
    assert answer.status_code == 302
    assert listed_hash(device) is None
    assert db.session.scalar(select(Form.state)) == "closing"
    refused = post(admin, "/admin/forms/tham_ho/state", "/admin/forms/tham_ho", state="gone")
    assert refused.status_code == 400 and "400.17" in refused.data.decode()
    post(admin, "/admin/forms/tham_ho/state", "/admin/forms/tham_ho", state="open")
    assert listed_hash(device) is not None
    assert actions().count("form.state") == 2


def _publish_as_system(data: bytes, areas: list[str] | None = None) -> None:
    from server.services.forms import publishing

    with transaction():
        publishing.publish_form(SYSTEM, data, "tham_ho.xlsx", strict=False)
        if areas is not None:
            catalogue.assign_form(SYSTEM, "tham_ho", areas)


def test_a_form_offered_everywhere_is_the_admins(app, staff, monkeypatch):
    _publish_as_system(visit_form("1"))
    coordinator = signed_in(app, "dp-ha-noi")
    refused = post(coordinator, "/admin/forms/tham_ho/state", "/admin/forms/tham_ho",
                   state="closed")
    assert refused.status_code == 403
    assert "403.80" in refused.data.decode() and "chỉ quản trị viên" in refused.data.decode()
    again = upload(coordinator, visit_form("2"))
    assert again.status_code == 403 and "403.80" in again.data.decode()
    admin = signed_in(app, "qtv")
    assert post(admin, "/admin/forms/tham_ho/areas", "/admin/forms/tham_ho",
                codes="01").status_code == 302
    assert [a.area_code for a in db.session.scalar(select(Form)).assignments] == ["01"]


def test_a_coordinator_manages_forms_inside_their_area_only(app, staff, device):
    _publish_as_system(visit_form("1"), ["01"])
    ha_noi = signed_in(app, "dp-ha-noi")
    assert post(ha_noi, "/admin/forms/tham_ho/areas", "/admin/forms/tham_ho",
                areas="00004").status_code == 302
    assert [a.area_code for a in db.session.scalar(select(Form)).assignments] == ["00004"]
    outside = post(ha_noi, "/admin/forms/tham_ho/areas", "/admin/forms/tham_ho", areas="15")
    assert outside.status_code == 404 and "404.8" in outside.data.decode()
    everywhere = post(ha_noi, "/admin/forms/tham_ho/areas", "/admin/forms/tham_ho",
                      everywhere="1")
    assert everywhere.status_code == 403 and "403.81" in everywhere.data.decode()
    lao_cai = signed_in(app, "dp-lao-cai")
    assert lao_cai.get("/admin/forms/tham_ho").status_code == 404  # not offered there
    forbidden = post(lao_cai, "/admin/forms/tham_ho/state", PAGE, state="closed")
    assert forbidden.status_code == 403 and forbidden.mimetype == "text/html"
    assert "403.80" in forbidden.data.decode() and "Hãy nhờ quản trị viên" in \
        forbidden.data.decode()
    ba_dinh = signed_in(app, "dp-ba-dinh")  # holds 00004 only, the form's one area
    assert post(ba_dinh, "/admin/forms/tham_ho/state", "/admin/forms/tham_ho",
                state="closing").status_code == 302
    supervisor = signed_in(app, "gs-ba-dinh")
    assert supervisor.get(PAGE).status_code == 403
    assert "403.50" in supervisor.get(PAGE).data.decode()


def test_a_new_form_from_a_coordinator_is_offered_in_their_area(app, staff, make_device):
    ha_noi = signed_in(app, "dp-ha-noi")
    number = draft_id(upload(ha_noi, visit_form("1")))
    lao_cai = signed_in(app, "dp-lao-cai")
    assert lao_cai.get(f"/admin/forms/drafts/{number}").status_code == 403
    assert "tham_ho" not in lao_cai.get(PAGE).data.decode()
    assert publish(ha_noi, number).status_code == 302
    assert [a.area_code for a in db.session.scalar(select(Form)).assignments] == ["01"]
    assert listed_hash(make_device("ctv-ha-noi")) is not None
    assert listed_hash(make_device("ctv-lao-cai", OTHER_PROVINCE_COMMUNE)) is None


def test_media_attached_to_a_draft_are_carried_onto_the_version(app, staff, device):
    admin = signed_in(app, "qtv")
    number = draft_id(upload(admin, photo_form("1"), "photo_visit.xlsx"))
    page = admin.get(f"/admin/forms/drafts/{number}").data.decode()
    assert re.search(r"logo\.png</code>: <mark>thiếu", page)
    assert "communes.csv</code>: máy chủ tạo cho từng thiết bị" in page
    logo = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{token(page.encode())}\r\n--{boundary}\r\nContent-Disposition: form-data; '
            f'name="file"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n').encode() \
        + logo + f"\r\n--{boundary}--\r\n".encode()
    answer = admin.post(f"/admin/forms/drafts/{number}/media", data=body,
                        content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 302
    page = admin.get(f"/admin/forms/drafts/{number}").data.decode()
    assert "logo.png</code>: đã gắn vào bản nháp" in page
    publish(admin, number)
    version = db.session.scalar(select(FormVersion))
    assert [(a.filename, a.md5) for a in version.attachments] == [
        ("logo.png", hashlib.md5(logo).hexdigest())]
    assert "form.draft_attach" in actions()


def test_discard_removes_the_draft(app, staff, device):
    admin = signed_in(app, "qtv")
    number = draft_id(upload(admin, visit_form("1")))
    answer = post(admin, f"/admin/forms/drafts/{number}/discard", f"/admin/forms/drafts/{number}")
    assert answer.status_code == 302
    assert db.session.scalar(select(FormDraft.id)) is None
    assert actions() == ["form.draft_upload", "form.draft_discard"]
    assert listed_hash(device) is None


def test_the_diff_between_two_versions(app, staff):
    """Version 1 -> 3: a relabelled Tên -> Họ và tên; b made a decimal would be refused, so
    version 3 adds d (date) instead."""
    admin = signed_in(app, "qtv")
    publish(admin, draft_id(upload(admin, visit_form("1"))))
    v3 = build_xlsx({
        "survey": [HEADER, ["text", "a", "Họ và tên", "", "", ""],
                   ["integer", "b", "Tuổi", "", "", ""], ["date", "d", "Ngày", "", "", ""]],
        "settings": [["form_id", "version", "form_title"], ["tham_ho", "3", "Thăm hộ"]],
    })
    publish(admin, draft_id(upload(admin, v3)))
    page = admin.get("/admin/forms/tham_ho/diff?before=1&after=3").data.decode()
    assert "Trường được thêm (1)" in page and "/data/d" in page
    assert "Trường bị bỏ (1)" in page and "/data/c" in page
    assert "Trường đổi nhãn (1)" in page and "Họ và tên" in page
    assert admin.get("/admin/forms/tham_ho/diff?before=1&after=9").status_code == 404


def test_the_migration_matches_the_draft_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert [d for d in differences if "form_draft" in str(d)] == []
