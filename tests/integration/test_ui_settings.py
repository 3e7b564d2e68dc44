"""Issue 12, programme settings per province (``/admin/settings``,
``services/programme/settings.py`` and ``threshold_preview.py``), on SQLite and PostgreSQL.

A province may set its own threshold table and due periods; merging, casework and re-scoring
use the settings of the person's province, the environment's elsewhere. A change of the table
is previewed (how many open results would change band or screen-positive status, per
instrument; nothing written), then confirmed: saved with its history and audit row, and the
province's screenings re-scored with their earlier results kept.

Expected values are worked by hand from instruments.md (§4 PHQ-9; thresholds in §11.4):
PHQ-9 bands 0-4 none_minimal, 5-9 mild, 10-14 moderate in both tables; screen-positive from 10
under international@2 and from 4 under vietnam@2. So a total of 6 is mild in both, negative
under international@2 and positive under vietnam@2; 12 is positive under both; 2 under neither.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from server.boundary import transaction
from server.extensions import db
from server.models import (
    AuditEvent,
    CaseAction,
    Person,
    ProvinceSetting,
    ProvinceSettingChange,
    Screening,
    ScreeningResult,
)
from server.programme import Programme
from server.services.access import users
from server.services.access.scope import scope_for_areas
from server.services.audit import SYSTEM
from server.services.cases import rescoring
from server.services.programme import settings, threshold_preview
from tests.integration.test_ui import PASSWORD, signed_in, token
from tests.support.instances import phq9_answers, screening_instance

BA_DINH, NGOC_HA, HOP_THANH = "00004", "00008", "02680"  # Hà Nội (01), Hà Nội, Lào Cai (15)
ADULT = date(1990, 5, 17)
PAGE = "/admin/settings"


@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "dp-ba-dinh", "coordinator", [BA_DINH], PASSWORD)
        users.create_user(SYSTEM, "gs-ha-noi", "supervisor", ["01"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)


@pytest.fixture
def devices(all_forms, make_device):
    return {code: make_device(f"ctv-{code}", code) for code in (BA_DINH, NGOC_HA, HOP_THANH)}


def _submit(device, commune: str, name: str, **items: int) -> Screening:
    xml = screening_instance("phq9", phq9_answers(**items), dob=ADULT, name=name,
                             commune=commune, group="phq9")
    assert device.collect.submit(xml).status_code == 201
    db.session.expire_all()
    person = db.session.scalar(select(Person).where(Person.full_name == name))
    return db.session.scalar(select(Screening).where(Screening.person_id == person.id))


def _set(code: str, thresholds: str | None = None, **periods: int) -> None:
    with transaction():
        settings.save_settings(SYSTEM, scope_for_areas(None), code,
                               settings.Proposed(thresholds, periods), user_id=None,
                               shown_thresholds=None)


def _post(client, code: str, **form: str):
    page = client.get(f"{PAGE}/{code}")
    return client.post(f"{PAGE}/{code}", data={"csrf_token": token(page.data), **form})


# --- merging and casework use the person's province ------------------------------------------

def test_a_vietnam_province_scores_a_new_phq9_under_vietnam_while_another_stays(staff, devices):
    _set("01", "vietnam")
    ha_noi = _submit(devices[BA_DINH], BA_DINH, "Trần Thị Sáu", q01=3, q02=3)  # total 6
    lao_cai = _submit(devices[HOP_THANH], HOP_THANH, "Lò Văn Sáu", q01=3, q02=3)
    assert (ha_noi.total, ha_noi.band, ha_noi.thresholds) == (6, "mild", "vietnam@2")
    assert ha_noi.result["screen_positive"] is True
    assert (lao_cai.total, lao_cai.band, lao_cai.thresholds) == (6, "mild", "international@2")
    assert lao_cai.result["screen_positive"] is False


def test_a_province_due_period_sets_a_new_actions_due_date(staff, devices):
    """PHQ-9 mild opens a rescreen due ``rescreen_days`` after the screening (30 by default)."""
    _set("01", rescreen_days=10)
    ha_noi = _submit(devices[NGOC_HA], NGOC_HA, "Trần Thị Mười", q01=3, q02=3)
    lao_cai = _submit(devices[HOP_THANH], HOP_THANH, "Lò Văn Mười", q01=3, q02=3)
    due = {s.id: db.session.scalar(select(CaseAction.due).where(
        CaseAction.screening_id == s.id, CaseAction.kind == "rescreen")) for s in (ha_noi, lao_cai)}
    assert due[ha_noi.id] == ha_noi.screened_on + timedelta(days=10)
    assert due[lao_cai.id] == lao_cai.screened_on + timedelta(days=30)


def test_stale_screenings_are_those_whose_table_is_not_their_provinces(staff, devices):
    ha_noi = _submit(devices[BA_DINH], BA_DINH, "Trần Thị Sáu", q01=3, q02=3)
    _submit(devices[HOP_THANH], HOP_THANH, "Lò Văn Sáu", q01=3, q02=3)
    assert rescoring.stale_screening_ids("international") == []
    _set("01", "vietnam")
    assert rescoring.stale_screening_ids("international") == [ha_noi.id]
    assert rescoring.stale_screening_ids("international", province="15") == []


def test_a_trial_uses_the_settings_of_the_coordinators_one_province(app, staff, publish_bundled):
    """The trial's PHQ-9 totals 9 (mild): negative under international@2, positive under
    vietnam@2; a trial has no person, so the trying coordinator's province decides."""
    from tests.integration.test_form_trial import _post as trial_post
    from tests.integration.test_form_trial import _version_id, phq9_instance

    publish_bundled("phq9")
    _set("01", "vietnam")
    url = f"/admin/forms/versions/{_version_id('phq9')}/try"
    ha_noi = trial_post(signed_in(app, "dp-ha-noi"), url, phq9_instance()).data.decode()
    lao_cai = trial_post(signed_in(app, "dp-lao-cai"), url, phq9_instance()).data.decode()
    assert "<dd>vietnam@2</dd>" in ha_noi and "<dd>international@2</dd>" in lao_cai


