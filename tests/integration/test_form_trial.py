"""Issue 12, a form tried in the browser (``services/forms/trial.py``, ``ui/form_trial.py``),
on SQLite and PostgreSQL: a test submission is scored as a real one would be and shown with the
work it would open, and nothing of it is stored.

Expected results are worked by hand from /work/shared/reference (thresholds: international,
the default; pathway periods: the defaults of ``pathway.Periods``):

* PHQ-9 (instruments.md §4): items 0-3, total 0-27; 5-9 is "mild"; q09 >= 1 is the self-harm
  flag. Answers q01..q09 = 2,2,1,1,0,1,1,0,1: total 2+2+1+1+0+1+1+0+1 = 9 -> mild, with the
  flag. pathway.md: item 9 >= 1 -> ``safety_contact`` the same day, urgent; 5-9 mild ->
  ``rescreen`` in 30 days. Screened 01/12/2026: due 01/12/2026 and 31/12/2026. The result's
  risk is the highest of its rows, at most high: high.
* M-CHAT-R (instruments.md §2): one point for "yes" on q02, q05, q12 and for "no" on the other
  items. q02 yes, q05 yes, q03 no, q07 no, every other item the not-at-risk answer: total 4
  -> Medium (3-7). pathway.md: Medium -> ``followup_interview``, 30 days: 31/12/2026, risk
  medium. The child, born 01/04/2025, is 20 months old on 01/12/2026 (16-30 validated).
"""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import forms
from server.boundary import transaction
from server.extensions import db
from server.models import AuditEvent, FormVersion
from server.problems import Problem
from server.programme import Programme, today
from server.services.access import users
from server.services.access.scope import scope_for_areas
from server.services.audit import SYSTEM
from server.services.forms import catalogue, trial
from server.services.forms.trial import TrialTarget
from server.ui.web import CSP
from tests.integration.conftest import bundled_xform
from tests.integration.test_ui import PASSWORD, sign_in, signed_in, token

ON = date(2026, 12, 1)
START = "2026-12-01T09:15:02.123+07:00"
PHQ9_ANSWERS = ("2", "2", "1", "1", "0", "1", "1", "0", "1")
MCHAT_AT_RISK = {"q02": "yes", "q05": "yes", "q03": "no", "q07": "no"}


def _xml(form_id: str, groups: dict[str, dict[str, str]], *, start: str = START,
         version: str | None = None) -> bytes:
    """An instance of a bundled form as JavaRosa writes it (openrosa.md c)."""
    version = version if version is not None else forms.read_xform(bundled_xform(form_id)).version
    body = "".join(f"<{group}>{''.join(f'<{k}>{v}</{k}>' for k, v in fields.items())}</{group}>"
                   for group, fields in groups.items())
    return (f'<?xml version="1.0"?><data id="{form_id}" version="{version}" '
            'xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">'
            f"<start>{start}</start><end>{start}</end>{body}"
            f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>").encode()


def _consent(given: str = "yes") -> dict[str, str]:
    return {"consent": given, "consent_method": "paper"} if given == "yes" else \
        {"consent": given}


def phq9_instance(answers=PHQ9_ANSWERS, *, consent: str = "yes", dob: str = "1990-05-20",
                  **kwargs) -> bytes:
    items = {f"q{i:02d}": a for i, a in enumerate(answers, start=1)}
    items.update(q10="1", total=str(sum(int(a) for a in answers)))
    return _xml("phq9", {"consent_group": _consent(consent),
                         "person": {"person_id": "new", "dob": dob, "full_name": "Trần Văn Thử",
                                    "sex": "male", "commune": "00004"},
                         "phq9": items}, **kwargs)


def mchat_instance() -> bytes:
    items = {f"q{i:02d}": "no" if i in (2, 5, 12) else "yes" for i in range(1, 21)}
    items.update(MCHAT_AT_RISK)
    items["total"] = "4"
    return _xml("mchat_r", {"consent_group": _consent(),
                            "person": {"person_id": "new", "dob": "2025-04-01",
                                       "full_name": "Bé Thử", "sex": "female",
                                       "caregiver_name": "Mẹ Thử", "commune": "00004"},
                            "mchat_r": items})


def _target(form_id: str) -> TrialTarget:
    version = db.session.scalar(select(FormVersion).where(
        FormVersion.form.has(xml_form_id=form_id)))
    return TrialTarget(version.xml, version.binding, "form_version", version.id, version.title)


def _rows() -> dict[str, int]:
    """Rows in every table but the audit log and the area catalogue."""
    db.session.expire_all()
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables
            if t.name not in ("audit_events", "admin_units", "alembic_version")}


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _try(form_id: str, instance: bytes, on: date = ON):
    with transaction():
        return trial.score_trial(SYSTEM, _target(form_id), instance, Programme(), today=on)


@pytest.fixture
def published(publish_bundled):
    publish_bundled("phq9", "mchat_r")


