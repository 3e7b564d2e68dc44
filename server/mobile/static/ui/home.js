// home.js — the home screen: who and where, network state, how many forms wait, storage
// safety (persistent storage granted or not), sync now and the last sync, export and import
// of the waiting forms, and sign-out (with a warning while anything is unsent).
// Exports: renderHome(main, app) -> cleanup, confirmSignOut(app), downloadWaiting()
import * as db from "../db.js";
import { t, formatDateTime } from "../i18n.js";
import { events, outboxCounts, exportWaiting, importFile, adoptWaiting } from "../queue.js";
import { el, toast, confirmDialog, fill } from "./dom.js";

/** Downloads the waiting forms as a file; false when nothing waits. */
export async function downloadWaiting(filledBy = null) { // filledBy: only that user's forms
  const built = await exportWaiting(typeof filledBy === "string" ? { filledBy } : {});
  if (!built.count) {
    toast(t("export_none"));
    return false;
  }
  const url = URL.createObjectURL(built.blob);
  const link = el("a", { href: url, download: built.filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  toast(t("export_done", { count: built.count, file: built.filename }));
  return true;
}

function syncText(detail) {
  return t(`sync_${detail.state}`) + (detail.message ? ` — ${detail.message}` : "");
}

function persistText(granted) {
  if (granted === true) return t("persist_granted");
  if (granted === false) return t("persist_denied");
  return t("persist_unknown");
}

async function importChosen(input) {
  const file = input.files && input.files[0];
  if (!file) return;
  const result = await importFile(await file.text());
  input.value = "";
  if (!result.ok) {
    toast(t("import_failed", { reason: result.problem.message[document.documentElement.lang] ?? result.problem.message.vi }));
    return;
  }
  toast(t("import_done", { added: result.added, skipped: result.skipped.length, invalid: result.invalid.length }));
}

/** Sign-out, asking first (and offering the export) while anything is unsent. */
export async function confirmSignOut(app) {
  const [counts, drafts] = await Promise.all([outboxCounts(), db.count("drafts")]);
  const waiting = counts.waiting + counts.rejected + counts.foreign;
  if (waiting + drafts > 0) {
    const choice = await confirmDialog({ id: "signout-confirm", title: t("signout_title"),
      text: t("signout_text", { waiting, drafts }), buttons: [
        { id: "signout-export", label: t("signout_export"), value: "export", class: "" },
        { id: "signout-anyway", label: t("signout_anyway"), value: "anyway", class: "danger" },
        { id: "signout-cancel", label: t("cancel"), value: "cancel", class: "secondary" },
      ] });
    if (choice === "export") await downloadWaiting();
    if (choice !== "anyway") return;
  }
  await app.signOut();
}

/** Another user's waiting forms: said, never sent silently; sent under this account after a
 * confirm that says the server records this user as the sender, or exported to a file. */
function othersCard(group, app) {
  const send = async () => {
    const choice = await confirmDialog({ id: "others-confirm", title: t("others_confirm_title", { name: group.username }),
      text: t("others_confirm_text", { me: app.me.username, count: group.count, name: group.username }), buttons: [
        { id: "others-confirm-yes", label: t("others_confirm_yes"), value: true, class: "" },
        { id: "others-confirm-no", label: t("cancel"), value: false, class: "secondary" },
      ] });
    if (!choice) return;
    await adoptWaiting(group.username);
    app.syncNow();
  };
  return el("div", { class: "card state-warn", "data-others": group.username },
    el("p", { class: "item-title others-waiting" }, t("others_waiting", { count: group.count, name: group.username })),
    el("p", { class: "muted" }, t("others_note", { name: group.username })),
    el("div", { class: "stack" },
      el("button", { type: "button", class: "others-send", onclick: send }, t("others_send")),
      el("button", { type: "button", class: "secondary others-export", onclick: () => downloadWaiting(group.username) },
        t("others_export"))));
}

export function renderHome(main, app) {
  const me = app.me;
  const count = el("strong", { id: "outbox-count" }, "0");
  const rejectedCount = el("strong", { id: "rejected-count" }, "0");
  const rejectedRow = el("div", { id: "rejected-row", hidden: true },
    el("div", { class: "stat reason" }, el("span", {}, t("rejected_forms")), rejectedCount),
    el("div", { class: "stack" }, el("button", { id: "rejected-link", type: "button", class: "secondary",
      onclick: () => app.go("outbox") }, t("rejected_open"))));
  const draftsCount = el("strong", { id: "drafts-count" }, "0");
  const others = el("div", { id: "others-waiting" });
  const status = el("p", { id: "sync-status", "data-state": app.sync.state, role: "status" }, syncText(app.sync));
  const last = el("p", { id: "last-sync", class: "muted" });
  const persist = el("p", { id: "persist-status", "data-granted": String(app.persist === true) },
    persistText(app.persist));
  persist.className = app.persist === true ? "card state-ok" : "card state-warn";
  const syncButton = el("button", { id: "sync-now", type: "button", onclick: () => app.syncNow() }, t("sync_now"));
  // the browser writes its own words ("Choose File") on a file input: it is hidden visually
  // and its label is the button the collaborator sees
  const fileInput = el("input", { id: "import-waiting", type: "file", class: "visually-hidden", accept: ".json,application/json",
    onchange: () => importChosen(fileInput) });

  async function refresh() {
    const [counts, drafts, lastSync] = await Promise.all([outboxCounts(), db.count("drafts"), db.getMeta("last_sync")]);
    count.textContent = String(counts.waiting); // waiting to go; the rejected ones apart
    rejectedCount.textContent = String(counts.rejected);
    rejectedRow.hidden = counts.rejected === 0;
    draftsCount.textContent = String(drafts);
    fill(others, ...counts.others.map((group) => othersCard(group, app)));
    last.textContent = lastSync ? t("last_sync", { when: formatDateTime(lastSync) }) : t("never_synced");
  }
  const onState = (event) => {
    status.dataset.state = event.detail.state;
    status.textContent = syncText(event.detail);
    syncButton.disabled = event.detail.state === "syncing";
    refresh();
  };
  events.addEventListener("outbox-changed", refresh);
  events.addEventListener("sync-state", onState);

  fill(main,
    el("h1", {}, t("hello", { name: me.username })),
    me.commune ? el("p", { class: "muted" }, t("commune", { name: me.commune.name })) : null,
    el("div", { class: "card" },
      el("div", { class: "stat" }, el("span", {}, t("waiting_forms")), count), rejectedRow,
      el("div", { class: "stat" }, el("span", {}, t("drafts_count")), draftsCount)),
    others,
    el("div", { class: "card" }, status, last, el("div", { class: "stack" }, syncButton)),
    persist,
    el("div", { class: "card stack" },
      el("button", { id: "export-waiting", type: "button", class: "secondary", onclick: () => downloadWaiting() }, t("export_waiting")),
      fileInput, el("label", { class: "file-label button secondary", for: "import-waiting" }, t("import_waiting"))),
    el("div", { class: "stack" },
      el("button", { id: "signout", type: "button", class: "danger", onclick: () => confirmSignOut(app) }, t("signout"))));
  refresh();
  return () => {
    events.removeEventListener("outbox-changed", refresh);
    events.removeEventListener("sync-state", onState);
  };
}
