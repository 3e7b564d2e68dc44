// app.js — the app's start and its frame: the service worker, the language switch, the
// network state, the tabs, which screen is shown, and starting/stopping sync around sign-in.
// Screens are in ui/*.js; data in db.js, queue.js, sync.js (see server/mobile/__init__.py).
import { t, language, setLanguage } from "./i18n.js";
import { events } from "./queue.js";
import { syncNow, startAutoSync } from "./sync.js";
import { el, clear } from "./ui/dom.js";
import { currentUser, linkDevice, askPersistence, signOut } from "./ui/session.js";
import { renderSignIn, takeDeviceToken } from "./ui/signin.js";
import { renderHome, confirmSignOut } from "./ui/home.js";
import { renderForms } from "./ui/forms.js";
import { renderPeople, renderPerson } from "./ui/people_list.js";
import { renderDrafts, renderOutbox, renderResults } from "./ui/lists.js";
import { renderForm } from "./ui/form.js";
import { warmUp } from "./ui/engine.js";
import * as db from "./db.js";

const main = document.getElementById("screen");
const tabs = document.getElementById("tabs");
const TABS = ["home", "people", "forms", "drafts", "outbox", "results"];
const SCREENS = {
  home: renderHome, people: renderPeople, forms: renderForms, drafts: renderDrafts,
  outbox: renderOutbox, results: renderResults,
  person: (root, app, params) => renderPerson(root, app, params.personId),
  form: (root, app, params) => renderForm(root, app, params),
};
const TAB_OF = { person: "people", form: "forms" };

const app = {
  me: null,
  persist: null,
  sync: { state: navigator.onLine ? "idle" : "offline" },
  screen: null,
  params: {},
  cleanup: null,
  stopSync: null,
  go,
  syncNow: () => (app.me && !app.again ? syncNow().catch(() => null) : null), // not with a dead token
  again: false, // the token failed: the sign-in screen is shown in "sign in again" mode
  signOut: async () => {
    if (app.stopSync) app.stopSync();
    app.stopSync = null;
    await leave();
    await signOut();
    app.me = null;
    app.again = false;
    showSignIn();
  },
};

// the token expired or was revoked (401, 403.1): stop syncing, save an open form as a draft,
// and ask the same user to sign in again; the outbox, drafts, persons and results stay
async function signInAgain(notice = null) {
  if (!app.me) return;
  if (app.stopSync) app.stopSync();
  app.stopSync = null;
  app.again = true;
  await leave();
  app.screen = null;
  tabs.hidden = true;
  renderSignIn(main, signedIn, notice, { again: app.me.username, onSignOut: () => confirmSignOut(app) });
}

// Navigation: the last tap wins. Two taps in quick succession start two go() calls that
// interleave at every await; each call holds a ticket and gives up once a later one was issued,
// and each screen draws into a view of its own, so a screen still filling itself from
// IndexedDB after it was left writes into a detached view, never over the next screen.
let navigation = 0;

async function closeScreen() {
  const cleanup = app.cleanup;
  app.cleanup = null;
  if (typeof cleanup === "function") await cleanup();
}

/** Leaves the screen for the sign-in screen: a go() still under way gives up. */
async function leave() {
  navigation += 1;
  await closeScreen();
}

async function go(screen, params = {}) {
  const ticket = ++navigation;
  await closeScreen();
  if (ticket !== navigation) return;
  app.screen = screen;
  app.params = params;
  drawTabs();
  const view = el("div", { class: "view" });
  clear(main).append(view);
  main.scrollTop = 0;
  window.scrollTo(0, 0);
  const cleanup = await SCREENS[screen](view, app, params);
  if (ticket === navigation) app.cleanup = cleanup;
  else if (typeof cleanup === "function") await cleanup(); // left while it was being drawn
}

function drawTabs() {
  const current = TAB_OF[app.screen] ?? app.screen;
  tabs.hidden = !app.me || app.again;
  clear(tabs).append(...TABS.map((name) => el("button", { type: "button", id: `tab-${name}`,
    "aria-current": name === current ? "page" : null, onclick: () => go(name) }, t(`tab_${name}`))));
}

