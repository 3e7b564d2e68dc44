"""Issue 13 in Chromium: the collaborator's offline web app ``/m/`` on a real ``sangloc serve``.

Each test is a phone (a browser context at 360 px) of a collaborator of commune 00004 who signs
in with a password, works offline (``context.set_offline``, which in Playwright ≥ 1.48 also
cuts the service worker's network) and syncs; every test checks what the server stored (its
database) as well as what the app shows. One server for the module: the tests use their own
forms' instance ids, so they do not see each other's records.

Worked by hand (instruments.md §4, §6; pathway.md; the international thresholds, which are the
default): PHQ-9 answers are 0-3 each, total 0-27; 0-4 none/minimal (no work), 5-9 mild (rescreen
in 30 days), 10-14 moderate (assessment in 14 days), 15-19 moderately severe (referral in 14
days), 20-27 severe (referral in 7 days); item 9 ≥ 1 opens a safety contact the same day,
urgent, whatever the total. GAD-7: 0-3 each, total 0-21; 0-4 minimal, 5-9 mild (no work),
10-14 moderate (assessment in 14 days), 15-21 severe (referral in 14 days). Days count from
the interview (today, Vietnam time).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from server.programme import today
from tests.browser.conftest import axe, dump, screenshot
from tests.browser.mobile_support import (
    COLLABORATORS,
    App,
    Records,
    dates_shown,
    mobile_server,
)
from tests.support.live_server import ROOT

pytestmark = pytest.mark.slow
ZERO_PHQ, ZERO_GAD = (0,) * 9, (0,) * 7


@pytest.fixture(scope="module")
def server(sqlite_template, tmp_path_factory):
    server = mobile_server(sqlite_template, tmp_path_factory.mktemp("mobile") / "instance")
    yield server
    server.stop()


@pytest.fixture
def records(server):
    return Records(server)


@pytest.fixture
def phones(browser, server):
    """Phones (``App``) made by the test, all closed at its end."""
    made: list[App] = []

    def make(**options) -> App:
        made.append(App(browser, server, **options))
        return made[-1]

    yield make
    for app in made:
        app.close()


def _known(app: App) -> set[str]:
    """The instance ids the phone has queued or sent (an online phone sends at once)."""
    return set(app.outbox()) | set(app.results())


def _new(name: str, dob: date = date(1985, 4, 12), sex: str = "female") -> tuple:
    """A person not on the list (entered in the form)."""
    return name, dob, sex


def _queued(app: App, form_id: str, who, scores) -> str:
    """Fill and finish one form for ``who`` (a listed person's name, picked in the people
    list, or a new person from ``_new``); its instance id (the outbox's or results' new row)."""
    before = _known(app)
    if isinstance(who, tuple):
        app.start_form(form_id)
        app.fill(scores, new_person=who)
    else:
        app.start_form(form_id, who)
        app.fill(scores)
    app.finish()
    new = list(_known(app) - before)
    assert len(new) == 1, new
    return new[0]


def _drafted(app: App, form_id: str, who: tuple, scores) -> str:
    """Begin one form for a new person ``who`` (from ``_new``), answer the first items with
    ``scores`` and leave it as a draft; its instance id (the only draft)."""
    app.start_form(form_id)
    app.consent()
    app.identify(*who)
    app.commune()
    app.answer_items(scores)
    app.save_and_exit()
    [draft] = app.draft_ids()
    return draft


def _actions(*pairs) -> tuple:
    """(kind, days from today, urgent) -> (kind, due, urgent), by kind as Records gives."""
    on = today()
    return tuple(sorted((kind, on + timedelta(days=days), urgent) for kind, days, urgent in pairs))


# --- 1 -------------------------------------------------------------------------------------
def test_two_forms_offline_one_a_draft_across_a_reload_are_synced_once(phones, records):
    app = phones()
    app.sign_in("ctv-an")
    app.offline()
    # PHQ-9 2,2,1,1,0,1,1,0,1 = 9, mild: rescreen in 30 days; q09 = 1: safety contact today
    phq = _queued(app, "phq9", _new("Mai Văn Một", date(1990, 5, 20), "male"),
                  (2, 2, 1, 1, 0, 1, 1, 0, 1))
    # GAD-7 begun: q01-q03 = 2, 2, 2, then saved as a draft
    gad = _drafted(app, "gad7", _new("Mai Thị Hai", date(1979, 9, 18), "female"), (2, 2, 2))
    assert app.waiting() == 1

    app.page.reload()  # offline: the service worker serves the app
    app.page.locator("#tab-home").wait_for()
    assert app.page.locator("#net-state").get_attribute("data-online") == "false"
    assert app.waiting() == 1 and app.draft_ids() == [gad]
    app.continue_draft(gad)
    app.answer_items((1, 1, 1, 1), start=3)  # q04-q07: 2+2+2+1+1+1+1 = 10, moderate
    app.finish()
    assert app.draft_ids() == []
    assert app.waiting() == 2
    assert records.submissions([phq, gad]) == 0  # nothing left the phone

    app.online()
    app.wait_waiting(0, seconds=60)
    stored = records.screenings([phq, gad])
    assert records.submissions([phq, gad]) == 2
    [phq_row], [gad_row] = stored[phq], stored[gad]
    assert (phq_row.instrument, phq_row.total, phq_row.band) == ("phq9", 9, "mild")
    assert phq_row.person == "Mai Văn Một"
    assert phq_row.actions == _actions(("rescreen", 30, False), ("safety_contact", 0, True))
    assert (gad_row.instrument, gad_row.total, gad_row.band) == ("gad7", 10, "moderate")
    assert gad_row.person == "Mai Thị Hai"
    assert gad_row.actions == _actions(("assessment", 14, False))

    results = app.results()
    assert {results[phq]["status"], results[gad]["status"]} == {"accepted"}
    assert "hôm nay" in results[phq]["text"].lower()  # the safety contact, said in words
    assert "GAD-7" in results[gad]["text"]
    app.sync_now()  # a second sync sends nothing again
    app.wait_sync_idle()
    assert records.submissions([phq, gad]) == 2
    assert app.errors == []


# --- 2 -------------------------------------------------------------------------------------
def test_a_server_error_mid_batch_leaves_the_unanswered_items_queued(phones, records):
    app = phones()
    app.sign_in("ctv-an")
    app.offline()
    people = ("Lý Văn Ba", "Lý Thị Bốn", "Lý Văn Năm")
    ids = [_queued(app, "phq9", _new(person), ZERO_PHQ) for person in people]
    assert app.waiting() == 3

    # (a) going online sends the three in one batch; the server stores the first two, then
    # the connection drops before the phone hears the answer (as when the server or the
    # network dies in the middle of a batch)
    cut = []

    def store_two_then_drop(route):
        body = route.request.post_data_json
        headers = {k: v for k, v in route.request.headers.items()
                   if k.lower() != "content-length"}
        cut.append([item["client_id"] for item in body["submissions"]])
        answer = route.fetch(post_data=json.dumps({"submissions": body["submissions"][:2]}),
                             headers=headers)
        cut.append([r["status"] for r in answer.json()["results"]])
        route.abort("connectionreset")

    app.context.route("**/api/v1/sync", store_two_then_drop, times=1)
    app.online()
    app.wait_until(lambda: len(cut) == 2, 30, "the first sync, cut")
    assert sorted(cut[0]) == sorted(ids) and cut[1] == ["accepted", "accepted"]
    assert records.submissions(ids) == 2  # stored on the server ...
    app.page.wait_for_timeout(500)
    assert app.waiting() == 3  # ... but the phone never heard: all three stay queued
    assert {row["state"] for row in app.outbox().values()} == {"waiting"}

    # (b) the app's own retries (after its back-off) get a 500 before the server sees them:
    # nothing changes, everything stays queued
    refused = []

    def fail(route):
        refused.extend(item["client_id"] for item in route.request.post_data_json["submissions"])
        route.fulfill(status=500, content_type="application/json",
                      body=json.dumps({"error": {"code": "500.0", "status": 500,
                                                 "message": "lỗi máy chủ"}}))

    app.context.route("**/api/v1/sync", fail)
    app.wait_until(lambda: set(refused) == set(ids), 60, "retries of all three, refused")
    app.context.unroute("**/api/v1/sync", fail)
    assert records.submissions(ids) == 2
    assert app.waiting() == 3

    # the next retry: the two the server has are duplicates, the third is accepted
    app.wait_waiting(0, seconds=90)
    results = app.results()
    statuses = sorted(results[i]["status"] for i in ids)
    assert statuses == ["accepted", "duplicate", "duplicate"]
    stored = records.screenings(ids)
    assert records.submissions(ids) == 3
    assert all(len(stored[i]) == 1 and stored[i][0].total == 0 for i in ids), stored


# --- 3 -------------------------------------------------------------------------------------
def test_a_rejected_item_stays_visible_with_its_reason_and_blocks_nothing(phones, records,
                                                                         server):
    app = phones()
    app.sign_in("ctv-an")
    app.offline()
    gad = _queued(app, "gad7", _new("Tạ Thị Sáu"), ZERO_GAD)
    phq = _queued(app, "phq9", _new("Tạ Văn Bảy"), ZERO_PHQ)
    server.sangloc("forms", "state", "gad7", "closed")  # the coordinator closes GAD-7 meanwhile
    try:
        app.online()
        app.sync_now()
        app.wait_until(lambda: phq in app.results(), 60, "the PHQ-9 synced")
        app.wait_sync_idle()
        outbox = app.outbox()
        assert list(outbox) == [gad]
        assert outbox[gad]["state"] == "rejected"
        assert "409.2" in outbox[gad]["reason"] or "đã đóng" in outbox[gad]["reason"], outbox
        assert app.results()[phq]["status"] == "accepted"
        assert records.submissions([gad]) == 0 and records.submissions([phq]) == 1
        screenshot(app.page, "mobile-outbox-rejected")
        # the home screen counts it apart from the waiting ones, with a way to it
        assert app.waiting() == 0 and app.rejected() == 1
        app.page.locator("#rejected-link").click()
        app.page.locator(f'[data-outbox-id="{gad}"]').wait_for()
        assert app.page.locator("#tab-outbox").get_attribute("aria-current") == "page"
        # a later sync neither loses nor hides it
        app.sync_now()
        app.wait_sync_idle()
        assert app.outbox()[gad]["state"] == "rejected"
    finally:
        server.sangloc("forms", "state", "gad7", "open")


# --- 4 -------------------------------------------------------------------------------------
def _phq9_version(path, version: str) -> None:
    import openpyxl
    book = openpyxl.load_workbook(ROOT / "forms" / "definitions" / "phq9.xlsx")
    settings = book["settings"]
    header = [c.value for c in settings[1]]
    settings.cell(2, header.index("version") + 1, version)
    book.save(path)


def test_a_new_form_version_appears_after_sync_and_an_old_draft_still_counts(
        phones, records, server, tmp_path):
    app = phones()
    app.sign_in("ctv-binh")
    old = records.form_version("phq9")
    app.offline()
    draft = _drafted(app, "phq9", _new("Chu Thị Tám", date(1991, 3, 3), "female"), (1, 1, 1))

    new = str(int(old) + 100)
    _phq9_version(tmp_path / "phq9.xlsx", new)
    server.sangloc("forms", "publish", str(tmp_path / "phq9.xlsx"))
    app.online()
    app.sync_now()
    app.wait_sync_idle()
    app.wait_for_forms("phq9", new)
    # a new form opens on the new version; the old draft finishes on its own
    fresh = _queued(app, "phq9", _new("Chu Văn Chín"), ZERO_PHQ)
    app.continue_draft(draft)
    app.answer_items((1, 0, 0, 0, 0, 0), start=3)  # 1+1+1+1 = 4, none/minimal
    app.difficulty()
    app.finish()
    app.sync_now()
    app.wait_waiting(0, seconds=60)
    stored = records.screenings([fresh, draft])
    assert [(s.form_version, s.total) for s in stored[fresh]] == [(new, 0)]
    assert [(s.form_version, s.total, s.band) for s in stored[draft]] == \
        [(old, 4, "none_minimal")]
    assert {app.results()[i]["status"] for i in (fresh, draft)} == {"accepted"}


# --- 5 -------------------------------------------------------------------------------------
def test_export_and_import_of_waiting_forms_lose_nothing_and_duplicate_nothing(
        phones, records, tmp_path):
    first = phones()
    first.sign_in("ctv-an")
    first.offline()
    ids = [_queued(first, "phq9", _new("Kiều Văn Mười"), ZERO_PHQ),
           _queued(first, "gad7", _new("Kiều Thị Mười Một"), ZERO_GAD)]
    first.tab("home")
    with first.page.expect_download() as download:
        first.page.locator("#export-waiting").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"sangloc-cho-gui-\d{8}-\d{4}\.json", path.name), path.name
    exported = json.loads(path.read_text())
    assert exported["format"] == "sangloc-outbox" and exported["version"] == 1
    assert exported["username"] == "ctv-an" and exported["commune"] == COLLABORATORS["ctv-an"]
    assert sorted(i["client_id"] for i in exported["items"]) == sorted(ids)
    assert all(i["client_id"] == i["instance_id"] for i in exported["items"])

    second = phones()  # another phone of the commune
    second.sign_in("ctv-binh")
    second.offline()
    for _ in range(2):  # importing the same file twice adds nothing the second time
        second.tab("home")
        second.page.locator("#import-waiting").set_input_files(str(path))
        second.wait_waiting(2)
    assert sorted(second.outbox()) == sorted(ids)
    second.online()
    second.sync_now()
    second.wait_waiting(0, seconds=60)
    assert records.submissions(ids) == 2
    assert {second.results()[i]["status"] for i in ids} == {"accepted"}
    second.tab("home")
    second.page.locator("#import-waiting").set_input_files(str(path))  # already sent: skipped
    second.page.wait_for_timeout(1000)
    assert second.waiting() == 0

    first.online()  # the first phone's copies are duplicates, never second records
    first.sync_now()
    first.wait_waiting(0, seconds=60)
    assert {first.results()[i]["status"] for i in ids} == {"duplicate"}
    stored = records.screenings(ids)
    assert records.submissions(ids) == 2 and all(len(stored[i]) == 1 for i in ids)


# --- 6 -------------------------------------------------------------------------------------
ENGLISH = re.compile(r"\b(Send|Required|Submit|Sign in|Password|Forms|Drafts|Outbox|Results|"
                     r"Waiting|Offline|Online|Loading|Cancel|Save)\b")
VIETNAMESE = {"home": ("Đồng bộ",), "people": ("Lê Văn Cường",), "forms": ("PHQ-9", "GAD-7"),
              "drafts": (), "outbox": (), "results": ()}


def _screen_checked(app: App, name: str) -> str:
    text = app.visible_text()
    assert not ENGLISH.search(text), (name, ENGLISH.search(text).group(0), text)
    for day in dates_shown(text):
        assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", day), (name, day)
    violations = axe(app.page)
    assert violations == [], (name, dump(violations))
    assert app.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    screenshot(app.page, f"mobile-{name}")
    return text


def test_the_app_speaks_vietnamese_passes_axe_and_fits_360_px(phones):
    app = phones(width=360)
    app.open()
    assert app.page.locator("html").get_attribute("lang") == "vi"
    app.page.locator("#signin-username").wait_for()
    _screen_checked(app, "signin")
    app.sign_in("ctv-an")
    assert app.page.locator("html").get_attribute("lang") == "vi"
    for screen, words in VIETNAMESE.items():
        app.tab(screen)
        text = _screen_checked(app, screen)
        assert all(w in text for w in words), (screen, words, text)
    app.tab("people")
    app.page.locator("#people-search").fill("Lê Văn Cường")
    row = app.page.locator("[data-person-id]", has_text="Lê Văn Cường").first
    assert "20/05/1990" in row.inner_text()  # born 20 May 1990, shown dd/mm/yyyy

    app.start_form("phq9", "Lê Văn Cường")
    app.consent()
    shown = app.question("Ngày sinh").locator("input").input_value()
    assert shown == "20/05/1990", shown
    _screen_checked(app, "form")
    app.page.locator("#form-finish").click()  # unanswered required questions
    app.page.wait_for_timeout(500)
    text = _screen_checked(app, "form-required")
    assert "bắt buộc" in text.lower(), text
    assert app.errors == []


# --- 7 -------------------------------------------------------------------------------------
#: (form, person, answers, total, band, actions as (kind, days, urgent))
TEN = (
    ("phq9", "Nguyễn Văn An", (0,) * 9, 0, "none_minimal", ()),
    ("gad7", "Trần Thị Bình", (0,) * 7, 0, "minimal", ()),
    ("phq9", "Lê Văn Cường", (1, 1, 1, 1, 1, 0, 0, 0, 0), 5, "mild", (("rescreen", 30, False),)),
    ("gad7", "Phạm Thị Dung", (1, 1, 1, 1, 1, 0, 0), 5, "mild", ()),
    ("phq9", "Hoàng Văn Em", (2, 2, 2, 2, 2, 0, 0, 0, 0), 10, "moderate",
     (("assessment", 14, False),)),  # the draft interrupted by a reload
    ("gad7", "Vũ Thị Giang", (2, 2, 2, 2, 2, 0, 0), 10, "moderate", (("assessment", 14, False),)),
    ("phq9", "Đặng Văn Hải", (3, 3, 3, 3, 3, 0, 0, 0, 0), 15, "moderately_severe",
     (("referral", 14, False),)),
    ("gad7", "Bùi Thị Lan", (3, 3, 3, 3, 3, 0, 0), 15, "severe", (("referral", 14, False),)),
    ("phq9", "Đỗ Văn Minh", (3, 3, 3, 3, 3, 3, 2, 0, 0), 20, "severe", (("referral", 7, False),)),
    ("gad7", "Hồ Thị Nga", (3,) * 7, 21, "severe", (("referral", 14, False),)),
)
INTERRUPTED = 4


def test_done_when_ten_people_offline_one_draft_reloaded_ten_scored_results(
        phones, records, server):
    app = phones()
    app.open()
    manifest = app.page.locator("link[rel=manifest]").get_attribute("href")
    answer = app.page.request.get(f"{app.base}{manifest}")
    assert answer.ok
    body = answer.json()
    assert body["display"] == "standalone" and body["start_url"].startswith("/m/")
    assert {i["sizes"] for i in body["icons"]} >= {"192x192", "512x512"}
    app.sign_in("ctv-binh")
    assert app.page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/m/sw.js")
    app.tab("home")
    assert app.page.locator("#persist-status").get_attribute("data-granted") in ("true", "false")
    before = records.count("submissions")

    app.offline()
    ids = []
    for n, (form, person, answers, *_) in enumerate(TEN):
        if n != INTERRUPTED:
            ids.append(_queued(app, form, person, answers))
            continue
        app.start_form(form, person)
        app.consent()
        app.commune()
        app.answer_items(answers[:3])
        app.page.wait_for_timeout(1500)  # saved as the collaborator goes
        app.page.reload()  # interrupted: no "save and exit"
        app.page.locator("#tab-home").wait_for()
        [draft] = app.draft_ids()
        app.continue_draft(draft)
        app.answer_items(answers[3:], start=3)
        app.difficulty()
        app.finish()
        ids.append(draft)
    assert app.waiting() == 10 and app.draft_ids() == []
    assert records.count("submissions") == before

    app.online()
    app.sync_now()
    app.wait_waiting(0, seconds=90)
    results = app.results()
    assert all(results[i]["status"] == "accepted" for i in ids), results
    stored = records.screenings(ids)
    for instance_id, (form, person, _, total, band, actions) in zip(ids, TEN, strict=True):
        [row] = stored[instance_id]
        assert (row.instrument, row.person, row.total, row.band) == (form, person, total, band)
        assert row.actions == _actions(*actions), (person, row.actions)
    assert records.submissions(ids) == 10
    assert records.count("submissions") == before + 10
    screenshot(app.page, "mobile-results-ten")

    # a form waiting: sign-out warns first and clears nothing unless the collaborator insists
    app.offline()
    waiting = _queued(app, "phq9", "Ngô Văn Phúc", ZERO_PHQ)
    app.tab("home")
    app.page.locator("#signout").click()
    dialog = app.page.locator("#signout-confirm")
    dialog.wait_for()
    assert "1" in dialog.inner_text()
    assert axe(app.page) == [], dump(axe(app.page))
    app.page.locator("#signout-cancel").click()
    assert app.waiting() == 1 and list(app.outbox()) == [waiting]
    app.page.reload()
    app.page.locator("#tab-home").wait_for()
    assert app.waiting() == 1
    app.page.locator("#signout").click()
    app.page.locator("#signout-anyway").click()
    app.page.locator("#signin-username").wait_for()
    assert records.count("submissions") == before + 10  # nothing sent twice, nothing extra
    assert app.errors == []