# --- the preview ----------------------------------------------------------------------------

def _seed(devices) -> dict[str, Screening]:
    """Hà Nội: totals 6, 12, 7 (q09 = 1: a safety contact too) with open work, 2 (no work
    opened), 6 whose work is done; Lào Cai: 6."""
    seeded = {
        "six": _submit(devices[BA_DINH], BA_DINH, "An Sáu", q01=3, q02=3),
        "twelve": _submit(devices[BA_DINH], BA_DINH, "An Mười Hai", q01=3, q02=3, q03=3,
                          q04=3),
        "seven": _submit(devices[NGOC_HA], NGOC_HA, "An Bảy", q01=3, q02=3, q09=1),
        "two": _submit(devices[NGOC_HA], NGOC_HA, "An Hai", q01=2),
        "done": _submit(devices[NGOC_HA], NGOC_HA, "An Xong", q01=3, q02=3),
        "lao_cai": _submit(devices[HOP_THANH], HOP_THANH, "Lò Sáu", q01=3, q02=3),
    }
    with transaction():
        db.session.execute(update(CaseAction).where(
            CaseAction.screening_id == seeded["done"].id).values(state="done"))
    return seeded


def test_the_preview_counts_open_results_that_would_change(staff, devices):
    seeded = _seed(devices)
    assert db.session.scalar(select(func.count(CaseAction.id)).where(
        CaseAction.screening_id == seeded["two"].id)) == 0  # none_minimal opens no work
    preview = threshold_preview.preview_table("01", "international", "vietnam")
    # open: 6, 12 and 7 (2 has no open work, "done" none left, Lào Cai is another province);
    # bands are the same in both tables; 6 and 7 become positive, 12 already was
    assert [(r.instrument, r.open_results, r.band_changes, r.positive_changes, r.changed)
            for r in preview.rows] == [("phq9", 3, 0, 2, 2)]
    assert preview.rescored == 5  # every current Hà Nội screening names international@2
    assert db.session.scalar(select(func.count(ScreeningResult.id))) == 0
    back = threshold_preview.preview_table("15", "international", "international")
    assert [(r.open_results, r.changed) for r in back.rows] == [(1, 0)]


def test_preview_then_confirm_saves_audits_and_rescores_keeping_the_old_result(
        app, staff, devices):
    seeded = _seed(devices)
    client = signed_in(app, "dp-ha-noi")
    shown = _post(client, "01", thresholds="vietnam", shown_thresholds="")
    html = shown.data.decode()
    assert shown.status_code == 200 and "Xem trước thay đổi" in html
    assert 'data-instrument="phq9"' in html and '<td class="number" id="preview-changed">2' in html
    assert "Chưa có gì được lưu" in html and "5 phiếu sàng lọc của tỉnh" in html
    assert db.session.scalar(select(func.count()).select_from(ProvinceSetting)) == 0
    done = _post(client, "01", thresholds="vietnam", shown_thresholds="", confirm="1")
    assert done.status_code == 302 and "rescored=5" in done.headers["Location"]
    db.session.expire_all()
    six = db.session.get(Screening, seeded["six"].id)
    assert six.thresholds == "vietnam@2" and six.result["screen_positive"] is True
    kept = db.session.scalar(select(ScreeningResult).where(
        ScreeningResult.screening_id == six.id))
    assert kept.thresholds == "international@2" and kept.result["screen_positive"] is False
    assert kept.reason == "rescored"
    assert db.session.get(Screening, seeded["lao_cai"].id).thresholds == "international@2"
    change = db.session.scalar(select(ProvinceSettingChange))
    assert (change.before["thresholds"], change.after["thresholds"]) == (None, "vietnam")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.change"))
    assert audit.target_id == "01" and audit.detail["thresholds_after"] == "vietnam"
    assert audit.actor_id == users.get_user("dp-ha-noi").id
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "screening.rescore")) == 5
    page = client.get(done.headers["Location"]).data.decode()
    assert "Đã chấm lại 5 phiếu sàng lọc ngay" in page and "Lịch sử thay đổi" in page
    assert "dp-ha-noi" in page and "Ngưỡng đã hiệu chuẩn tại Việt Nam" in page


