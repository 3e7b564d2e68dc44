"""Issue 11, a screening in full on the case pages: answers, raw submission, attachments.

A supervisor opening one screening of a case sees its total, subscales, band, flags, the device's
score, the interview date and every answer with the form's own labels (the form version the
submission was made with, in the page's language when the form has it). The raw XML and the
attachments download as they were sent. The expected labels below are the bundled PHQ-9
XLSForm's (``forms/definitions/phq9.xlsx``, survey and choices sheets), read from the workbook,
not from the page. Scoping: another area's supervisor, or a screening of another person under a
case of the area, get the same 404 as an unknown id; every view and download is audited.
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html import unescape

import openpyxl
import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Case, FormVersion, Screening, Submission, User
from server.programme import today
from server.services.access import users
from server.services.audit import SYSTEM
from tests.integration.test_ui import PASSWORD, sign_in, token
from tests.support.instances import VERSION, levels, screening_instance

ADULT = date(1990, 5, 17)
# phq9.xlsx, survey sheet: label::Tiếng Việt (vi) and label::English (en) of q01, q02, q09
Q01 = ("Ít hứng thú hoặc ít thấy vui khi làm mọi việc",
       "Little interest or pleasure in doing things")
Q02 = ("Cảm thấy buồn, chán nản hoặc tuyệt vọng", "Feeling down, depressed, or hopeless")
Q09 = ("Có ý nghĩ rằng mình chết đi thì tốt hơn, hoặc ý nghĩ tự làm hại bản thân theo cách nào đó",
       "Thoughts that you would be better off dead or of hurting yourself in some way")
# choices sheet, list "frequency": 0, 1, 2; list "agree": yes; list "sex": male
NOT_AT_ALL = ("Không ngày nào", "Not at all")
SEVERAL_DAYS = ("Vài ngày", "Several days")
MORE_THAN_HALF = ("Hơn một nửa số ngày", "More than half the days")
AGREES = ("Có, đồng ý", "Yes, agrees")
MALE = ("Nam", "Male")


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "gs-ngoc-ha", "supervisor", ["00008"], PASSWORD)


def _submit(device, name: str = "Lê Văn Gấp", files: dict[str, bytes] | None = None,
            form_id: str = "phq9", **kwargs) -> tuple[bytes, Screening, int]:
    """Send a screening, by default a PHQ-9 with q02 = 2, q09 = 1; return the XML as sent,
    its screening and its person's case's id."""
    kwargs.setdefault("answers", levels(9, q02=2, q09=1))
    kwargs.setdefault("dob", ADULT)
    xml = kwargs.pop("xml", None) or screening_instance(
        form_id, kwargs.pop("answers"), name=name, **kwargs)
    assert device.collect.submit(xml, files).status_code == 201
    instance_id = re.search(rb"<instanceID>([^<]+)</instanceID>", xml).group(1).decode()
    screening = db.session.scalar(select(Screening).join(
        Submission, Submission.id == Screening.submission_id).where(
        Submission.instance_id == instance_id))
    case_id = db.session.scalar(select(Case.id).where(Case.person_id == screening.person_id))
    return xml, screening, case_id


def _page(case_id: int, screening_id: int) -> str:
    return f"/cases/{case_id}/screenings/{screening_id}"


def _english(client) -> None:
    page = client.get("/worklist")
    client.post("/language", data={"lang": "en", "back": "/worklist",
                                   "csrf_token": token(page.data)})


def _answer(html: str, label: str) -> str:
    """The answer cell of the row whose header is ``label``."""
    found = re.search(r'<th scope="row">\s*' + re.escape(label) + r"\s*</th>\s*<td>(.*?)</td>",
                      unescape(html), re.S)
    assert found, label
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def _audits(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_the_page_shows_every_answer_with_the_forms_vietnamese_labels(client, staff, all_forms,
                                                                      device):
    _, screening, case_id = _submit(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    page = client.get(_page(case_id, screening.id))
    html = page.data.decode()
    assert page.status_code == 200 and '<html lang="vi">' in html
    assert _answer(html, Q01[0]).startswith(NOT_AT_ALL[0])
    assert _answer(html, Q02[0]).startswith(MORE_THAN_HALF[0])
    assert _answer(html, Q09[0]).startswith(SEVERAL_DAYS[0])
    assert _answer(html, "Giới tính").startswith(MALE[0])
    assert _answer(html, "Họ và tên") == "Lê Văn Gấp"
    assert _answer(html, "Ngày sinh") == "17/05/1990"  # a date question, as dates are written
    assert _answer(html, "Xã / phường / đặc khu") == "Phường Ba Đình"  # the code's name
    assert AGREES[0] in html
    # PHQ-9 total = 2 + 1 = 3: "none or minimal" (0-4, Kroenke 2001), in sync.messages' words
    assert re.search(r"<dd>\s*3\s*</dd>", html)
    assert "không có hoặc rất ít triệu chứng trầm cảm" in html
    assert "<script>" not in html and 'style="' not in html
    assert 'class="overflow-auto"' in html and '<th scope="col">' in html


def test_english_labels_when_the_page_is_in_english(client, staff, all_forms, device):
    interview = today() - timedelta(days=3)
    _, screening, case_id = _submit(device, device_total=7,
                                    start=f"{interview.isoformat()}T09:15:02.123+07:00")
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    _english(client)
    html = client.get(_page(case_id, screening.id)).data.decode()
    assert '<html lang="en">' in html
    assert _answer(html, Q01[1]).startswith(NOT_AT_ALL[1])
    assert _answer(html, Q02[1]).startswith(MORE_THAN_HALF[1])
    assert _answer(html, Q09[1]).startswith(SEVERAL_DAYS[1])
    assert _answer(html, "Sex").startswith(MALE[1])
    assert Q09[0] not in html
    text = " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())
    assert "Interview date " + interview.strftime("%d/%m/%Y") in text
    assert "Total 3" in text and "no or minimal symptoms of depression" in text
    assert "Device score 7 (differs from the server's score)" in text
    assert "Self-harm answer" in text


def test_subscales_are_shown_with_their_bands(client, staff, all_forms, device):
    """SDQ parent 4-17, every item "not true": the reversed items q07, q11, q14, q21 and q25
    score 2 (sdqinfo.org scoring), so emotional 0, conduct 2, hyperactivity 4, peer 4,
    prosocial 0, total difficulties 10. Parent 4-17 three-band cut-offs (sdqinfo.org): peer
    4-10 and prosocial 0-4 are abnormal, the others normal."""
    answers = {f"q{i:02d}": "not_true" for i in range(1, 26)}
    _, screening, case_id = _submit(device, "Lê Thị Nhỏ", form_id="sdq_p4_17",
                                    answers=answers, dob=date(2015, 3, 1))
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    _english(client)
    html = client.get(_page(case_id, screening.id)).data.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", unescape(html)).split())
    assert "Total 10" in text
    for row in ("Emotional symptoms 0 Normal", "Conduct problems 2 Normal",
                "Hyperactivity and inattention 4 Normal", "Peer problems 4 Abnormal",
                "Prosocial behaviour 0 Abnormal"):
        assert row in text, row


def test_the_raw_submission_downloads_exactly_as_the_device_sent_it(client, staff, all_forms,
                                                                    device):
    xml, screening, case_id = _submit(device)
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    html = client.get(_page(case_id, screening.id)).data.decode()
    link = f"{_page(case_id, screening.id)}/submission.xml"
    assert f'href="{link}"' in html
    answer = client.get(link)
    assert answer.status_code == 200 and answer.data == xml
    assert answer.mimetype == "application/xml"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def _phq9_with_photo() -> bytes:
    """The bundled PHQ-9, one version later, with a photo of the paper form in its items'
    group (an image question, so the submission carries an attachment)."""
    import forms
    from server.services.forms.publishing import bundled_definitions

    book = openpyxl.load_workbook(io.BytesIO(dict(bundled_definitions())["phq9.xlsx"]))
    survey, settings = book["survey"], book["settings"]
    rows = [row[0].value for row in survey.iter_rows()]
    end = max(i for i, kind in enumerate(rows) if kind == "end_group") + 1  # the phq9 group's
    survey.insert_rows(end)
    for column, value in ((1, "image"), (2, "paper_form"), (3, "Ảnh phiếu giấy"),
                          (4, "Photo of the paper form")):
        survey.cell(row=end, column=column, value=value)
    settings.cell(row=2, column=2, value=str(int(VERSION) + 1))
    buffer = io.BytesIO()
    book.save(buffer)
    return forms.convert_xlsform(buffer.getvalue(), "phq9.xlsx").xml


def _with_photo(device, photo: bytes | None, name: str = "Lê Văn Ảnh"):
    """A PHQ-9 naming a photo, sent with it (``photo`` None: the photo is not sent)."""
    from server.services.forms import publishing

    if db.session.scalar(select(FormVersion.id).where(
            FormVersion.version == str(int(VERSION) + 1))) is None:
        with transaction():
            publishing.publish_xform(SYSTEM, _phq9_with_photo(), "phq9.xlsx", strict=False)
    xml = screening_instance("phq9", {**levels(9, q09=1), "paper_form": "ảnh phiếu.jpg"},
                             dob=ADULT, name=name).replace(
        f'version="{VERSION}"'.encode(), f'version="{int(VERSION) + 1}"'.encode())
    return _submit(device, xml=xml, files=None if photo is None else {"ảnh phiếu.jpg": photo})


def test_an_attachment_downloads_with_its_bytes(client, staff, all_forms, device):
    photo = b"\xff\xd8\xff\xe0 a jpeg, more or less"
    _, screening, case_id = _with_photo(device, photo)
    attachment = db.session.get(Submission, screening.submission_id).attachments[0]
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    html = client.get(_page(case_id, screening.id)).data.decode()
    link = f"{_page(case_id, screening.id)}/attachments/{attachment.id}"
    assert f'href="{link}"' in html
    assert _answer(html, "Ảnh phiếu giấy").startswith("ảnh phiếu.jpg")
    answer = client.get(link)
    assert answer.status_code == 200 and answer.data == photo
    assert answer.mimetype == "image/jpeg"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''%E1%BA%A3nh" in disposition
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_a_lost_or_unsent_file_is_a_503_not_a_server_error(app, client, staff, all_forms,
                                                           device):
    _, lost, lost_case = _with_photo(device, b"lost bytes")
    _, unsent, unsent_case = _with_photo(device, None, name="Lê Văn Chưa Gửi")
    lost_file = db.session.get(Submission, lost.submission_id).attachments[0]
    unsent_file = db.session.get(Submission, unsent.submission_id).attachments[0]
    app.extensions["sangloc_blobs"]._path(lost_file.blob_sha256).unlink()
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    _english(client)
    html = client.get(_page(unsent_case, unsent.id)).data.decode()
    assert "not received yet" in html and f"/attachments/{unsent_file.id}" not in html
    for case_id, screening, attachment in ((lost_case, lost, lost_file),
                                           (unsent_case, unsent, unsent_file)):
        answer = client.get(f"{_page(case_id, screening.id)}/attachments/{attachment.id}")
        assert answer.status_code == 503 and "503.1" in answer.data.decode()
    assert _audits("submission.attachment_download") == []  # nothing was downloaded


def test_another_areas_supervisor_gets_404_for_the_page_the_xml_and_the_attachment(
        client, staff, all_forms, device):
    _, screening, case_id = _with_photo(device, b"photo")
    attachment = db.session.get(Submission, screening.submission_id).attachments[0]
    assert sign_in(client, "gs-ngoc-ha").status_code == 302
    base = _page(case_id, screening.id)
    for path in (base, f"{base}/submission.xml", f"{base}/attachments/{attachment.id}"):
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert "Lê Văn Ảnh" not in refused.data.decode()
    unknown = client.get(_page(999999, screening.id))
    assert unknown.status_code == 404  # the same answer as an unknown case


def test_a_screening_of_another_person_is_404_under_a_case_of_the_area(client, staff,
                                                                        all_forms, device):
    _, first, first_case = _submit(device, "Lê Văn Gấp")
    _, other, _ = _with_photo(device, b"photo", name="Lê Văn Khác")
    attachment = db.session.get(Submission, other.submission_id).attachments[0]
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    assert client.get(_page(first_case, first.id)).status_code == 200
    wrong = _page(first_case, other.id)
    for path in (wrong, f"{wrong}/submission.xml", f"{wrong}/attachments/{attachment.id}",
                 f"{_page(first_case, first.id)}/attachments/{attachment.id}",
                 _page(first_case, 999999)):
        refused = client.get(path)
        assert refused.status_code == 404, path
        assert "Lê Văn Khác" not in refused.data.decode()


def test_signed_out_the_page_and_downloads_go_to_sign_in(client, staff, all_forms, device):
    _, screening, case_id = _submit(device)
    base = _page(case_id, screening.id)
    for path in (base, f"{base}/submission.xml", f"{base}/attachments/1"):
        assert client.get(path).headers["Location"].startswith("/sign-in"), path


def test_every_view_and_download_is_audited(client, staff, all_forms, device):
    _, screening, case_id = _with_photo(device, b"photo")
    attachment = db.session.get(Submission, screening.submission_id).attachments[0]
    supervisor = db.session.scalar(select(User.id).where(User.username == "gs-ba-dinh"))
    assert sign_in(client, "gs-ba-dinh").status_code == 302
    base = _page(case_id, screening.id)
    for path in (base, base, f"{base}/submission.xml", f"{base}/attachments/{attachment.id}"):
        assert client.get(path).status_code == 200, path
    reads = _audits("screening.read")
    assert [(e.target_type, e.target_id) for e in reads] == [("screening", str(screening.id))] * 2
    xml = _audits("submission.download")
    assert [(e.target_type, e.target_id) for e in xml] == \
        [("submission", str(screening.submission_id))]
    files = _audits("submission.attachment_download")
    assert [(e.target_type, e.target_id) for e in files] == \
        [("submission_attachment", str(attachment.id))]
    for event in (*reads, *xml, *files):
        assert (event.actor_type, event.actor_id) == ("user", supervisor)
        assert event.detail["case_id"] == case_id and event.detail["screening_id"] == screening.id
        assert "Lê Văn" not in str(event.detail) and "ảnh" not in str(event.detail)
