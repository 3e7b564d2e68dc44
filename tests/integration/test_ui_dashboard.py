"""Issue 12, the dashboard page (``/admin/dashboard``, ``server/ui/dashboard.py``) through Flask's
test client on SQLite and PostgreSQL, on the hand-built rows of ``test_dashboard_indicators``
(Q1 2026: Ba Đình 7 children 0-6 screened of 10 = 70.0 %, Ngọc Hà 3 -> "<5").

Who: coordinators and admins over their area, supervisors over their communes (their total is
of their communes; no export buttons: exports are for coordinators); another province is the
404 page. A bad filter is the page again with the problem in Vietnamese
(400.130-400.133), never a 500. A view is audited with the filters, never a number. A
dashboard table exported with the page's filters suppresses the same small cells.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies
from server.models import AuditEvent
from server.services.access import users
from server.services.audit import SYSTEM
from tests.integration.test_dashboard_indicators import BA_DINH, NGOC_HA, seed_rows
from tests.integration.test_ui import PASSWORD, signed_in, token

PAGE = "/admin/dashboard"
Q1 = f"{PAGE}?period=2026-Q1"


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", [BA_DINH], PASSWORD)
    seed_rows()


def _row(html: str, section: str, name: str) -> list[str]:
    """The cells of ``name``'s row in the table of indicator ``section``."""
    part = html.split(f'id="ind-{section}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">{re.escape(name)}</th>(.*?)</tr>", part,
                    re.S)
    assert row, f"{name} not in {section}"
    return [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_a_coordinator_reads_coverage_against_the_target_in_vietnamese(app, staff):
    """Ba Đình 7 of 10 = 70,0 %; Ngọc Hà "<5" with no rate; the area's total 10 of 30 = 33,3
    % (all of Hà Nội's communes the coordinator holds), beside "mục tiêu 70%"."""
    page = signed_in(app, "dp-ha-noi").get(Q1)
    html = page.data.decode()
    assert page.status_code == 200
    for shown in ("Bảng chỉ số", "Độ bao phủ sàng lọc bước 1 ở trẻ 0–6 tuổi", "mục tiêu 70%",
                  "Tử số", "Mẫu số", "Kỳ báo cáo: từ 01/01/2026 đến 31/03/2026.",
                  'type="application/json" id="chart-data-coverage"', "Xuất CSV", "Xuất XLSX",
                  'value="table:dash_coverage"'):
        assert shown in html, shown
    assert _row(html, "coverage", "Phường Ba Đình") == ["7", "10", "70,0"]
    assert _row(html, "coverage", "Phường Ngọc Hà") == ["&lt;5", "20", ""]
    assert _row(html, "coverage", "Tổng địa bàn") == ["10", "30", "33,3"]
    assert "<script>" not in html  # no inline script (the CSP)
    assert "Content-Security-Policy" in page.headers


def test_the_far_commune_is_highlighted(app, staff):
    """PHQ-9 in Ba Đình, 15 of 30 against 20 of 200 in the rest: |z| = 5.69 > 3. For the
    whole province the table keeps the totals per instrument and that commune (Ngọc Hà's
    10 of 100 is in the export, and on the page when Ngọc Hà is chosen)."""
    client = signed_in(app, "dp-ha-noi")
    html = client.get(Q1).data.decode()
    part = html.split('id="ind-positive_rate"', 1)[1].split("</section>", 1)[0]
    assert '<tr class="outlier"><th scope="row">Phường Ba Đình</th><td>PHQ-9</td>' in part
    assert part.count("outlier") == 1
    assert "Phường Ngọc Hà" not in part and "Tổng địa bàn" in part
    chosen = client.get(f"{Q1}&commune={NGOC_HA}").data.decode()
    assert _row(chosen, "positive_rate", "Phường Ngọc Hà") == ["PHQ-9", "100", "10", "10,0", ""]


def test_english_on_request(app, staff):
    client = signed_in(app, "dp-ha-noi")
    client.post("/language", data={"lang": "en", "back": Q1,
                                   "csrf_token": token(client.get(Q1).data)})
    html = client.get(Q1).data.decode()
    assert "Step-1 screening coverage of children 0–6" in html
    assert _row(html, "coverage", "Phường Ba Đình") == ["7", "10", "70,0"]


def test_a_supervisor_reads_their_own_communes_without_export(app, staff):
    """A supervisor of Ba Đình: its row and a total of Ba Đình alone (7 of 10)."""
    html = signed_in(app, "gs-ba-dinh").get(Q1).data.decode()
    assert _row(html, "coverage", "Phường Ba Đình") == ["7", "10", "70,0"]
    assert _row(html, "coverage", "Tổng địa bàn") == ["7", "10", "70,0"]
    assert "Phường Ngọc Hà" not in html
    assert "Xuất CSV" not in html
    assert 'href="/admin/dashboard">Bảng chỉ số</a>' in html  # in their menu too


def test_another_province_is_not_found(app, staff):
    answer = signed_in(app, "dp-lao-cai").get(f"{Q1}&province=01")
    assert answer.status_code == 404
    assert "Phường Ba Đình" not in answer.data.decode()


@pytest.mark.parametrize(("query", "code", "words"), [
    ("period=2026-13", "400.130", "Không đọc được khoảng thời gian"),
    ("period=26", "400.130", "Không đọc được khoảng thời gian"),
    ("period=" + "9" * 5000, "400.130", "Không đọc được khoảng thời gian"),
    ("sex=x", "400.131", "Không có giới tính"),
    ("age_band=adult", "400.132", "Không có nhóm tuổi"),
    ("commune=abc", "400.133", "không thuộc tỉnh đã chọn"),
    ("commune=02680", "400.133", "không thuộc tỉnh đã chọn"),
])
def test_a_bad_filter_is_said_on_the_page_in_vietnamese(app, staff, query, code, words):
    answer = signed_in(app, "dp-ha-noi").get(f"{PAGE}?{query}")
    html = answer.data.decode()
    assert answer.status_code == int(code.split(".")[0]), html[:500]
    assert code in html and words in html
    assert 'id="pick-period"' in html  # the filters, to correct it


def test_a_nul_byte_is_refused_before_the_page(app, staff):
    """Every request's values are checked first (``server/inputs.py``): 400.9, in Vietnamese."""
    answer = signed_in(app, "dp-ha-noi").get(f"{PAGE}?commune=0000%00")
    assert answer.status_code == 400 and "400.9" in answer.data.decode()


def test_a_view_is_audited_without_numbers(app, staff):
    signed_in(app, "dp-ha-noi").get(f"{Q1}&commune={BA_DINH}&sex=female")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "dashboard.view")).one()
    assert (event.target_type, event.target_id) == ("area", "01")
    assert event.detail == {"commune": BA_DINH, "period": "2026-Q1", "sex": "female",
                            "age_band": None}