def test_a_table_changed_since_the_preview_is_refused(app, staff):
    client = signed_in(app, "dp-ha-noi")
    _set("01", "vietnam")  # someone else, after this page showed the default
    refused = _post(client, "01", thresholds="international", shown_thresholds="",
                    confirm="1")
    assert refused.status_code == 409 and "409.112" in refused.data.decode()
    assert db.session.get(ProvinceSetting, "01").thresholds == "vietnam"


def test_periods_alone_are_saved_without_a_preview(app, staff):
    client = signed_in(app, "qtv-ha-noi")
    saved = _post(client, "01", referral_days="10", needs_info_days="0", shown_thresholds="")
    assert saved.status_code == 302
    db.session.expire_all()
    row = db.session.get(ProvinceSetting, "01")
    assert (row.thresholds, row.periods) == (None, {"needs_info_days": 0, "referral_days": 10})
    assert settings.programme_for_commune(NGOC_HA, Programme()).periods.referral_days == 10
    assert settings.programme_for_commune(HOP_THANH, Programme()).periods.referral_days == 14
    again = _post(client, "01", referral_days="10", needs_info_days="0", shown_thresholds="")
    assert again.status_code == 302  # nothing changed: no second history row
    assert db.session.scalar(select(func.count(ProvinceSettingChange.id))) == 1


# --- scope and bad input ----------------------------------------------------------------------

def test_only_coordinators_and_admins_of_the_whole_province(app, staff):
    assert signed_in(app, "gs-ha-noi").get(PAGE).status_code == 403
    assert signed_in(app, "gs-ha-noi").get(f"{PAGE}/01").status_code == 403
    lao_cai = signed_in(app, "dp-lao-cai")
    listed = lao_cai.get(PAGE)
    assert listed.status_code == 200 and "Lào Cai" in listed.data.decode()
    assert f'href="{PAGE}/01"' not in listed.data.decode()
    assert lao_cai.get(f"{PAGE}/01").status_code == 404
    page = lao_cai.get(f"{PAGE}/15")
    assert lao_cai.post(f"{PAGE}/01", data={"csrf_token": token(page.data),
                                            "thresholds": "vietnam"}).status_code == 404
    commune_only = signed_in(app, "dp-ba-dinh")
    assert commune_only.get(f"{PAGE}/01").status_code == 404  # holds a commune, not 01
    assert "Bạn không phụ trách trọn một tỉnh" in commune_only.get(PAGE).data.decode()
    assert signed_in(app, "qtv-ha-noi").get(f"{PAGE}/01").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ProvinceSetting)) == 0


@pytest.mark.parametrize("field, value, code", [
    ("referral_days", "abc", "400.110"), ("referral_days", "366", "400.110"),
    ("referral_days", "-1", "400.110"), ("referral_days", "1.5", "400.110"),
    ("referral_days", "١٢", "400.110"), ("review_days", "9" * 5000, "400.110"),
    ("thresholds", "vn", "400.111"), ("thresholds", "x" * 5000, "400.111"),
])
def test_bad_input_is_a_400_on_the_page(app, staff, field, value, code):
    client = signed_in(app, "dp-ha-noi")
    answer = _post(client, "01", **{field: value, "shown_thresholds": ""})
    html = answer.data.decode()
    assert answer.status_code == 400 and code in html
    assert "phải là số ngày nguyên từ 0 đến 365" in html or "Không có bảng ngưỡng" in html
    assert db.session.scalar(select(func.count()).select_from(ProvinceSetting)) == 0


def test_a_nul_byte_in_a_field_or_no_csrf_token_is_a_400(app, staff):
    client = signed_in(app, "dp-ha-noi")
    assert client.post(f"{PAGE}/01", data={"thresholds": "vietnam"}).status_code == 400
    assert _post(client, "01", referral_days="1\x00", shown_thresholds="").status_code == 400
    assert _post(client, "01", thresholds="vietnam\x00").status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ProvinceSetting)) == 0


def test_strange_province_codes_are_404_never_500(app, staff):
    client = signed_in(app, "dp-ha-noi")
    for code in ("99", "zz", "0" * 300, "01%00"):
        assert client.get(f"{PAGE}/{code}").status_code in (400, 404)


# --- the migration ----------------------------------------------------------------------------

def test_the_migration_matches_the_settings_models(app, backend):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import downgrade, upgrade

    def differences() -> list:
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            found = compare_metadata(context, db.metadata)
        return [d for d in found if "province_setting" in str(d)]

    assert differences() == []
    if backend == "sqlite":  # the PostgreSQL database is shared by the session's tests
        db.session.remove()
        downgrade(revision="0012")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
        assert not tables & {"province_settings", "province_setting_changes"}
        upgrade()
        assert differences() == []
