"""What the mobile web app's browser tests (``test_mobile_app.py``) and its benchmark share.

``mobile_server`` starts a real ``sangloc serve`` on a copy of the SQLite template with the
bundled PHQ-9 and GAD-7 published, collaborators who sign in with a password (two in commune
00004, one in 00008) and persons of 00004 registered the way ODK Collect registers them (a
PHQ-9 with every answer "0": total 0, no work opened). The ``App`` helpers drive the app through
the stable hooks its screens carry (ids and ``data-*`` attributes), and fill ODK Web Forms by
clicking the rendered answers by their Vietnamese words. ``Records`` reads the server's own
database, so a test checks what was stored, not only what the page says.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.instances import levels, screening_instance
from tests.support.live_server import ROOT, LiveServer, live_server, submit

PASSWORD = "mật khẩu đủ dài 2026"
COMMUNE, OTHER_COMMUNE = "00004", "00008"
COMMUNE_NAME = "Phường Ba Đình"
#: the collaborators: two of commune 00004 (two phones of one commune), one of 00008
COLLABORATORS = {"ctv-an": COMMUNE, "ctv-binh": COMMUNE, "ctv-khac": OTHER_COMMUNE}
#: persons of 00004 registered before the tests (name, date of birth, sex)
PERSONS = (
    ("Nguyễn Văn An", date(1980, 3, 14), "male"), ("Trần Thị Bình", date(1975, 11, 2), "female"),
    ("Lê Văn Cường", date(1990, 5, 20), "male"), ("Phạm Thị Dung", date(1988, 1, 9), "female"),
    ("Hoàng Văn Em", date(1969, 7, 30), "male"), ("Vũ Thị Giang", date(1995, 12, 25), "female"),
    ("Đặng Văn Hải", date(1983, 4, 1), "male"), ("Bùi Thị Lan", date(1979, 9, 18), "female"),
    ("Đỗ Văn Minh", date(1992, 2, 29), "male"), ("Hồ Thị Nga", date(1986, 6, 6), "female"),
    ("Ngô Văn Phúc", date(1971, 10, 10), "male"), ("Dương Thị Quế", date(1999, 8, 15), "female"),
)
#: the bundled forms' words for the answers 0..3 (choices ``frequency``)
FREQUENCY = ("Không ngày nào", "Vài ngày", "Hơn một nửa số ngày", "Gần như ngày nào cũng bị")
DIFFICULTY = "Hơi khó khăn"  # PHQ-9 q10, asked when the total is above 0
WAIT_MS = 20_000


def mobile_server(template: Path, instance: Path) -> LiveServer:
    """A started server with the forms, the collaborators and the persons of ``COMMUNE``."""
    server = live_server(template, instance)
    for form in ("phq9", "gad7"):
        server.sangloc("forms", "publish", str(ROOT / "forms" / "definitions" / f"{form}.xlsx"))
    for username, commune in COLLABORATORS.items():
        server.sangloc("users", "create", username, "--role", "collaborator", "--area", commune,
                       "--password-stdin", input=PASSWORD + "\n")
    created = json.loads(server.sangloc("app-users", "create", "may-ctv", "--commune",
                                        COMMUNE, "--json"))
    server.start("--no-scheduler")
    device = urlsplit(created["server_url"]).path
    for name, dob, sex in PERSONS:
        xml = screening_instance("phq9", levels(9), dob=dob, name=name, sex=sex,
                                 commune=COMMUNE)
        assert submit(server.port, device, xml) == 201, name
    return server


@dataclass(frozen=True)
class Stored:
    """One screening the server stored, with the work it opened."""

    instrument: str
    form_version: str
    total: int | None
    band: str | None
    person: str
    actions: tuple[tuple[str, date, bool], ...]  # (kind, due, urgent), by kind


class Records:
    """The server's database, read directly (SQLite)."""

    def __init__(self, server: LiveServer):
        self.path = server.env["SANGLOC_DATABASE_URL"].removeprefix("sqlite:///")

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def person_ids(self) -> dict[str, str]:
        """Full name -> person id."""
        with self._db() as db:
            return dict(db.execute("SELECT full_name, id FROM persons"))

    def submissions(self, instance_ids) -> int:
        """How many submissions the server holds with these instance ids (each once = len)."""
        ids = list(instance_ids)
        with self._db() as db:
            return db.execute(f"SELECT count(*) FROM submissions WHERE instance_id IN "
                              f"({','.join('?' * len(ids))})", ids).fetchone()[0]

    def count(self, table: str) -> int:
        with self._db() as db:
            return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def screenings(self, instance_ids) -> dict[str, list[Stored]]:
        """instance id -> the screenings stored for it (a list, so a double shows)."""
        ids = list(instance_ids)
        found: dict[str, list[Stored]] = {i: [] for i in ids}
        with self._db() as db:
            rows = db.execute(
                "SELECT s.id, s.instance_id, s.instrument, s.form_version, s.total, s.band,"
                " p.full_name FROM screenings s JOIN persons p ON p.id = s.person_id"
                f" WHERE s.instance_id IN ({','.join('?' * len(ids))})", ids).fetchall()
            for row_id, instance_id, instrument, version, total, band, person in rows:
                actions = db.execute("SELECT kind, due, urgent FROM actions WHERE"
                                     " screening_id = ? ORDER BY kind", (row_id,)).fetchall()
                found[instance_id].append(Stored(
                    instrument, version, total, band, person,
                    tuple((k, date.fromisoformat(d), bool(u)) for k, d, u in actions)))
        return found

    def form_version(self, form_id: str) -> str:
        with self._db() as db:
            return db.execute(
                "SELECT v.version FROM forms f JOIN form_versions v ON v.id ="
                " f.current_version_id WHERE f.xml_form_id = ?", (form_id,)).fetchone()[0]


