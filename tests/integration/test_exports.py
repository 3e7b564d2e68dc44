"""Issue 12, background exports (``/admin/exports``, ``services/exports``, the ``run_exports``
and ``expire_exports`` jobs), through Flask's test client on SQLite and PostgreSQL.

The seeded set, worked by hand (PHQ-9 bands from instruments.md, actions from pathway.md):

- Phường Ba Đình (00004, Hà Nội): 8 adults screened once with PHQ-9, every item 0 (total 0,
  minimal: no pathway row, no action); one of them then withdraws consent, so 7 are visible.
- Phường Ngọc Hà (00008, Hà Nội): 3 adults; two with every item 0, one with items 1-7 at 3
  (total 21, severe: rule ``phq.severe`` opens a ``referral`` action, risk high, due 7 days
  after the screening). A coordinator records a referral answering that action: it is done
  (outcome ``referred``) and a ``referral_followup`` action (rule ``referral.followup``, reason
  ``referral_made``) is opened, due 30 days after the referral.
- Xã Hợp Thành (02680, Lào Cai): 2 adults, items 0: outside every Hà Nội user's area.

So a Hà Noi coordinator's screenings export has 10 rows (totals nine 0 and one 21), actions 2,
referrals 1; the per-commune table reads Ba Đình 7 screenings, 7 persons, 0 at high risk, 0.0 %
and Ngọc Hà "<5", "<5", "<5" and an empty rate (3 screenings and 1 at high risk are small cells).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select, text

from server import programme
from server.boundary import transaction
from server.extensions import db
from server.jobs import bodies, export_runs
from server.models import AuditEvent, ExportJob, Person, User
from server.models.types import utcnow
from server.services.access import users
from server.services.access.scope import scope_of
from server.services.audit import SYSTEM, Actor
from server.services.cases import exports as screening_exports
from server.services.cases import persons, reads, referrals
from server.services.exports import files, work
from tests.integration.test_ui import ADULT, PASSWORD, signed_in, token
from tests.support.instances import levels, screening_instance

PAGE = "/admin/exports"
BA_DINH, NGOC_HA, HOP_THANH = "00004", "00008", "02680"
SEVERE = levels(9, q01=3, q02=3, q03=3, q04=3, q05=3, q06=3, q07=3)
REFERRED_ON = date(2026, 1, 10)


STAFF = {"dp-ha-noi": ("coordinator", "01"), "dp-ha-noi-2": ("coordinator", "01"),
         "dp-lao-cai": ("coordinator", "15"), "qtv-ha-noi": ("admin", "01"),
         "gs-ba-dinh": ("supervisor", BA_DINH)}


def _as(app, username: str):
    """A client signed in as ``username`` of ``STAFF``, created on first use (a password hash
    takes a second: only the users a test needs are made)."""
    if db.session.scalar(select(User.id).where(User.username == username)) is None:
        role, area = STAFF[username]
        with transaction():
            users.create_user(SYSTEM, username, role, [area], PASSWORD)
    return signed_in(app, username)


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)


def _submit(device, name: str, commune: str, answers: dict) -> None:
    xml = screening_instance("phq9", answers, dob=ADULT, name=name, commune=commune)
    assert device.collect.submit(xml).status_code == 201


def _person(name: str) -> Person:
    return db.session.scalar(select(Person).where(Person.full_name == name))


@pytest.fixture
def seeded(staff, all_forms, make_device):
    """The set of the module docstring; the persons' ids by name."""
    ba_dinh, ngoc_ha = make_device("ctv-bd", BA_DINH), make_device("ctv-nh", NGOC_HA)
    lao_cai = make_device("ctv-lc", HOP_THANH)
    for i in range(8):
        _submit(ba_dinh, f"Người Ba Đình {i}", BA_DINH, levels(9))
    for i in range(2):
        _submit(ngoc_ha, f"Người Ngọc Hà {i}", NGOC_HA, levels(9))
    _submit(ngoc_ha, "Người Ngọc Hà Nặng", NGOC_HA, SEVERE)
    for i in range(2):
        _submit(lao_cai, f"Người Lào Cai {i}", HOP_THANH, levels(9))
    with transaction():
        persons.withdraw_consent(SYSTEM, _person("Người Ba Đình 7").id, "rút lại đồng ý")
    coordinator = db.session.scalar(select(User).where(User.username == "dp-ha-noi"))
    severe = _person("Người Ngọc Hà Nặng")
    with transaction():
        scope = scope_of(coordinator)
        case = reads.case_in_scope(scope, reads.case_of(severe).id)
        referral_action = next(a for a in case.open_actions if a.kind == "referral")
        referrals.make(Actor("user", coordinator.id), scope, "coordinator", case,
                       referrals.Made("Bệnh viện Tâm thần Hà Nội", REFERRED_ON,
                                      answers=referral_action.id), programme.current())
    return {p.full_name: p.id for p in db.session.scalars(select(Person))}


