"""Issue 12, loading the licensed text of M-CHAT-R/F, SDQ and EPDS into their forms
(``/admin/forms/<form_id>/licensed-text``, ``services/forms/licensed_text.py``), through
Flask's test client on SQLite and PostgreSQL.

The coordinator downloads the template (one row per item and per answer option, in the form's
order), fills the ``text`` column, uploads it, sees what will change, and confirms: a new
version is published (JavaRosa, binding, field types), devices get it (formList hash), and a
submission scores as before, since only labels changed. Every mistake in the file is a
Vietnamese problem naming its row, and nothing is published; never a 500.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from forms.labels import read_labels
from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Form, FormVersion, Screening
from server.programme import today
from server.services.access import users
from server.services.audit import SYSTEM
from server.services.forms import catalogue
from tests.integration.conftest import bundled_xform
from tests.integration.test_openrosa_forms import entries
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.instances import VERSION, levels, screening_instance

VI, EN = "Tiếng Việt (vi)", "English (en)"


def page(form_id: str) -> str:
    return f"/admin/forms/{form_id}/licensed-text"


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "qtv", "admin", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)


def template(client, form_id: str, lang: str = VI) -> list[list[str]]:
    response = client.get(f"{page(form_id)}/template.csv", query_string={"lang": lang})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def filled(rows: list[list[str]], text=lambda key, value: f"Nội dung {key} {value}".strip()):
    """The template with its ``text`` column filled (``current`` left as it came)."""
    return [rows[0], *([key, value, current, text(key, value)]
                       for key, value, current, _ in rows[1:])]


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def upload(client, form_id: str, data: bytes, lang: str = VI, filename: str = "epds.csv"):
    """Post the upload form, the body encoded here: werkzeug's test client would spool a large
    body to a temporary file it never closes."""
    shown = client.get(page(form_id))
    boundary = "sangloc-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in (("csrf_token", token(shown.data)), ("lang", lang))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + data + f"\r\n--{boundary}--\r\n".encode())
    return client.post(f"{page(form_id)}/preview", data=b"".join(parts),
                       content_type=f"multipart/form-data; boundary={boundary}")


def confirm(client, form_id: str, preview_html: bytes):
    address = re.search(rb'name="preview" value="([0-9a-f]{64})"', preview_html).group(1)
    return client.post(f"{page(form_id)}/confirm", data={
        "csrf_token": token(preview_html), "preview": address.decode()})


def current(form_id: str) -> FormVersion:
    db.session.expire_all()
    form = db.session.scalar(select(Form).where(Form.xml_form_id == form_id))
    return form.current_version


def test_a_filled_template_publishes_a_new_version_that_devices_get_and_scores_the_same(
        app, staff, publish, device):
    publish(bundled_xform("epds"), "epds.xml")  # JavaRosa runs, as for the new version
    before = entries(device.collect.form_list())["epds"]
    client = signed_in(app, "qtv")
    rows = template(client, "epds")
    # the form's order: q01's question row, then its options 0 (top) .. 3, then q02 ...
    assert rows[0] == ["item", "value", "current", "text"]
    assert [r[:2] for r in rows[1:6]] == [["q01", ""], ["q01", "0"], ["q01", "1"],
                                          ["q01", "2"], ["q01", "3"]]
    assert rows[1][2] == "EPDS câu 1" and len(rows) == 1 + 10 * 5
    preview = upload(client, "epds", as_csv(filled(rows)))
    assert preview.status_code == 200
    text = preview.data.decode()
    assert "EPDS câu 3" in text and "Nội dung q03" in text  # before and after
    expected = f"{today():%Y%m%d}01"
    expected = expected if int(expected) > int(VERSION) else str(int(VERSION) + 1)
    assert expected in text
    done = confirm(client, "epds", preview.data)
    assert done.status_code == 302 and f"loaded={expected}" in done.headers["Location"]

    new = current("epds")
    assert new.version == expected
    labels = read_labels(new.xml, "vi")
    assert labels.questions["/data/epds/q03"].label == "Nội dung q03"
    assert labels.questions["/data/epds/q03"].choices["0"] == "Nội dung q03 0"
    assert read_labels(new.xml, "en").questions["/data/epds/q03"].label == "EPDS item 3"
    after = entries(device.collect.form_list())["epds"]
    assert after["version"] == expected and after["hash"] != before["hash"]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "form.licensed_text")).one()
    assert event.detail["items"][:2] == ["q01", "q01 = 0"]
    assert "Nội dung" not in str(event.detail)

    # EPDS raw 1,0,0,2,3,1,3,3,3,3 -> q01 1 + q02 0 + q03 (3-0) 3 + q04 2 + q05 (3-3) 0
    # + q06 (3-1) 2 + q07..q10 (3-3) 0 = 8 (instruments.md §8; q10 bottom option: no flag)
    answers = levels(10, q01=1, q02=0, q03=0, q04=2, q05=3, q06=1, q07=3, q08=3, q09=3,
                     q10=3)
    for version, name in ((VERSION, "Lê Thị Một"), (expected, "Lê Thị Hai")):
        xml = screening_instance("epds", answers, dob=date(1995, 3, 1), sex="female",
                                 name=name)
        response = device.collect.submit(xml.replace(
            f'version="{VERSION}"'.encode(), f'version="{version}"'.encode()))
        assert response.status_code == 201, response.text
    db.session.expire_all()
    scored = db.session.scalars(select(Screening).order_by(Screening.id)).all()
    assert [(s.form_version, s.total, s.flags) for s in scored] == [
        (VERSION, 8, []), (expected, 8, [])]


def test_an_english_text_leaves_the_vietnamese_one(app, staff, publish_bundled):
    publish_bundled("mchat_r")
    client = signed_in(app, "qtv")
    rows = template(client, "mchat_r", EN)
    assert rows[2][:3] == ["q01", "yes", "Yes"]
    same = filled(rows, lambda key, value: {"yes": "Yes", "no": "No"}.get(value, f"Item {key}"))
    preview = upload(client, "mchat_r", as_csv(same), lang=EN)
    assert preview.status_code == 200
    assert confirm(client, "mchat_r", preview.data).status_code == 302
    labels = read_labels(current("mchat_r").xml, "en")
    assert labels.questions["/data/mchat_r/q05"].label == "Item q05"
    assert read_labels(current("mchat_r").xml, "vi").questions["/data/mchat_r/q05"].label == \
        "M-CHAT-R câu 5"


def test_a_shared_option_with_two_texts_is_refused(app, staff, publish_bundled):
    publish_bundled("mchat_r")
    client = signed_in(app, "qtv")
    rows = template(client, "mchat_r")
    # every item shares the form's yes/no list: q02's "yes" differs from q01's
    texts = filled(rows, lambda key, value: "Khác" if (key, value) == ("q02", "yes") else
                   {"yes": "Có", "no": "Không"}.get(value, f"Câu {key}"))
    response = upload(client, "mchat_r", as_csv(texts))
    assert response.status_code == 200
    assert "Dòng 6: q02 = yes dùng chung danh sách lựa chọn" in response.data.decode()
    assert 'name="preview"' not in response.data.decode()


@pytest.mark.parametrize(("change", "message"), [
    (lambda rows: [rows[0], *rows[6:11], *rows[1:6], *rows[11:]],
     "Dòng 2: ghi q02, nhưng ở vị trí này cần q01."),
    (lambda rows: [r for r in rows if r[:2] != ["q10", ""]],
     "Tệp thiếu dòng cho q10 (dòng 47 của tệp mẫu)."),
    (lambda rows: [*rows, ["q11", "", "", "Câu 11"]],
     "Dòng 52: &#39;q11&#39; không phải một câu của biểu mẫu này."),
    (lambda rows: [*rows[:3], ["q01", "5", "", "x"], *rows[4:]],
     "Dòng 4: câu q01 không có giá trị trả lời &#39;5&#39;."),
    (lambda rows: [*rows[:3], rows[2], *rows[3:]], "Dòng 4: q01 = 0 đã có ở dòng 3"),
])
def test_a_wrong_file_names_the_row_in_vietnamese_and_publishes_nothing(app, staff,
                                                                         publish_bundled,
                                                                         change, message):
    publish_bundled("epds")
    client = signed_in(app, "qtv")
    response = upload(client, "epds", as_csv(change(filled(template(client, "epds")))))
    assert response.status_code == 200
    assert message in response.data.decode()
    assert current("epds").version == VERSION


@pytest.mark.parametrize(("data", "lang", "status", "code"), [
    (b"\xff\xfe\x00garbage", VI, 422, "422.77"),
    (b"PK\x03\x04broken", VI, 422, "422.77"),
    (b"item,text\r\nq01,x\r\n", VI, 422, "422.76"),
    (b"item,value,text\r\n" + b"q01,,x\r\n" * 70_000, VI, 413, "413.100"),
    (b"item,value,text\r\n", "Deutsch", 400, "400.100"),
])
def test_a_file_that_cannot_be_read_is_a_vietnamese_page(app, staff, publish_bundled, data,
                                                         lang, status, code):
    publish_bundled("epds")
    client = signed_in(app, "qtv")
    response = upload(client, "epds", data, lang=lang)
    assert response.status_code == status
    assert code in response.data.decode() and current("epds").version == VERSION


def test_a_preview_confirmed_twice_or_after_a_newer_version(app, staff, publish_bundled):
    publish_bundled("epds")
    client = signed_in(app, "qtv")
    rows = filled(template(client, "epds"))
    first = upload(client, "epds", as_csv(rows))
    second = upload(client, "epds", as_csv(filled(rows, lambda k, v: f"Bản hai {k} {v}")))
    assert confirm(client, "epds", second.data).status_code == 302
    again = confirm(client, "epds", second.data)
    assert again.status_code == 404 and "404.70" in again.data.decode()
    outdated = confirm(client, "epds", first.data)
    assert outdated.status_code == 409 and "409.100" in outdated.data.decode()
    assert len(db.session.scalars(select(FormVersion)).all()) == 2


def test_roles_and_areas(app, staff, publish_bundled):
    publish_bundled("epds", "phq9")
    assert signed_in(app, "gs-ba-dinh").get(page("epds")).status_code == 403
    assert signed_in(app, "qtv").get(page("phq9")).status_code == 404  # not licensed
    assert "404.100" in signed_in(app, "qtv").get(page("phq9")).data.decode()
    assert signed_in(app, "qtv").get(page("nope")).status_code == 404
    # a form offered everywhere: a coordinator sees its items but cannot load its texts
    hanoi = signed_in(app, "dp-ha-noi")
    shown = hanoi.get(page("epds"))
    assert shown.status_code == 200 and 'type="file"' not in shown.data.decode()
    refused = upload(hanoi, "epds", as_csv(filled(template(hanoi, "epds"))))
    assert refused.status_code == 403 and "403.100" in refused.data.decode()
    # assigned to Hà Nội: its coordinator loads; Lào Cai's does not even see it
    with transaction():
        catalogue.assign_form(SYSTEM, "epds", ["01"])
    assert upload(hanoi, "epds", as_csv(filled(template(hanoi, "epds")))).status_code == 200
    assert signed_in(app, "dp-lao-cai").get(page("epds")).status_code == 404
    listed = hanoi.get("/admin/licensed-texts").data.decode()
    assert page("epds") in listed and page("phq9") not in listed