def test_phq9_item_9_opens_the_same_day_safety_contact(published):
    result = _try("phq9", phq9_instance())
    assert (result.state, result.instrument_id, result.total, result.band) == \
        ("scored", "phq9", 9, "mild")
    assert result.flags == ("self_harm_item_positive",)
    assert result.risk == "high"
    assert [(a.kind, a.urgent, a.due) for a in result.actions] == [
        ("safety_contact", True, ON), ("rescreen", False, ON + timedelta(days=30))]
    assert result.interview.on == ON and result.interview.source == "start"
    assert "hôm nay" in result.message  # the words Collect would show: contact today


def test_mchat_medium_opens_the_follow_up_interview(published):
    result = _try("mchat_r", mchat_instance())
    assert (result.instrument_id, result.total, result.band) == ("mchat_r", 4, "medium")
    assert result.flags == ("followup_interview_required",)
    assert result.outcome.age_months == 20 and not result.outcome.outside_age_range
    assert [(a.kind, a.due, a.risk) for a in result.actions] == [
        ("followup_interview", date(2026, 12, 31), "medium")]
    assert result.risk == "medium"


def test_no_consent_scores_nothing(published):
    result = _try("phq9", phq9_instance(consent="no"))
    assert (result.state, result.outcome, result.actions) == ("refused", None, ())


def test_a_form_without_an_instrument_is_not_scored(published):
    with transaction():
        found = _target("phq9")
        plain = TrialTarget(found.xml, None, "form_version", found.target_id, found.title)
        result = trial.score_trial(SYSTEM, plain, phq9_instance(), Programme(), today=ON)
    assert (result.state, result.actions) == ("unscored", ())


def test_a_trial_stores_nothing_but_its_audit_row(app, published):
    before, blobs = _rows(), _files(Path(app.config["SANGLOC_INSTANCE_DIR"]) / "blobs")
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    _try("phq9", phq9_instance())
    _try("mchat_r", mchat_instance())
    assert _rows() == before
    assert _files(Path(app.config["SANGLOC_INSTANCE_DIR"]) / "blobs") == blobs
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert len(rows) == audit_before + 2
    trials = [r for r in rows if r.action == "form.trial"]
    assert {r.detail["form_id"] for r in trials} == {"phq9", "mchat_r"}
    for row in trials:  # the form, never an answer
        assert set(row.detail) == {"form_id", "version"} and row.target_type == "form_version"


@pytest.mark.parametrize(("instance", "code"), [
    (b"", "400.2"),
    (b"<data id='phq9'", "400.3"),
    (b'<!DOCTYPE d [<!ENTITY x "y">]><data id="phq9"/>', "400.4"),
    (b'<data id="phq9" version="1"><meta/></data>', "400.5"),
    (b"<data><meta><instanceID>uuid:1</instanceID></meta></data>", "400.6"),
    (b"<data>" + b" " * trial.MAX_INSTANCE_BYTES + b"</data>", "413.1"),
])
def test_an_unreadable_instance_is_refused(published, instance, code):
    with pytest.raises(Problem) as refused:
        _try("phq9", instance)
    assert refused.value.code == code


def test_an_instance_of_another_form_or_version_is_refused(published):
    with pytest.raises(Problem) as refused:
        _try("phq9", mchat_instance())
    assert refused.value.code == "422.90"
    with pytest.raises(Problem) as refused:
        _try("phq9", phq9_instance(version="1999010101"))
    assert refused.value.code == "422.90"


def test_an_instance_a_merge_would_refuse_is_a_clear_problem(published):
    with pytest.raises(Problem) as refused:
        _try("phq9", phq9_instance(dob="1990-13-45"))
    assert refused.value.code == "422.91"
    assert "/data/person/dob" in refused.value.message("en")


def test_the_trial_case_list_holds_nobody(app, published, device):
    """Web Forms gets a cases.csv with only the "new person" row, whoever is registered."""
    with transaction():
        scope = scope_for_areas(["01"])
        listed = trial.trial_media(_target("phq9"), scope, "cases.csv")
        communes = trial.trial_media(_target("phq9"), scope, "communes.csv")
    lines = listed.data.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith("new,")
    assert communes.data.decode().splitlines()[1].startswith(scope.commune_code + ",")


# --- the pages --------------------------------------------------------------------------------

@pytest.fixture
def staff(app):
    with transaction():
        users.create_user(SYSTEM, "dp-ha-noi", "coordinator", ["01"], PASSWORD)
        users.create_user(SYSTEM, "dp-lao-cai", "coordinator", ["15"], PASSWORD)
        users.create_user(SYSTEM, "qtv-ha-noi", "admin", ["01"], PASSWORD)
        users.create_user(SYSTEM, "gs-ba-dinh", "supervisor", ["00004"], PASSWORD)
        users.create_user(SYSTEM, "ctv-ba-dinh", "collaborator", ["00004"], PASSWORD)


def _version_id(form_id: str) -> int:
    return db.session.scalar(select(FormVersion.id).where(
        FormVersion.form.has(xml_form_id=form_id)))