def _ask(client, status: int = 302, **form: str):
    page = client.get(PAGE)
    answer = client.post(PAGE, data={"csrf_token": token(page.data), **form})
    assert answer.status_code == status, answer.data.decode()[:2000]
    return answer


def _asked(client, **form: str) -> int:
    answer = _ask(client, **form)
    return int(re.search(r"asked=(\d+)", answer.headers["Location"]).group(1))


def _run() -> dict:
    return bodies.run_exports()


def _export(export_id: int) -> ExportJob:
    return db.session.get(ExportJob, export_id, populate_existing=True)


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _audits(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


# --- records --------------------------------------------------------------------------------

def test_a_screenings_export_runs_in_the_background_and_downloads(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="screenings", format="csv")
    page = coordinator.get(f"{PAGE}?asked={export_id}").data.decode()
    assert "Đang chờ" in page and "<progress" in page and 'hx-trigger="every 2s"' in page
    assert _run() == {"done": 1, "failed": 0, "lost": 0}
    export = _export(export_id)
    assert (export.state, export.rows_done, export.rows_total) == ("done", 10, 10)
    fragment = coordinator.get(f"{PAGE}/list").data.decode()
    assert "hx-trigger" not in fragment and f"/admin/exports/{export_id}/download" in fragment
    download = coordinator.get(f"{PAGE}/{export_id}/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Content-Disposition"] == \
        f'attachment; filename="sangloc-screenings-{export_id}-{export.finished_at:%Y%m%d}.csv"'
    rows = _csv(download.data)
    assert rows[0] == screening_exports.COLUMNS
    column = {name: i for i, name in enumerate(rows[0])}
    expected = {seeded[f"Người Ba Đình {i}"] for i in range(7)} | \
        {seeded["Người Ngọc Hà 0"], seeded["Người Ngọc Hà 1"], seeded["Người Ngọc Hà Nặng"]}
    assert {row[column["person_id"]] for row in rows[1:]} == expected
    assert sorted(int(row[column["total"]]) for row in rows[1:]) == [0] * 9 + [21]
    assert {row[column["instrument"]] for row in rows[1:]} == {"phq9"}
    body = download.data.decode("utf-8-sig")
    assert "Người" not in body and "0912345678" not in body  # no names, no phone numbers
    assert export.size_bytes == len(download.data)
    import hashlib
    assert export.blob_sha256 == hashlib.sha256(download.data).hexdigest()
    owner = db.session.scalar(select(User.id).where(User.username == "dp-ha-noi"))
    requested, downloaded = _audits("export.request"), _audits("export.download")
    assert [(e.actor_id, e.target_id) for e in requested] == [(owner, str(export_id))]
    assert requested[0].detail == {"kind": "screenings", "format": "csv", "filters": {}}
    assert [(e.actor_id, e.target_id) for e in downloaded] == [(owner, str(export_id))]


def test_actions_and_referrals_as_xlsx(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    actions_id = _asked(coordinator, kind="actions", format="xlsx")
    referrals_id = _asked(coordinator, kind="referrals", format="xlsx")
    assert _run()["done"] == 2
    download = coordinator.get(f"{PAGE}/{actions_id}/download")
    assert download.headers["Content-Type"] == files.CONTENT_TYPES["xlsx"]
    rows = _xlsx(download.data)
    header = rows[0]
    got = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    severe = seeded["Người Ngọc Hà Nặng"]
    assert [(a["person_id"], a["commune_code"], a["rule"], a["kind"], a["state"], a["outcome"],
             a["risk"]) for a in got] == [
        (severe, NGOC_HA, "phq.severe", "referral", "done", "referred", "high"),
        (severe, NGOC_HA, "referral.followup", "referral_followup", "open", None, "high")]
    assert got[1]["due"] == (REFERRED_ON + timedelta(days=30)).isoformat()
    assert "note" not in header and "instructions" not in header
    rows = _xlsx(coordinator.get(f"{PAGE}/{referrals_id}/download").data)
    got = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["person_id"], r["commune_code"], r["facility"], r["made_on"], r["attended"])
            for r in got] == [(severe, NGOC_HA, "Bệnh viện Tâm thần Hà Nội", "2026-01-10", None)]


def test_filters_narrow_the_rows(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="screenings", format="csv", commune=NGOC_HA)
    _run()
    rows = _csv(coordinator.get(f"{PAGE}/{export_id}/download").data)
    assert len(rows) == 1 + 3
    stored = _export(export_id)
    assert stored.filters == {"commune": NGOC_HA}
    later = _asked(coordinator, kind="screenings", format="csv", date_from="01/01/2000",
                   date_to="31/12/2000")
    _run()
    assert (_export(later).state, _export(later).rows_total) == ("done", 0)


