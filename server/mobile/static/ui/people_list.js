// people_list.js — the people of the commune, offline: who is due first (rescreen,
// follow-up, work assigned to me: people.js's dueList), a search by name (people.js's
// searchPersons), and a person's page with the forms to fill for them.
// Exports: renderPeople(main, app), renderPerson(main, app, personId)
import * as db from "../db.js";
import { dueList, searchPersons, formatDate } from "../people.js";
import { t } from "../i18n.js";
import { el, clear, fill } from "./dom.js";
import { currentForms, formButtons, personLine } from "./forms.js";

const SHOWN = 50;

function tags(entry) {
  const action = entry.action;
  return [
    action ? el("span", { class: "tag" }, `${action.kind}${action.due ? " " + t("due_on", { date: formatDate(action.due) }) : ""}`) : null,
    entry.urgent ? el("span", { class: "tag urgent" }, t("urgent")) : null,
    entry.overdue ? el("span", { class: "tag overdue" }, t("overdue")) : null,
    entry.mine ? el("span", { class: "tag mine" }, t("mine")) : null,
  ];
}

function personItem(person, app, entry = null) {
  return el("li", {}, el("button", { type: "button", class: "item", "data-person-id": person.id,
    onclick: () => app.go("person", { personId: person.id }) },
  el("span", { class: "item-title" }, person.full_name), el("br"),
  el("span", { class: "muted" }, personLine(person).replace(person.full_name, "").replace(/^ · /, "")),
  entry ? el("span", { class: "tags" }, el("br"), tags(entry)) : null));
}

export async function renderPeople(main, app) {
  const [persons, cases] = await Promise.all([db.all("persons"), db.all("cases")]);
  const byId = new Map(persons.map((person) => [person.id, person]));
  const due = dueList(cases, byId, { myUserId: app.me.user_id });
  const results = el("div", {});
  const search = el("input", { id: "people-search", type: "search", autocomplete: "off",
    placeholder: t("people_search"), "aria-label": t("people_search") });
  const show = () => {
    const query = search.value.trim();
    clear(results);
    if (!query && due.length) {
      results.append(el("h2", {}, t("people_due")),
        el("ul", { class: "list" }, due.slice(0, SHOWN).map((entry) => personItem(entry.person, app, entry))));
    }
    const found = searchPersons(persons, query, { limit: SHOWN });
    results.append(el("h2", {}, query ? t("people_search") : t("people_all")),
      found.length ? el("ul", { class: "list" }, found.map((person) => personItem(person, app)))
        : el("p", {}, t("people_none")));
    if (!query && persons.length > found.length) results.append(el("p", { class: "muted" }, t("people_more", { count: persons.length - found.length })));
  };
  search.addEventListener("input", show);
  fill(main, el("h1", {}, t("people_title")), search, results);
  show();
}

export async function renderPerson(main, app, personId) {
  const [person, cases, forms] = await Promise.all([db.get("persons", personId), db.all("cases"), currentForms()]);
  if (!person) {
    app.go("people");
    return;
  }
  const entry = dueList(cases.filter((row) => row.person_id === personId), new Map([[personId, person]]),
    { myUserId: app.me.user_id })[0];
  fill(main,
    el("button", { type: "button", class: "secondary", onclick: () => app.go("people") }, t("back")),
    el("h1", {}, person.full_name),
    el("p", { class: "muted" }, personLine(person)),
    entry ? el("p", {}, tags(entry)) : null,
    el("h2", {}, t("forms_for", { name: person.full_name })),
    forms.length ? formButtons(forms, (form) => app.go("form", { formId: form.form_id, personId }), "data-start-form")
      : el("p", {}, t("forms_none")));
}