def test_coordinators_land_on_the_dashboard(app, staff):
    assert signed_in(app, "dp-ha-noi").get("/").headers["Location"] == PAGE
    assert signed_in(app, "gs-ba-dinh").get("/").headers["Location"] == "/worklist"


def test_filters_change_the_page_in_place(app, staff):
    """An htmx request gets the same page (htmx selects #dashboard from it); with a sex filter
    the coverage has no rate (the population has no sex split) and says why."""
    html = signed_in(app, "dp-ha-noi").get(f"{Q1}&sex=female",
                                           headers={"HX-Request": "true"}).data.decode()
    assert 'id="dashboard"' in html
    assert _row(html, "coverage", "Phường Ba Đình") == ["&lt;5", "", ""]
    assert "số dân không chia theo giới tính hay tuổi" in html


def test_an_exported_dashboard_table_suppresses_the_small_cell(app, staff):
    """The coverage table posted from the page with its filters (Q1 2026, Hà Nội), made by
    the exports job: Ngọc Hà's 3 children screened are "<5" and its rate is empty."""
    client = signed_in(app, "dp-ha-noi")
    page = client.get(Q1)
    answer = client.post("/admin/exports", data={
        "csrf_token": token(page.data), "kind": "table:dash_coverage", "format": "csv",
        "date_from": "2026-01-01", "date_to": "2026-03-31", "province": "01"})
    assert answer.status_code == 302, answer.data.decode()[:1000]
    export_id = int(re.search(r"asked=(\d+)", answer.headers["Location"]).group(1))
    bodies.run_exports()
    data = client.get(f"/admin/exports/{export_id}/download").data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Mã xã", "Xã/phường", "Trẻ 0–6 tuổi đã sàng lọc", "Trẻ 0–6 tuổi",
                       "Độ bao phủ (%)"]
    assert [BA_DINH, "Phường Ba Đình", "7", "10", "70.0"] in rows
    assert [NGOC_HA, "Phường Ngọc Hà", "<5", "20", ""] in rows
    assert rows[-1] == ["", "Tổng địa bàn", "10", "30", "33.3"]