def test_another_area_never_appears(app, seeded):
    lao_cai = _as(app, "dp-lao-cai")
    export_id = _asked(lao_cai, kind="screenings", format="csv")
    _run()
    rows = _csv(lao_cai.get(f"{PAGE}/{export_id}/download").data)
    assert {row[0] for row in rows[1:]} == {seeded["Người Lào Cai 0"], seeded["Người Lào Cai 1"]}


def test_only_the_requester_or_an_admin_of_the_area_downloads(app, seeded):
    coordinator, lao_cai = _as(app, "dp-ha-noi"), _as(app, "dp-lao-cai")
    ha_noi_export = _asked(coordinator, kind="referrals", format="csv")
    lao_cai_export = _asked(lao_cai, kind="referrals", format="csv")
    _run()
    url = f"{PAGE}/{ha_noi_export}/download"
    for other in ("dp-ha-noi-2", "dp-lao-cai"):
        refused = _as(app, other).get(url)
        assert refused.status_code == 404 and "404.15" in refused.data.decode()
    admin = _as(app, "qtv-ha-noi")
    assert admin.get(url).status_code == 200
    assert admin.get(f"{PAGE}/{lao_cai_export}/download").status_code == 404
    assert _as(app, "gs-ba-dinh").get(PAGE).status_code == 403
    for missing in ("999999", "99999999999999999999", "0"):
        assert coordinator.get(f"{PAGE}/{missing}/download").status_code == 404
    downloads = _audits("export.download")
    assert [e.target_id for e in downloads] == [str(ha_noi_export)]  # refusals leave no row


# --- dashboard tables --------------------------------------------------------------------------

def test_a_table_export_suppresses_small_cells(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="table:commune_screenings", format="csv")
    _run()
    rows = _csv(coordinator.get(f"{PAGE}/{export_id}/download").data)
    assert rows == [
        ["Mã xã", "Xã/phường", "Các lần sàng lọc", "Người được sàng lọc",
         "Lần sàng lọc nguy cơ cao", "Nguy cơ cao (%)"],
        [BA_DINH, "Phường Ba Đình", "7", "7", "0", "0.0"],
        [NGOC_HA, "Phường Ngọc Hà", "<5", "<5", "<5", ""]]
    xlsx_id = _asked(coordinator, kind="table:commune_screenings", format="xlsx")
    _run()
    rows = _xlsx(coordinator.get(f"{PAGE}/{xlsx_id}/download").data)
    assert rows[1:] == [[BA_DINH, "Phường Ba Đình", 7, 7, 0, 0.0],
                        [NGOC_HA, "Phường Ngọc Hà", "<5", "<5", "<5", None]]


def test_another_page_posts_a_table_export_with_its_filters(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    answer = _ask(coordinator, kind="table:commune_screenings", format="csv", province="01",
                  period="2026-q1", commune=BA_DINH)  # a field the exports do not know: ignored
    assert answer.headers["Location"].startswith(f"{PAGE}?asked=")
    _run()
    export = db.session.scalars(select(ExportJob)).one()
    assert export.filters == {"province": "01", "commune": BA_DINH}
    assert export.rows_total == 1


# --- refusals, failures, expiry ----------------------------------------------------------------

BAD_REQUESTS = [
    ({"kind": "persons", "format": "csv"}, "400.140"),
    ({"kind": "table:nope", "format": "csv"}, "400.140"),
    ({"kind": "screenings", "format": "pdf"}, "400.18"),
    ({"kind": "screenings", "format": "csv", "commune": HOP_THANH}, "400.141"),
    ({"kind": "screenings", "format": "csv", "province": "15"}, "400.141"),
    ({"kind": "screenings", "format": "csv", "date_from": "31/02/2026"}, "400.141"),
    ({"kind": "screenings", "format": "csv", "date_from": "02/02/2026",
      "date_to": "01/02/2026"}, "400.141"),
    ({"kind": "screenings", "format": "csv", "instrument": "PHQ 9; drop"}, "400.141"),
    ({"kind": "screenings", "format": "csv", "sex": "x" * 500}, "400.141"),
    ({"kind": "x" * 5000, "format": "csv"}, "400.140"),
]


def test_bad_requests_are_refused_in_vietnamese(app, staff):
    coordinator = _as(app, "dp-ha-noi")
    for form, code in BAD_REQUESTS:
        answer = _ask(coordinator, status=int(code.split(".")[0]), **form)
        html = answer.data.decode()
        assert code in html and 'role="alert"' in html and "Xuất dữ liệu" in html, code
    assert db.session.scalar(select(ExportJob.id)) is None


def test_a_user_has_at_most_five_exports_waiting(app, staff):
    coordinator = _as(app, "dp-ha-noi")
    for _ in range(5):
        _asked(coordinator, kind="screenings", format="csv")
    assert "429.145" in _ask(coordinator, status=429, kind="screenings", format="csv").data.decode()


def test_a_failed_export_shows_its_reason(app, seeded, monkeypatch):
    monkeypatch.setattr(files, "XLSX_MAX_ROWS", 4)
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="screenings", format="xlsx")
    assert _run() == {"done": 0, "failed": 1, "lost": 0}
    export = _export(export_id)
    assert (export.state, export.error_code, export.blob_sha256) == ("failed", "413.146", None)
    html = coordinator.get(PAGE).data.decode()
    assert "Tệp XLSX chỉ chứa được" in html and "Traceback" not in html
    assert coordinator.get(f"{PAGE}/{export_id}/download").status_code == 409


