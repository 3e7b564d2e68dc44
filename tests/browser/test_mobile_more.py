"""Issue 13's follow-up in Chromium: what the offline app ``/m/`` does when its sign-in fails,
when another collaborator signs in on the phone, and when people leave the collaborator's area.
Same server and phones as ``test_mobile_app.py`` (its fixtures, one server for this module).
"""

from __future__ import annotations

import json
import re

import pytest

from tests.browser import test_mobile_app as shared
from tests.browser.mobile_support import PASSWORD, App

pytestmark = pytest.mark.slow
server, records, phones = shared.server, shared.records, shared.phones  # its fixtures
_new, _queued = shared._new, shared._queued
ZERO_PHQ = (0,) * 9


def _sign_in_again(app: App, username: str) -> None:
    page = app.page
    page.locator("#signin-password").fill(PASSWORD)
    page.locator("#signin-username").fill(username)
    page.locator("#signin-submit").click()


# --- an expired or revoked sign-in never loses work ------------------------------------------
def test_a_revoked_sign_in_asks_to_sign_in_again_and_keeps_everything(phones, records):
    app = phones()
    app.sign_in("ctv-an")
    assert app.revoke_token() == 204
    app.offline()
    phq = _queued(app, "phq9", _new("Lương Văn Hết"), ZERO_PHQ)
    app.start_form("gad7")
    app.consent()
    app.save_and_exit()
    [draft] = app.draft_ids()
    persons = len(app.stored("persons"))
    assert persons >= 12

    app.online()  # the sync's POST /api/v1/sync answers 401: sign in again, nothing dropped
    page = app.page
    page.locator("#signin-again").wait_for()
    assert page.locator("#tabs").is_hidden()
    assert "ctv-an" in page.locator("#screen").inner_text()
    assert page.locator("#signin-username").input_value() == "ctv-an"
    assert [row["instance_id"] for row in app.stored("outbox")] == [phq]
    assert [row["instance_id"] for row in app.stored("drafts")] == [draft]
    assert len(app.stored("persons")) == persons
    assert records.submissions([phq]) == 0

    # another collaborator may not take over this phone's work by signing in again
    _sign_in_again(app, "ctv-binh")
    app.poll("document.querySelector('#signin-error')?.textContent.includes('ctv-an')", 20,
             "another user refused")
    assert page.locator("#signin-again").is_visible()
    assert app.meta("me")["username"] == "ctv-an"

    _sign_in_again(app, "ctv-an")  # the same user: it goes on where it was
    page.locator("#tab-home").wait_for()
    app.wait_until(lambda: records.submissions([phq]) == 1, 30, "the waiting form sent")
    app.wait_waiting(0)
    assert app.draft_ids() == [draft]
    assert app.results()[phq]["status"] == "accepted"


# --- who filled a waiting form -----------------------------------------------------------------
def test_another_users_waiting_forms_are_not_sent_silently(phones, records, tmp_path):
    app = phones()
    app.sign_in("ctv-an")
    app.offline()
    kept = _queued(app, "phq9", _new("Tạ Văn Để Lại"), ZERO_PHQ)
    assert app.stored("outbox")[0]["username"] == "ctv-an"
    app.tab("home")
    app.page.locator("#signout").click()
    app.page.locator("#signout-anyway").click()
    app.page.locator("#signin-username").wait_for()
    app.online()

    app.sign_in("ctv-binh")  # another collaborator of the commune, on the same phone
    app.wait_sync_idle()
    page = app.page
    card = page.locator('[data-others="ctv-an"]')
    assert card.locator(".others-waiting").inner_text() == "1 phiếu của ctv-an đang chờ"
    assert app.waiting() == 0  # not counted as ctv-binh's
    app.sync_now()
    app.wait_sync_idle()
    assert records.submissions([kept]) == 0  # a sync does not send it under ctv-binh
    assert "Do ctv-an điền" in app.outbox()[kept]["text"]
    app.tab("home")

    with page.expect_download() as download:  # exported: the file says who filled it
        card.locator(".others-export").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert exported["username"] == "ctv-an"
    assert [item["instance_id"] for item in exported["items"]] == [kept]

    card.locator(".others-send").click()  # asks first, saying who the server records
    dialog = page.locator("#others-confirm")
    assert "ctv-binh" in dialog.inner_text() and "ctv-an" in dialog.inner_text()
    page.locator("#others-confirm-no").click()
    assert records.submissions([kept]) == 0 and card.is_visible()
    card.locator(".others-send").click()
    page.locator("#others-confirm-yes").click()
    app.wait_until(lambda: records.submissions([kept]) == 1, 30, "sent under ctv-binh")
    app.wait_sync_idle()
    app.poll("!document.querySelector('[data-others]')", 10, "no other user's forms left")
    assert app.results()[kept]["status"] == "accepted"


# --- people who left the collaborator's area leave the phone -----------------------------------
def _listed(app: App, name: str) -> int:
    app.tab("people")
    app.page.locator("#people-search").fill(name)
    app.settle()
    return app.page.locator("[data-person-id]", has_text=name).count()