def _post(client, url: str, instance: bytes):
    page = client.get(url)
    return client.post(f"{url}/score", data={
        "csrf_token": token(page.data),
        "xml_submission_file": (io.BytesIO(instance), "xml_submission_file",
                                "text/xml")})


def _text(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(dd|ul|p|blockquote)>', html, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()


def test_a_coordinator_tries_a_version_and_reads_its_result(app, published, staff):
    client = signed_in(app, "dp-ha-noi")
    url = f"/admin/forms/versions/{_version_id('phq9')}/try"
    page = client.get(url)
    assert page.status_code == 200
    html = page.data.decode()
    assert 'type="importmap"' in html and "Thử — không lưu" in html
    policy = page.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "'sha256-" in policy
    assert "'wasm-unsafe-eval'" in policy and "font-src 'self' data:" in policy
    assert "'unsafe-eval'" not in policy and "http" not in policy
    assert client.get("/worklist").headers["Content-Security-Policy"] == CSP  # that page only
    assert client.get(f"{url}/form.xml").data == bundled_xform("phq9")
    before = _rows()
    answer = _post(client, url, phq9_instance(start=f"{today().isoformat()}T09:00:00+07:00"))
    assert answer.status_code == 200
    html = answer.data.decode()
    assert (_text(html, "trial-total"), _text(html, "trial-risk")) == ("9", "Cao")
    assert "Liên hệ an toàn trong hôm nay" in _text(html, "trial-actions")
    assert "Thử — không lưu" in html
    assert _rows() == before


def test_the_language_switch_gives_the_result_in_english(app, published, staff):
    client = signed_in(app, "dp-ha-noi")
    page = client.get("/worklist")
    client.post("/language", data={"lang": "en", "back": "/worklist",
                                   "csrf_token": token(page.data)})
    url = f"/admin/forms/versions/{_version_id('mchat_r')}/try"
    html = _post(client, url, mchat_instance()).data.decode()
    assert "Test — not stored" in html
    assert _text(html, "trial-band") == "medium risk"
    assert "Follow-Up interview" in _text(html, "trial-actions")


def test_a_bad_instance_is_a_4xx_fragment_never_a_500(app, published, staff):
    client = signed_in(app, "dp-ha-noi")
    url = f"/admin/forms/versions/{_version_id('phq9')}/try"
    answer = _post(client, url, b"<data id='phq9'")
    assert answer.status_code == 400 and "400.3" in answer.data.decode()
    page = client.get(url)
    missing = client.post(f"{url}/score", data={"csrf_token": token(page.data)})
    assert missing.status_code == 400 and "400.2" in missing.data.decode()
    assert client.post(f"{url}/score", data={}).status_code == 400  # no CSRF token


def test_supervisors_and_collaborators_cannot_try_forms(app, published, staff):
    """A supervisor is refused (403.50); a collaborator cannot sign in to the pages at all
    (they work on a device), so every trial route sends them to the sign-in page."""
    url = f"/admin/forms/versions/{_version_id('phq9')}/try"
    client = signed_in(app, "gs-ba-dinh")
    for path in ("", "/form.xml", "/media/cases.csv"):
        assert client.get(url + path).status_code == 403
    page = client.get("/worklist")
    refused = client.post(f"{url}/score", data={"csrf_token": token(page.data)})
    assert refused.status_code == 403 and "403.50" in refused.data.decode()
    collaborator = app.test_client()
    assert sign_in(collaborator, "ctv-ba-dinh").status_code == 401
    for path in ("", "/form.xml", "/media/cases.csv"):
        answer = collaborator.get(url + path)
        assert answer.status_code == 302 and "/sign-in" in answer.location
    before = _rows()
    form = collaborator.get("/sign-in")
    sent = collaborator.post(f"{url}/score", data={
        "csrf_token": token(form.data),
        "xml_submission_file": (io.BytesIO(phq9_instance()), "x.xml", "text/xml")})
    assert sent.status_code == 302 and _rows() == before


def test_a_form_assigned_elsewhere_is_not_found(app, published, staff):
    with transaction():
        catalogue.assign_form(SYSTEM, "phq9", ["15"])
    url = f"/admin/forms/versions/{_version_id('phq9')}/try"
    assert signed_in(app, "dp-ha-noi").get(url).status_code == 404
    assert signed_in(app, "dp-lao-cai").get(url).status_code == 200
    assert signed_in(app, "qtv-ha-noi").get("/admin/forms/versions/999999/try") \
        .status_code == 404


def test_an_admin_may_try_and_the_media_are_served(app, published, staff):
    client = signed_in(app, "qtv-ha-noi")
    url = f"/admin/forms/versions/{_version_id('mchat_r')}/try"
    listed = client.get(f"{url}/media/cases.csv")
    assert listed.status_code == 200 and listed.mimetype == "text/csv"
    assert client.get(f"{url}/media/other.csv").status_code == 404
