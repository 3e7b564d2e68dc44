// lists.js — the drafts (continue, discard with confirm), the outbox (waiting and rejected
// with the server's reason; send again, discard with confirm) and the results of sent forms
// (the server's message: band and next action, as Collect shows it).
// Exports: renderDrafts(main, app), renderOutbox(main, app) -> cleanup, renderResults(main, app)
import * as db from "../db.js";
import { t, formatDateTime } from "../i18n.js";
import { events, retryRejected, discardRejected } from "../queue.js";
import { el, ask, fill } from "./dom.js";

async function names() {
  const [forms, persons] = await Promise.all([db.all("forms"), db.all("persons")]);
  const titles = new Map(forms.map((form) => [form.form_id, form.title]));
  const people = new Map(persons.map((person) => [person.id, person.full_name]));
  return (row) => [titles.get(row.form_id) ?? row.form_id,
    row.person_id ? people.get(row.person_id) ?? null : null].filter(Boolean).join(" — ");
}

const newestFirst = (field) => (a, b) => String(b[field] ?? "").localeCompare(String(a[field] ?? ""));

export async function renderDrafts(main, app) {
  const [drafts, nameOf] = await Promise.all([db.all("drafts"), names()]);
  drafts.sort(newestFirst("updated_at"));
  const items = drafts.map((draft) => el("li", { "data-draft-id": draft.instance_id },
    el("p", { class: "item-title" }, nameOf(draft)),
    el("p", { class: "muted" }, t("saved_at", { when: formatDateTime(draft.updated_at) })),
    el("div", { class: "row" },
      el("button", { type: "button", class: "continue",
        onclick: () => app.go("form", { draftId: draft.instance_id }) }, t("continue")),
      el("button", { type: "button", class: "discard danger", onclick: async () => {
        if (!(await ask("discard-draft", t("discard_draft_confirm"), t("discard")))) return;
        await db.del("drafts", draft.instance_id);
        renderDrafts(main, app);
      } }, t("discard")))));
  fill(main, el("h1", {}, t("drafts_title")),
    items.length ? el("ul", { class: "list" }, items) : el("p", {}, t("drafts_none")));
}

export function renderOutbox(main, app) {
  const draw = async () => {
    const [rows, nameOf] = await Promise.all([db.all("outbox"), names()]);
    rows.sort((a, b) => String(a.queued_at).localeCompare(String(b.queued_at)));
    const items = rows.map((row) => {
      const state = row.state === "rejected" ? "rejected" : "waiting";
      return el("li", { "data-outbox-id": row.instance_id, "data-state": state },
        el("p", { class: "item-title" }, nameOf(row)),
        el("p", {}, el("span", { class: `tag ${state}` }, t(state)), " ",
          el("span", { class: "muted" }, formatDateTime(row.queued_at))),
        row.username && row.username !== app.me?.username
          ? el("p", { class: "muted filled-by" }, t("filled_by", { name: row.username })) : null,
        row.reason ? el("p", { class: "reason" }, t("reason", { reason: row.reason })) : null,
        row.attempts ? el("p", { class: "muted" }, t("attempts", { count: row.attempts })) : null,
        state === "rejected" ? el("div", { class: "row" },
          el("button", { type: "button", class: "retry", onclick: async () => {
            await retryRejected(row.instance_id);
            app.syncNow();
          } }, t("retry")),
          el("button", { type: "button", class: "discard danger", onclick: async () => {
            if (!(await ask("discard-outbox", t("discard_outbox_confirm"), t("discard")))) return;
            await discardRejected(row.instance_id);
          } }, t("discard"))) : null);
    });
    fill(main, el("h1", {}, t("outbox_title")),
      items.length ? el("ul", { class: "list" }, items) : el("p", {}, t("outbox_none")));
  };
  events.addEventListener("outbox-changed", draw);
  draw();
  return () => events.removeEventListener("outbox-changed", draw);
}

export function renderResults(main, app) {
  const draw = async () => {
    const [rows, nameOf] = await Promise.all([db.all("sent"), names()]);
    rows.sort(newestFirst("sent_at"));
    const items = rows.map((row) => el("li", { "data-sent-id": row.instance_id, "data-status": row.status },
      el("p", { class: "item-title" }, nameOf(row)),
      el("p", {}, el("span", { class: "tag" }, t(row.status)), " ",
        el("span", { class: "muted" }, formatDateTime(row.sent_at))),
      el("p", { class: "message" }, row.message || row.score?.message || "")));
    fill(main, el("h1", {}, t("results_title")),
      items.length ? el("ul", { class: "list" }, items) : el("p", {}, t("results_none")));
  };
  events.addEventListener("results", draw);
  draw();
  return () => events.removeEventListener("results", draw);
}