function drawChrome() {
  document.documentElement.lang = language();
  document.title = t("app_name");
  const switcher = document.getElementById("lang-switch");
  switcher.textContent = t("other_language");
  switcher.title = t("other_language_name");  // the name stays "EN"/"VI", the visible text
  switcher.lang = language() === "vi" ? "en" : "vi";
  drawNet();
  drawTabs();
}

function drawNet() {
  const net = document.getElementById("net-state");
  net.dataset.online = String(navigator.onLine);
  net.textContent = navigator.onLine ? t("online") : t("offline");
}

function showSignIn(notice = null) {
  tabs.hidden = true;
  renderSignIn(main, signedIn, notice);
}

async function signedIn(me) {
  app.me = me;
  app.again = false;
  app.persist = await askPersistence().catch(() => null);
  if (!app.stopSync) app.stopSync = startAutoSync();
  await go("home");
  app.syncNow();
  warmEngineOnce();
}

// The engine's first form of a page load is its slowest (engine.js workaround 8): open one
// form off screen while the collaborator is still looking at the home screen.
// Until the first sync has brought a form, each "data-changed" tries again.
let warmed = false;
function warmEngineOnce() {
  if (warmed) return;
  const idle = window.requestIdleCallback ?? ((callback) => setTimeout(callback, 1000));
  idle(async () => {
    const form = warmed ? null : (await db.all("forms")).find((row) => row.current);
    if (!form || warmed) return;
    warmed = true;
    await warmUp(form.xml).catch(() => {});
  });
}

function watchSync() {
  events.addEventListener("sync-state", (event) => {
    app.sync = event.detail;
    if (event.detail.state === "error" && event.detail.reason === "auth" && app.me && !app.again) {
      signInAgain(event.detail.message || null);
    }
  });
  events.addEventListener("data-changed", () => {
    if (app.me) warmEngineOnce();
    if (["people", "forms"].includes(app.screen)) go(app.screen, app.params);
  });
}

function watchNetwork() {
  const changed = () => {
    drawNet();
    if (navigator.onLine) app.syncNow();
  };
  window.addEventListener("online", changed);
  window.addEventListener("offline", changed);
  document.getElementById("lang-switch").addEventListener("click", async () => {
    setLanguage(language() === "vi" ? "en" : "vi");
    drawChrome();
    if (!app.me) showSignIn();
    else if (app.again) { app.again = false; signInAgain(); }
    else if (app.screen !== "form") go(app.screen, app.params);
    else {
      // an open form reopens in the new language from its draft, answers kept
      const draftId = app.saveOpenForm ? await app.saveOpenForm().catch(() => null) : null;
      go("form", draftId ? { draftId } : app.params);
    }
  });
}

// a new service worker waits until the collaborator reloads (nothing is lost: drafts are saved)
function offerUpdate(worker) {
  const banner = document.getElementById("update-banner");
  clear(banner).append(el("span", {}, t("new_version")), el("button", { type: "button", id: "update-reload",
    onclick: () => worker.postMessage("skip-waiting") }, t("reload")));
  banner.hidden = false;
}

async function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register(document.body.dataset.sw, { scope: "./" });
  const hadController = Boolean(navigator.serviceWorker.controller);
  if (registration.waiting && hadController) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadController && !reloading) {
      reloading = true;
      location.reload();
    }
  });
}

async function start() {
  drawChrome();
  watchSync();
  watchNetwork();
  registerWorker().catch(() => null);
  const deviceToken = takeDeviceToken();
  if (deviceToken) {
    clear(main).append(el("p", { class: "loading" }, t("device_link")));
    try {
      await signedIn(await linkDevice(deviceToken));
    } catch (error) {
      showSignIn(t("device_failed"));
    }
    return;
  }
  const me = await currentUser();
  if (me) await signedIn(me);
  else showSignIn();
}

start();