def test_an_unexpected_error_is_a_generic_reason(app, seeded, monkeypatch):
    def broken(*_args):
        raise RuntimeError("boom with a secret")
    monkeypatch.setattr(work.sources, "page_rows", broken)
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="referrals", format="csv")
    _run()
    assert _export(export_id).error_code == "500.144"
    html = coordinator.get(PAGE).data.decode()
    assert "Không làm được tệp xuất" in html and "secret" not in html


def test_expired_files_are_deleted(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="referrals", format="csv")
    _run()
    blobs = app.extensions["sangloc_blobs"]
    sha256 = _export(export_id).blob_sha256
    assert blobs.exists(sha256)
    with transaction():
        assert work.expire_exports(blobs, now=utcnow() + timedelta(days=6)) == \
            {"expired": 0, "files_deleted": 0}
    with transaction():
        assert work.expire_exports(blobs, now=utcnow() + timedelta(days=8)) == \
            {"expired": 1, "files_deleted": 1}
    assert not blobs.exists(sha256)
    assert (_export(export_id).state, _export(export_id).blob_sha256) == ("expired", None)
    gone = coordinator.get(f"{PAGE}/{export_id}/download")
    assert gone.status_code == 410 and "410.143" in gone.data.decode()
    assert [e.target_id for e in _audits("export.expire")] == [str(export_id)]


def test_a_file_two_exports_share_is_kept_for_the_other(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    first = _asked(coordinator, kind="referrals", format="csv")
    _run()
    second = _asked(coordinator, kind="referrals", format="csv")
    _run()
    assert _export(first).blob_sha256 == _export(second).blob_sha256  # same bytes, one blob
    with transaction():
        _export(first).expires_at = utcnow() - timedelta(seconds=1)
    blobs = app.extensions["sangloc_blobs"]
    with transaction():
        assert work.expire_exports(blobs)["files_deleted"] == 0
    assert coordinator.get(f"{PAGE}/{second}/download").status_code == 200


# --- the worker -------------------------------------------------------------------------------

def test_progress_is_committed_page_by_page(app, seeded, monkeypatch):
    monkeypatch.setattr(work, "PAGE_ROWS", 4)
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="screenings", format="csv")
    seen = []
    next_page = work.next_page

    def watched(plan, after):
        with db.engine.connect() as other:  # another connection sees only what is committed
            seen.append(other.execute(text("SELECT rows_done, rows_total FROM export_jobs "
                                           "WHERE id = :id"), {"id": export_id}).one())
        return next_page(plan, after)
    monkeypatch.setattr(work, "next_page", watched)
    _run()
    assert [tuple(row) for row in seen] == [(0, 10), (4, 10), (8, 10), (10, 10)]


def test_one_worker_per_export(app, seeded):
    coordinator = _as(app, "dp-ha-noi")
    export_id = _asked(coordinator, kind="referrals", format="csv")
    now = utcnow()
    with transaction():
        assert work.claim_next("worker-a", now) == export_id
    with transaction():
        assert work.claim_next("worker-b", now + timedelta(minutes=1)) is None
    with transaction():  # worker-a stopped beating: worker-b takes the export over
        assert work.claim_next("worker-b", now + work.STALE + timedelta(seconds=1)) == export_id
    with transaction():
        assert not work.record_progress(export_id, "worker-a", 1)
    assert export_runs.run_export(export_id, app.extensions["sangloc_blobs"], "worker-a") \
        == "lost"
    assert export_runs.run_export(export_id, app.extensions["sangloc_blobs"], "worker-b") \
        == "done"
    assert _export(export_id).state == "done"


def test_the_migration_matches_the_export_model(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert [d for d in differences if "export_jobs" in str(d)] == []