class App:
    """One collaborator's phone: a browser context with the app open on ``page``."""

    def __init__(self, browser, server: LiveServer, *, width: int = 360, height: int = 780,
                 **context_options):
        self.server = server
        self.base = f"http://127.0.0.1:{server.port}"
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                           accept_downloads=True, **context_options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # what happened to the page, for a failure's message: API errors and page loads
        self.journal: list[str] = []
        self.page.on("response", self._note_response)
        self.page.on("framenavigated", lambda frame: frame == self.page.main_frame
                     and self.journal.append(f"page loaded {frame.url}"))
        self.page.set_default_timeout(WAIT_MS)

    def close(self) -> None:
        self.context.close()

    def _note_response(self, response) -> None:
        if "/api/" in response.url and response.status >= 400:
            self.journal.append(f"{response.request.method} {response.url} -> {response.status}")

    def describe(self) -> str:
        """The screen's text, the sync state and the journal: what a failure message needs."""
        screen = self.page.locator("#screen").inner_text(timeout=2000)
        state = self.page.evaluate("document.querySelector('#sync-status')?.dataset.state")
        return (f"screen: {screen[:400]!r}; sync state: {state}; journal: {self.journal[-10:]};"
                f" page errors: {self.errors[-5:]}")

    # --- opening, signing in, the network -------------------------------------------------
    def open(self) -> None:
        self.page.goto(f"{self.base}/m/")

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        """Open the app and sign in; returns once the forms are downloaded and the service
        worker controls the page."""
        self.open()
        page = self.page
        page.locator("#signin-username").fill(username)
        page.locator("#signin-password").fill(password)
        page.locator("#signin-submit").click()
        page.locator("#tab-home").wait_for()
        self.wait_for_forms("phq9")
        self.wait_controlled()

    def wait_controlled(self) -> bool:
        """Wait for the service worker to be active; a page loaded before it was installed is
        reloaded once (the usual life cycle when the worker does not claim its clients).
        True when it controlled the page without a reload."""
        page = self.page
        page.evaluate("navigator.serviceWorker.ready.then(() => true)")
        if page.evaluate("navigator.serviceWorker.controller !== null"):
            return True
        page.reload()
        self.poll("navigator.serviceWorker.controller !== null", 20, "controlled")
        page.locator("#tab-home").wait_for()
        return False

    def poll(self, expression: str, seconds: float, what: str, arg=None):
        """``expression`` (a JavaScript expression, or a function of ``arg``) evaluated in the
        page every 0.1 s until truthy. (Not ``wait_for_function``: the app's policy forbids
        eval, which Playwright's polling in the page uses.)"""
        return self.wait_until(lambda: self.page.evaluate(expression, arg), seconds, what)

    def wait_until(self, condition, seconds: float, what: str):
        """``condition()`` once truthy; waits in Playwright (``wait_for_timeout``), so that
        route handlers and events are served meanwhile (a ``time.sleep`` would starve them)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            self.page.wait_for_timeout(100)
        raise AssertionError(f"{what}: not within {seconds} s")

    def offline(self) -> None:
        self.context.set_offline(True)
        self.poll("document.querySelector('#net-state')?.dataset.online === 'false'", 10,
                  "the app says offline")

    def online(self) -> None:
        self.context.set_offline(False)

    # --- home -----------------------------------------------------------------------------
    def tab(self, name: str) -> None:
        """Switch to a tab and return once its screen has stopped changing (a screen is drawn
        first and filled from IndexedDB a moment later)."""
        self.page.locator(f"#tab-{name}").click()
        self.settle()

    def settle(self, quiet: float = 0.4) -> None:
        screen = self.page.locator("#screen")
        shown, since, began = None, time.monotonic(), time.monotonic()
        while time.monotonic() - since < quiet and time.monotonic() - began < 10:
            now = screen.inner_html()
            if now != shown:
                shown, since = now, time.monotonic()
            time.sleep(0.05)

    def waiting(self) -> int:
        """The number of forms waiting to be sent (not the rejected ones), as the home screen
        shows it."""
        self.tab("home")
        return int(self.page.locator("#outbox-count").inner_text().strip())

    def rejected(self) -> int:
        """The number of forms the server refused, shown apart on the home screen."""
        self.tab("home")
        return int(self.page.locator("#rejected-count").inner_text().strip())

    def wait_waiting(self, count: int, seconds: float = 30) -> None:
        self.tab("home")
        self.poll(f"document.querySelector('#outbox-count')?.textContent.trim() === '{count}'",
                  seconds, f"{count} forms waiting")

    def sync_now(self) -> None:
        self.tab("home")
        button = self.page.locator("#sync-now")
        try:
            button.wait_for(timeout=WAIT_MS)
        except PlaywrightTimeout:
            raise AssertionError(f"no sync button on the home screen: {self.describe()}") from None
        button.click()

    def sync_state(self) -> str:
        return self.page.locator("#sync-status").get_attribute("data-state") or ""

    def wait_sync_idle(self, seconds: float = 60) -> None:
        """Wait on the home screen for the sync in progress (if any) to end."""
        self.tab("home")
        self.poll("['idle', 'error', 'offline'].includes("
                  "document.querySelector('#sync-status')?.dataset.state)", seconds,
                  "the sync ended")

    def wait_for_forms(self, form_id: str, version: str | None = None) -> None:
        self.tab("forms")
        button = self.page.locator(f'button[data-form-id="{form_id}"]')
        button.first.wait_for()
        if version:
            self.poll("([id, v]) => [...document.querySelectorAll("
                      "`button[data-form-id=\"${id}\"]`)]"
                      ".some(b => b.textContent.includes(v) || b.dataset.version === v)",
                      WAIT_MS / 1000, f"{form_id} version {version} listed", [form_id, version])

    # --- forms ----------------------------------------------------------------------------
    def start_form(self, form_id: str, person: str | None = None) -> None:
        """Open a new ``form_id``: for ``person`` (a full name, picked in the people list) or
        from the forms list (no person)."""
        page = self.page
        if person is None:
            self.tab("forms")
            page.locator(f'button[data-form-id="{form_id}"]').first.click()
        else:
            self.tab("people")
            page.locator("#people-search").fill(person)
            page.locator("[data-person-id]", has_text=person).first.click()
            page.locator(f'button[data-start-form="{form_id}"]').first.click()
        self.form_ready()

    def form_ready(self) -> None:
        self.page.locator("#form-host .odk-form .question-container").first.wait_for()

    def question(self, words: str):
        """One rendered question of Web Forms, by words of its label."""
        page = self.page
        return page.locator("#form-host .question-container").filter(
            has=page.locator(".control-text label", has_text=words)).last

    def choose(self, words: str, answer: str) -> None:
        self.question(words).locator("label.value-option", has_text=answer).click()

    def consent(self) -> None:
        self.choose("Anh/chị có đồng ý", "Có, đồng ý")
        self.choose("Cách ghi nhận sự đồng ý", "Ký tên hoặc điểm chỉ")

    def identify(self, name: str, dob: date, sex: str) -> None:
        """A new person (no one picked): the date of birth typed dd/mm/yyyy, name, sex."""
        box = self.question("Ngày sinh").locator("input")
        box.fill(f"{dob:%d/%m/%Y}")
        self.page.keyboard.press("Escape")
        self.question("Họ và tên").locator("input").fill(name)
        self.choose("Giới tính", {"male": "Nam", "female": "Nữ"}[sex])

    def commune(self) -> None:
        """The commune question (communes.csv of the collaborator's home commune)."""
        box = self.question("Xã / phường").get_by_role("combobox")
        box.click()
        self.page.get_by_role("option", name=COMMUNE_NAME).click()

    def items(self):
        """The frequency questions (PHQ-9 q01-q09, GAD-7 q01-q07), in order."""
        page = self.page
        return page.locator("#form-host .question-container").filter(
            has=page.locator("label.value-option", has_text=FREQUENCY[0])).all()

    def answer_items(self, scores, start: int = 0) -> None:
        """Answer the frequency items ``start``.. with ``scores`` (0-3 each)."""
        items = self.items()
        for item, score in zip(items[start:], scores, strict=False):
            item.locator("label.value-option", has_text=FREQUENCY[score]).click()

    def fill(self, scores, new_person: tuple[str, date, str] | None = None) -> None:
        """Consent, the new person's identity (if one), the commune, every item; and PHQ-9's
        q10 when it is asked."""
        self.consent()
        if new_person:
            self.identify(*new_person)
        self.commune()
        self.answer_items(scores)
        self.difficulty()

    def difficulty(self) -> None:
        """PHQ-9's q10 ("how difficult"), when it is asked (the total is above 0)."""
        if self.question("khó khăn").count():
            self.choose("khó khăn", DIFFICULTY)

    def finish(self) -> None:
        self.page.locator("#form-finish").click()
        self.page.locator("#form-host").wait_for(state="detached")

    def save_and_exit(self) -> None:
        self.page.locator("#form-save-exit").click()
        self.page.locator("#form-host").wait_for(state="detached")

    def continue_draft(self, instance_id: str | None = None) -> None:
        self.tab("drafts")
        row = self.page.locator(f'[data-draft-id="{instance_id}"]' if instance_id
                                else "[data-draft-id]").first
        row.locator(".continue").click()
        self.form_ready()

    # --- lists ----------------------------------------------------------------------------
    def draft_ids(self) -> list[str]:
        self.tab("drafts")
        return self.page.eval_on_selector_all("[data-draft-id]",
                                              "rows => rows.map(r => r.dataset.draftId)")

    def outbox(self) -> dict[str, dict[str, str]]:
        """instance id -> {state, reason} of the outbox's rows."""
        self.tab("outbox")
        return {row["id"]: row for row in self.page.eval_on_selector_all(
            "[data-outbox-id]", "rows => rows.map(r => ({id: r.dataset.outboxId,"
            " state: r.dataset.state, reason: r.querySelector('.reason')?.textContent.trim()"
            " || '', text: r.innerText}))")}

    def results(self) -> dict[str, dict[str, str]]:
        """instance id -> {status, message, text} of the results list."""
        self.tab("results")
        return {row["id"]: row for row in self.page.eval_on_selector_all(
            "[data-sent-id]", "rows => rows.map(r => ({id: r.dataset.sentId,"
            " status: r.dataset.status, message: r.querySelector('.message')?.textContent"
            ".trim() || '', text: r.innerText}))")}

    def visible_text(self) -> str:
        return self.page.locator("body").inner_text()

    # --- the app's storage and token, read directly -----------------------------------------
    def stored(self, store: str) -> list:
        """Every row of one of the app's IndexedDB stores, whatever screen is shown."""
        return self.page.evaluate(IDB_READ, [store, None])

    def meta(self, key: str):
        return self.page.evaluate(IDB_READ, ["meta", key])

    def put_meta(self, key: str, value) -> None:
        self.page.evaluate(IDB_PUT_META, [key, value])

    def revoke_token(self) -> int:
        """Revoke the app's API token on the server (DELETE /api/v1/session with it), as an
        expired or revoked sign-in; the app is not told. The answer's status."""
        token = self.meta("token")
        return self.page.evaluate(
            "(token) => fetch('/api/v1/session', {method: 'DELETE',"
            " headers: {Authorization: `Bearer ${token}`}}).then(r => r.status)", token)


IDB_OPEN = """new Promise((ok, ko) => { const open = indexedDB.open('sangloc');
  open.onerror = () => ko(open.error); open.onsuccess = () => ok(open.result); })"""
IDB_READ = """async ([store, key]) => { const db = await """ + IDB_OPEN + """;
  try { return await new Promise((ok, ko) => { const s = db.transaction(store).objectStore(store);
    const q = key === null ? s.getAll() : s.get(key);
    q.onsuccess = () => ok(q.result ?? null); q.onerror = () => ko(q.error); }); }
  finally { db.close(); } }"""
IDB_PUT_META = """async ([key, value]) => { const db = await """ + IDB_OPEN + """;
  try { await new Promise((ok, ko) => { const t = db.transaction('meta', 'readwrite');
    t.objectStore('meta').put(value, key); t.oncomplete = ok; t.onerror = () => ko(t.error); }); }
  finally { db.close(); } }"""


DATE = re.compile(r"\b(\d{1,4})[/.-](\d{1,2})[/.-](\d{2,4})\b")


def dates_shown(text: str) -> list[str]:
    """Every date-looking string of ``text``."""
    return [m.group(0) for m in DATE.finditer(text)]
