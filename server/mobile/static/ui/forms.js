// forms.js — the forms list: the open forms of the commune (the current version of each, as
// the last sync left them in IndexedDB). A person picked on the people screen is shown above;
// choosing a form opens it for them (or for a new person).
// Exports: currentForms() -> [form row], renderForms(main, app, person|null)
import * as db from "../db.js";
import { formatDate } from "../people.js";
import { t } from "../i18n.js";
import { el, fill } from "./dom.js";

export async function currentForms() {
  const rows = await db.all("forms");
  return rows.filter((row) => row.current).sort((a, b) => String(a.title).localeCompare(String(b.title), "vi"));
}

export function formButtons(forms, onPick, attribute) {
  return el("ul", { class: "list" }, forms.map((form) => el("li", {},
    el("button", { type: "button", class: "item", [attribute]: form.form_id, onclick: () => onPick(form) },
      el("span", { class: "item-title" }, form.title || form.form_id), el("br"),
      el("span", { class: "muted" }, t("version", { version: form.version }))))));
}

export async function renderForms(main, app) {
  const forms = await currentForms();
  fill(main, el("h1", {}, t("forms_title")),
    el("p", { class: "muted" }, t("new_person_form")),
    forms.length ? formButtons(forms, (form) => app.go("form", { formId: form.form_id }), "data-form-id")
      : el("p", {}, t("forms_none")));
}

export function personLine(person) {
  const born = person.dob ? t("born", { date: formatDate(person.dob) }) : "";
  return [person.full_name, born, person.village].filter(Boolean).join(" · ");
}
