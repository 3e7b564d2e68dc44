"""Issue 12, the population denominators a coordinator keeps (``/admin/population``,
``services/programme/population.py`` and ``population_import.py``), through Flask's test client
on SQLite and PostgreSQL.

Per commune, year and group (children 0-6, children 16-30 months, adults), typed on the page or
imported from a CSV or XLSX file. An import is previewed first, with each problem of the file
on its row (the header is row 1, as a spreadsheet numbers it); nothing is written until a clean
preview is confirmed. Every value records who entered it, when and how; every change is an
audit row with counts and commune codes only. Coordinators and admins, each within their own
area (403.50 for a supervisor; another province's communes are refused).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, Denominator, User
from server.problems import Problem
from server.programme import VIETNAM
from server.services.access import users
from server.services.access.scope import scope_of
from server.services.audit import SYSTEM, Actor
from server.services.programme import population, population_import
from tests.integration.test_ui import PASSWORD, signed_in, token

PAGE = "/admin/population"
IMPORT = "/admin/population/import"
CONFIRM = "/admin/population/import/confirm"
HEADER = "commune_code,commune_name,year,children_0_6,children_16_30m,adults"
BA_DINH, NGOC_HA, HOP_THANH = "00004", "00008", "02680"  # Hà Nội (01), Hà Nội, Lào Cai (15)


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", [BA_DINH], PASSWORD)
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)


def _stored() -> dict[tuple[str, int, str], Denominator]:
    db.session.expire_all()
    return {(d.commune_code, d.year, d.group_name): d
            for d in db.session.scalars(select(Denominator))}


def _user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def _save(client, year: int = 2026, province: str = "01", **cells: str):
    """Post the page's form: ``cells`` as ``count-<commune>-<group>`` (typed) and, with a
    ``shown_`` prefix, ``shown-<commune>-<group>`` (what the page showed)."""
    page = client.get(f"{PAGE}?year={year}&province={province}")
    data = {"csrf_token": token(page.data), "year": str(year), "province": province}
    for key, value in cells.items():
        kind, code, group = key.split("__")
        data[f"{kind}-{code}-{group}"] = value
    return client.post(PAGE, data=data)


def _upload(client, content: bytes, filename: str = "dan-so.csv"):
    """Post the import form, the body encoded here: werkzeug's test client would spool a large
    body to a temporary file it never closes."""
    page = client.get(PAGE)
    boundary = "sangloc-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in (("csrf_token", token(page.data)), ("year", "2026"))]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + content + f"\r\n--{boundary}--\r\n".encode())
    return client.post(IMPORT, data=b"".join(parts),
                       content_type=f"multipart/form-data; boundary={boundary}")


def _confirm(client, preview_html: str):
    address = re.search(r'name="preview" value="([0-9a-f]{64})"', preview_html).group(1)
    return client.post(CONFIRM, data={"csrf_token": token(preview_html.encode()),
                                      "preview": address})


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- typed on the page -------------------------------------------------------------------------

def test_typed_numbers_are_kept_with_who_entered_them_and_when(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    page = coordinator.get(f"{PAGE}?year=2026")
    html = page.data.decode()
    assert page.status_code == 200
    for shown in ("Phường Ba Đình", "Phường Ngọc Hà", f'name="count-{BA_DINH}-children_0_6"'):
        assert shown in html, shown
    saved = _save(coordinator, **{f"count__{BA_DINH}__children_0_6": "1.234",
                                  f"count__{BA_DINH}__adults": "5000",
                                  f"count__{NGOC_HA}__children_16_30m": " 87 "})
    assert saved.status_code == 302
    assert saved.headers["Location"].startswith(f"{PAGE}?")
    stored = _stored()
    assert {key: d.value for key, d in stored.items()} == {
        (BA_DINH, 2026, "children_0_6"): 1234, (BA_DINH, 2026, "adults"): 5000,
        (NGOC_HA, 2026, "children_16_30m"): 87}
    author = _user_id("dp-ha-noi")
    now = datetime.now(UTC)
    for row in stored.values():
        assert (row.source, row.entered_by_id) == ("page", author)
        assert now - timedelta(minutes=1) < row.entered_at <= now
    shown = coordinator.get(saved.headers["Location"]).data.decode()
    assert 'value="1234"' in shown  # the form shows the number as it can be typed again
    assert "1.234" in shown and "5.000" in shown  # the totals as Vietnamese write them
    assert "dp-ha-noi" in shown and now.astimezone(
        VIETNAM).strftime("%d/%m/%Y") in shown
    assert coordinator.get(f"{PAGE}?year=2025").data.decode().count('value="1234"') == 0


def test_only_changed_cells_are_written_and_a_cleared_cell_removes_its_number(app, staff):
    """A cell whose text is the one the page showed is not written: a page opened before an
    import does not put the old numbers back; clearing a number removes it."""
    with transaction():
        population.set_values(SYSTEM, scope_of(users.get_user("dp-ha-noi")), 2026,
                              {(BA_DINH, "children_0_6"): 100, (BA_DINH, "adults"): 900,
                               (NGOC_HA, "adults"): 50}, source="import")
    coordinator = signed_in(app, "dp-ha-noi")
    answer = _save(coordinator, **{
        f"count__{BA_DINH}__children_0_6": "90", f"shown__{BA_DINH}__children_0_6": "90",
        f"count__{BA_DINH}__adults": "", f"shown__{BA_DINH}__adults": "900",
        f"count__{NGOC_HA}__adults": "51", f"shown__{NGOC_HA}__adults": "50"})
    assert answer.status_code == 302
    stored = _stored()
    assert stored[(BA_DINH, 2026, "children_0_6")].value == 100  # untouched on the page
    assert stored[(BA_DINH, 2026, "children_0_6")].source == "import"
    assert (BA_DINH, 2026, "adults") not in stored
    assert (stored[(NGOC_HA, 2026, "adults")].value,
            stored[(NGOC_HA, 2026, "adults")].source) == (51, "page")


@pytest.mark.parametrize("typed", ["-5", "12,5", "1.5", "abc", "10000000", "1.23.4", "٣"])
def test_a_number_that_cannot_be_read_is_explained_and_nothing_is_written(app, staff, typed):
    coordinator = signed_in(app, "dp-ha-noi")
    answer = _save(coordinator, **{f"count__{NGOC_HA}__adults": "40",
                                   f"count__{BA_DINH}__children_0_6": typed})
    html = answer.data.decode()
    assert answer.status_code == 400 and 'role="alert"' in html
    assert "Không đọc được số" in html and BA_DINH in html
    assert f'value="{typed}"' in html  # the form is kept as typed
    assert _stored() == {}


def test_an_admin_keeps_the_numbers_too_and_both_find_the_page_in_the_menu(app, staff):
    admin = signed_in(app, "qtv-ha-noi")
    assert _save(admin, **{f"count__{BA_DINH}__adults": "7"}).status_code == 302
    assert _stored()[(BA_DINH, 2026, "adults")].entered_by_id == _user_id("qtv-ha-noi")
    assert f'href="{PAGE}"' in admin.get("/worklist").data.decode()
    supervisor = signed_in(app, "gs-ba-dinh")
    assert f'href="{PAGE}"' not in supervisor.get("/worklist").data.decode()


def test_a_supervisor_is_refused_every_page_and_change(app, staff):
    supervisor = signed_in(app, "gs-ba-dinh")
    for path in (PAGE, f"{PAGE}?year=2026", f"{PAGE}/template.csv"):
        refused = supervisor.get(path)
        assert refused.status_code == 403 and "403.50" in refused.data.decode(), path
    csrf = token(supervisor.get("/worklist").data)
    posts = ((PAGE, {"year": "2026", f"count-{BA_DINH}-adults": "5"}),
             (IMPORT, {"file": (io.BytesIO(_csv(f"{BA_DINH},,2026,1,1,1")), "a.csv")}),
             (CONFIRM, {"preview": "0" * 64}))
    for path, data in posts:
        answer = supervisor.post(path, data={**data, "csrf_token": csrf},
                                 content_type="multipart/form-data")
        assert answer.status_code == 403, path
    assert _stored() == {}


def test_another_provinces_coordinator_neither_sees_nor_sets_its_numbers(app, staff):
    with transaction():
        population.set_values(SYSTEM, scope_of(users.get_user("dp-ha-noi")), 2026,
                              {(BA_DINH, "children_0_6"): 4321})
    other = signed_in(app, "dp-lao-cai")
    own = other.get(f"{PAGE}?year=2026").data.decode()
    assert "Xã Hợp Thành" in own and "Phường Ba Đình" not in own and "4321" not in own
    assert "4.321" not in own  # not in the totals either
    for path in (f"{PAGE}?year=2026&province=01", f"{PAGE}/template.csv?province=01"):
        assert other.get(path).status_code == 404, path
    refused = _save(other, province="15", **{f"count__{BA_DINH}__children_0_6": "1",
                                             f"count__{HOP_THANH}__adults": "3"})
    assert refused.status_code == 400 and "400.44" in refused.data.decode()
    assert {key: d.value for key, d in _stored().items()} == {
        (BA_DINH, 2026, "children_0_6"): 4321}


def test_a_communes_coordinator_sets_only_that_commune(app, staff):
    with transaction():
        users.create_user(SYSTEM, "dp-ba-dinh", "coordinator", [BA_DINH], PASSWORD)
    coordinator = signed_in(app, "dp-ba-dinh")
    html = coordinator.get(PAGE).data.decode()
    assert "Phường Ba Đình" in html and "Phường Ngọc Hà" not in html
    refused = _save(coordinator, **{f"count__{NGOC_HA}__adults": "3"})
    assert refused.status_code == 400 and _stored() == {}


def test_a_year_that_cannot_be_read_is_refused(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    for year in ("1999", "26", "2O26", "99999999999999999999"):
        answer = coordinator.get(f"{PAGE}?year={year}")
        assert answer.status_code == 400 and "400.70" in answer.data.decode(), year


def test_every_change_is_audited_with_counts_and_commune_codes_only(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    _save(coordinator, **{f"count__{BA_DINH}__children_0_6": "1234",
                          f"count__{NGOC_HA}__adults": "77"})
    _save(coordinator, **{f"count__{NGOC_HA}__adults": "77",
                          f"shown__{NGOC_HA}__adults": "77"})  # nothing changed
    preview = _upload(coordinator, _csv(f"{BA_DINH},,2026,1300,,"))
    _confirm(coordinator, preview.data.decode())
    events = [e for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
              if e.action.startswith("population.")]
    assert [(e.action, e.target_type, e.target_id) for e in events] == [
        ("population.set", "area", "01"), ("population.import", "area", "01")]
    assert events[0].detail == {"year": 2026, "communes": [BA_DINH, NGOC_HA], "values": 2,
                                "removed": 0}
    assert events[1].detail == {"year": 2026, "communes": [BA_DINH], "values": 1,
                                "removed": 0}
    assert "1234" not in str([e.detail for e in events])


# --- imported from a file ----------------------------------------------------------------------

def test_a_csv_preview_lists_each_problem_on_its_row_and_writes_nothing(app, staff):
    content = _csv(
        f"{BA_DINH},Phường Ba Đình,2026,1200,80,9000",   # row 2: fine
        "99999,Không có,2026,1,1,1",                    # row 3: unknown commune
        f"{HOP_THANH},Xã Hợp Thành,2026,1,1,1",           # row 4: another province
        f"{NGOC_HA},Phường Ngọc Hà,2026,-5,12.5,abc",    # row 5: three bad numbers
        f"{BA_DINH},Phường Ba Đình,2026,1,1,1",           # row 6: the same commune and year
        f"{NGOC_HA},Phường Ngọc Hà,20x6,1,1,1",           # row 7: the year
        header=HEADER + ",full_name")                     # row 1: an unknown column
    coordinator = signed_in(app, "dp-ha-noi")
    preview = _upload(coordinator, content)
    html = preview.data.decode()
    assert preview.status_code == 200
    expected = [
        ("dòng 1", "Không có cột &#39;full_name&#39;"),
        ("dòng 3", "Không có xã/phường mã &#39;99999&#39; trong danh mục"),
        ("dòng 4", "Xã/phường &#39;02680&#39; không thuộc địa bàn của bạn"),
        ("dòng 5", "Ô children_0_6 ghi &#39;-5&#39;"),
        ("dòng 5", "Ô children_16_30m ghi &#39;12.5&#39;"),
        ("dòng 5", "Ô adults ghi &#39;abc&#39;"),
        ("dòng 6", "Xã/phường 00004, năm 2026 đã có ở dòng 2"),
        ("dòng 7", "Không đọc được năm &#39;20x6&#39;"),
    ]
    problems = re.findall(r'<li class="row-problem">(.*?)</li>', html, re.S)
    assert len(problems) == len(expected), problems
    for (row, text), found in zip(expected, problems, strict=True):
        assert row in found and text in found, (row, text, found)
    assert 'name="preview"' not in html  # a preview with problems cannot be confirmed
    assert _stored() == {}


def test_a_clean_csv_is_written_only_when_confirmed(app, staff):
    content = _csv(f"{BA_DINH},Phường Ba Đình,2026,1.200,80,9000",
                   "4,Excel dropped the zeros,2025,15,,",  # 00004, as a spreadsheet shows it
                   "", f"{NGOC_HA},,2026,0,0,")
    coordinator = signed_in(app, "dp-ha-noi")
    preview = _upload(coordinator, content)
    html = preview.data.decode()
    assert preview.status_code == 200 and 'class="row-problem"' not in html
    assert "Phường Ba Đình" in html and "1.200" in html and "9.000" in html
    assert _stored() == {}  # nothing yet
    confirmed = _confirm(coordinator, html)
    assert confirmed.status_code == 302 and "year=2026" in confirmed.headers["Location"]
    stored = _stored()
    assert {key: d.value for key, d in stored.items()} == {
        (BA_DINH, 2026, "children_0_6"): 1200, (BA_DINH, 2026, "children_16_30m"): 80,
        (BA_DINH, 2026, "adults"): 9000, (BA_DINH, 2025, "children_0_6"): 15,
        (NGOC_HA, 2026, "children_0_6"): 0, (NGOC_HA, 2026, "children_16_30m"): 0}
    author = _user_id("dp-ha-noi")
    assert {(d.source, d.entered_by_id) for d in stored.values()} == {("import", author)}
    again = _confirm(coordinator, html)  # a confirmed preview is used up: sent twice, refused
    assert again.status_code == 404 and "404.70" in again.data.decode() and len(_stored()) == 6


def test_an_xlsx_is_previewed_and_confirmed_like_a_csv(app, staff):
    content = _xlsx([HEADER.split(","),
                     [4, "Phường Ba Đình", 2026, 1200, 80.0, 9000],  # numbers as Excel keeps them
                     [NGOC_HA, "Phường Ngọc Hà", 2026, 12.5, -1, None],
                     [None, None, None, None, None, None],
                     ["00008", None, "2026", "1.234", None, None]])
    coordinator = signed_in(app, "dp-ha-noi")
    preview = _upload(coordinator, content, "dan-so.xlsx")
    html = preview.data.decode()
    problems = re.findall(r'<li class="row-problem">(.*?)</li>', html, re.S)
    assert [p.split(":")[0].strip() for p in problems] == ["dòng 3", "dòng 3", "dòng 5"]
    assert "Ô children_0_6 ghi &#39;12.5&#39;" in problems[0]
    assert "Ô children_16_30m ghi &#39;-1&#39;" in problems[1]
    assert "đã có ở dòng 3" in problems[2]
    assert _stored() == {}
    fixed = _xlsx([HEADER.split(","), [4, "Phường Ba Đình", 2026, 1200, 80.0, 9000],
                   [NGOC_HA, "Phường Ngọc Hà", 2026, 13, 1, None]])
    preview = _upload(coordinator, fixed, "dan-so.xlsx")
    assert _confirm(coordinator, preview.data.decode()).status_code == 302
    assert {key: d.value for key, d in _stored().items()} == {
        (BA_DINH, 2026, "children_0_6"): 1200, (BA_DINH, 2026, "children_16_30m"): 80,
        (BA_DINH, 2026, "adults"): 9000, (NGOC_HA, 2026, "children_0_6"): 13,
        (NGOC_HA, 2026, "children_16_30m"): 1}


def test_a_semicolon_csv_with_a_bom_from_excel_is_read(app, staff):
    content = "\ufeff" + HEADER.replace(",", ";") + f"\n{BA_DINH};Phường Ba Đình;2026;5;;\n"
    coordinator = signed_in(app, "dp-ha-noi")
    preview = _upload(coordinator, content.encode())
    assert _confirm(coordinator, preview.data.decode()).status_code == 302
    assert _stored()[(BA_DINH, 2026, "children_0_6")].value == 5


def test_an_out_of_area_commune_is_refused_and_nothing_is_written(app, staff):
    other = signed_in(app, "dp-lao-cai")
    preview = _upload(other, _csv(f"{HOP_THANH},,2026,10,,", f"{BA_DINH},,2026,10,,"))
    html = preview.data.decode()
    assert "Xã/phường &#39;00004&#39; không thuộc địa bàn của bạn" in html
    assert 'name="preview"' not in html and _stored() == {}


def test_a_preview_is_confirmed_only_by_the_session_that_made_it(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    html = _upload(coordinator, _csv(f"{BA_DINH},,2026,10,,")).data.decode()
    admin = signed_in(app, "qtv-ha-noi")
    csrf = token(admin.get(PAGE).data)
    address = re.search(r'name="preview" value="([0-9a-f]{64})"', html).group(1)
    for forged in (address, "0" * 64, "../../etc/passwd", ""):
        answer = admin.post(CONFIRM, data={"csrf_token": csrf, "preview": forged})
        assert answer.status_code == 404 and "404.70" in answer.data.decode(), forged
    assert _stored() == {}


def test_a_kept_preview_is_checked_again_against_the_area_when_confirmed(app, staff):
    """The service reads the kept rows back and refuses (409.70) a commune the caller no longer
    has, before writing anything."""
    blobs = app.extensions["sangloc_blobs"]
    with transaction():
        coordinator = users.get_user("dp-ha-noi")
        read = population_import.preview_file(scope_of(coordinator),
                                              _csv(f"{NGOC_HA},,2026,3,,", f"{BA_DINH},,2026,4,,"))
        assert read.clean
        address = population_import.keep_preview(read, coordinator.id, blobs)
    with transaction():
        narrower = scope_of(users.create_user(SYSTEM, "dp-ngoc-ha", "coordinator", [NGOC_HA]))
        actor = Actor("user", coordinator.id)
        with pytest.raises(Problem) as refused:
            population_import.confirm(actor, narrower, blobs, address, coordinator.id)
        assert refused.value.code == "409.70"
        with pytest.raises(Problem) as other_user:
            population_import.confirm(actor, narrower, blobs, address, coordinator.id + 1)
        assert other_user.value.code == "404.70"
    assert _stored() == {}


@pytest.mark.parametrize("content,filename,code", [
    (b"", "empty.csv", "422.78"),
    (_csv(), "header-only.csv", "422.78"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xls", "422.77"),
    (b"PK\x03\x04 not really a workbook", "broken.xlsx", "422.77"),
    ("commune_code,year\n00004,2026\n".encode("utf-16"), "utf16.csv", "422.77"),
    ("commune_code,year,ghi chú\n00004,2026,Dân\n".encode("cp1258"), "cp1258.csv", "422.77"),
    (b"x" * 2_000_001, "big.csv", "413.70"),
    (_csv(*[f"{BA_DINH},,{2000 + i % 100},1,1,1" for i in range(5001)]), "many.csv", "422.79"),
])
def test_a_file_that_cannot_be_used_is_refused_with_its_reason(app, staff, content, filename,
                                                                code):
    coordinator = signed_in(app, "dp-ha-noi")
    answer = _upload(coordinator, content, filename)
    html = answer.data.decode()
    assert answer.status_code == int(code.split(".")[0]) and code in html
    assert 'role="alert"' in html and _stored() == {}


def test_a_small_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_read(app, staff):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * 60_000_000)
    assert len(packed.getvalue()) < 200_000
    answer = _upload(signed_in(app, "dp-ha-noi"), packed.getvalue(), "bomb.xlsx")
    assert answer.status_code == 413 and "413.70" in answer.data.decode()


def test_a_missing_column_is_a_problem_of_row_one(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    html = _upload(coordinator, _csv(f"{BA_DINH},2026", header="commune_code,year")
                   ).data.decode()
    assert "Dòng đầu của tệp thiếu cột" in html and 'name="preview"' not in html
    html = _upload(coordinator, _csv(f"{BA_DINH},5", header="commune_code,adults")
                   ).data.decode()
    assert "thiếu cột year" in html


def test_an_import_without_a_file_is_explained(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    page = coordinator.get(PAGE)
    answer = coordinator.post(IMPORT, data={"csrf_token": token(page.data), "year": "2026"},
                              content_type="multipart/form-data")
    assert answer.status_code == 400 and "Hãy chọn một tệp CSV hoặc XLSX" in \
        answer.data.decode()


def test_the_template_lists_the_communes_with_their_numbers(app, staff):
    with transaction():
        population.set_values(SYSTEM, scope_of(users.get_user("dp-ha-noi")), 2026,
                              {(NGOC_HA, "adults"): 4500})
    coordinator = signed_in(app, "dp-ha-noi")
    answer = coordinator.get(f"{PAGE}/template.csv?year=2026")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    text = answer.data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == HEADER
    assert f"{BA_DINH},Phường Ba Đình,2026,,," in lines
    assert f"{NGOC_HA},Phường Ngọc Hà,2026,,,4500" in lines
    assert len(lines) == 1 + 126  # every commune of Hà Nội
    preview = _upload(coordinator, answer.data)  # the template imports as it is
    assert 'class="row-problem"' not in preview.data.decode()


def test_the_pages_load_nothing_from_elsewhere_and_label_every_field(app, staff):
    coordinator = signed_in(app, "dp-ha-noi")
    pages = (coordinator.get(PAGE).data.decode(),
             _upload(coordinator, _csv(f"{BA_DINH},,2026,1,2,3")).data.decode(),
             _upload(coordinator, _csv("99999,,2026,1,2,3")).data.decode())
    for html in pages:
        assert "<script>" not in html and "style=" not in html
        ids = re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html)
        assert all(f'for="{i}"' in html for i in ids), ids
        assert len(ids) == len(set(ids))
        assert 'class="overflow-auto"' in html