def test_a_person_whose_consent_was_withdrawn_leaves_the_phone_at_the_daily_full_pull(
        phones, records, server):
    app = phones()
    app.sign_in("ctv-an")  # the sign-in's pull is a full one
    assert isinstance(app.meta("full_pull_at"), (int, float))
    assert _listed(app, "Dương Thị Quế") == 1
    person = records.person_ids()["Dương Thị Quế"]
    server.sangloc("persons", "withdraw-consent", person, "--reason", "rút lại đồng ý")

    app.sync_now()  # within the day: only changes, which never say the person left
    app.wait_sync_idle()
    assert _listed(app, "Dương Thị Quế") == 1

    app.put_meta("full_pull_at", app.meta("full_pull_at") - 25 * 3600 * 1000)  # a day later
    app.sync_now()
    app.wait_sync_idle()
    app.wait_until(lambda: _listed(app, "Dương Thị Quế") == 0, 20, "the locked person gone")
    assert not any(row["id"] == person for row in app.stored("persons"))
    assert not any(row["person_id"] == person for row in app.stored("cases"))
    assert _listed(app, "Ngô Văn Phúc") == 1  # the others stay


# --- a form stored under the version it is ------------------------------------------------------
def test_a_version_published_between_the_listing_and_the_download_is_stored_under_its_own(
        phones, records, server, tmp_path):
    app = phones()
    app.sign_in("ctv-binh")
    old = int(records.form_version("phq9"))
    listed, downloaded = str(old + 1), str(old + 2)
    shared._phq9_version(tmp_path / "listed.xlsx", listed)
    shared._phq9_version(tmp_path / "downloaded.xlsx", downloaded)
    server.sangloc("forms", "publish", str(tmp_path / "listed.xlsx"))

    def listing_then_publish(route):  # the listing says `listed`; then `downloaded` comes out
        answer = route.fetch()
        if listed in answer.text():
            server.sangloc("forms", "publish", str(tmp_path / "downloaded.xlsx"))
        route.fulfill(response=answer)

    app.page.route("**/api/v1/forms", listing_then_publish)
    app.sync_now()
    app.wait_sync_idle()
    app.page.unroute("**/api/v1/forms")
    forms = {(row["form_id"], row["version"]): row for row in app.stored("forms")}
    for (form_id, version), row in forms.items():  # every form filed under what its XML says
        said = re.search(r'<data\b[^>]*\sversion="([^"]+)"', row["xml"]).group(1)
        assert said == version, (form_id, version, said)
    assert ("phq9", downloaded) in forms and ("phq9", listed) not in forms
    app.sync_now()  # the next sync completes it from the listing (its hash, its media)
    app.wait_sync_idle()
    app.wait_for_forms("phq9", downloaded)
    rows = [row for row in app.stored("forms") if row["form_id"] == "phq9" and row["current"]]
    assert [(row["version"], bool(row["hash"])) for row in rows] == [(downloaded, True)]


# --- the language switch with a form open --------------------------------------------------------
def test_changing_the_language_reopens_an_open_form_in_it_keeping_its_answers(phones):
    app = phones()
    app.sign_in("ctv-an")
    app.start_form("phq9")
    app.consent()
    app.question("Họ và tên").locator("input").fill("Kiều Văn Đổi")
    app.page.locator("#lang-switch").click()
    page = app.page
    app.poll("document.documentElement.lang === 'en'", 10, "English")
    name = page.locator("#form-host .question-container").filter(
        has=page.locator(".control-text label", has_text="Full name")).last
    name.wait_for()
    assert name.locator("input").input_value() == "Kiều Văn Đổi"
    assert page.locator("#form-finish").inner_text() != "Hoàn thành"
    [draft] = app.stored("drafts")
    assert "Kiều Văn Đổi" in draft["xml"]
    page.locator("#lang-switch").click()  # and back: Vietnamese, still the same answers
    app.question("Họ và tên").wait_for()
    assert app.question("Họ và tên").locator("input").input_value() == "Kiều Văn Đổi"
    assert [row["instance_id"] for row in app.stored("drafts")] == [draft["instance_id"]]
    assert app.errors == []


# --- navigation: the last tap wins -------------------------------------------------------------
def test_two_quick_taps_show_the_second_screen_and_its_tab(phones):
    """A screen that fills itself from IndexedDB a moment after it is drawn (the outbox) must
    not paint over the screen tapped next: CI once saw the outbox's late draw replace the home
    screen a test had just opened after "Hoàn thành" (which opens the outbox)."""
    app = phones()
    app.sign_in("ctv-an")
    app.tab("results")
    for first, second in (("outbox", "home"), ("results", "drafts"), ("home", "outbox")):
        app.page.evaluate("([a, b]) => { document.querySelector(`#tab-${a}`).click();"
                          " document.querySelector(`#tab-${b}`).click(); }", [first, second])
        app.settle(quiet=0.8)
        shown = app.page.locator("#screen h1").first.inner_text()
        current = app.page.locator("#tabs [aria-current=page]").get_attribute("id")
        assert current == f"tab-{second}", (first, second, current)
        expected = {"home": "Xin chào", "outbox": "Chờ gửi", "drafts": "Bản nháp"}[second]
        assert expected in shown, (first, second, shown)
    assert app.errors == []
