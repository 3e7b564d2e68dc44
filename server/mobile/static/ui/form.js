// form.js — the form screen: one form filled in the engine (engine.js), saved as a draft as
// the collaborator goes (IndexedDB `drafts`, on every change, when the page is hidden and on
// leaving), and queued in the outbox on "Hoàn thành" (queue.js), with the id it got when first
// opened (xml.js's finalize: a draft reopened in the engine's edit mode keeps its id).
// The engine gets the form's media from IndexedDB and a cases.csv holding only the picked
// person (people.js), never the whole commune.
// While it is shown, app.saveOpenForm() saves the answers as a draft and answers its id (the
// language switch reopens the form from it in the other language, answers kept).
// Exports: renderForm(main, app, {formId?, personId?, draftId?}) -> cleanup
import * as db from "../db.js";
import { casesCsv } from "../people.js";
import { queueForm } from "../queue.js";
import { finalize, instanceIdOf } from "../xml.js";
import { t, language } from "../i18n.js";
import { el, toast, fill } from "./dom.js";
import { openForm } from "./engine.js";
import { personLine } from "./forms.js";

async function formFor(formId, version) {
  if (version) {
    const exact = await db.get("forms", db.formKey(formId, version));
    if (exact) return exact;
  }
  return (await db.all("forms")).find((row) => row.form_id === formId && row.current) ?? null;
}

function attachments(form, person, caseRow, myUserId) {
  return async (name) => {
    if (name === "cases.csv") {
      return new Response(casesCsv(person, { caseRow, myUserId }), { headers: { "Content-Type": "text/csv" } });
    }
    const blob = await db.get("media", db.mediaKey(form.form_id, form.version, name));
    return blob ? new Response(blob) : new Response("", { status: 404 });
  };
}

export async function renderForm(main, app, params) {
  const draft = params.draftId ? await db.get("drafts", params.draftId) : null;
  const form = await formFor(draft?.form_id ?? params.formId, draft?.form_version);
  const personId = draft?.person_id ?? params.personId ?? null;
  const person = personId ? await db.get("persons", personId) : null;
  const caseRow = personId ? (await db.all("cases")).find((row) => row.person_id === personId) ?? null : null;
  const status = el("p", { class: "muted", role: "status" }, t("form_loading"));
  const host = el("div", { id: "form-host" });
  const finish = el("button", { id: "form-finish", type: "button" }, t("form_finish"));
  const saveExit = el("button", { id: "form-save-exit", type: "button", class: "secondary" }, t("form_save_exit"));
  fill(main,
    person ? el("p", { class: "person-banner" }, t("person_label", { name: personLine(person) })) : null,
    status, host, el("div", { class: "form-bar" }, saveExit, finish));
  if (!form) {
    status.textContent = t("form_failed", { reason: t("forms_none") });
    return () => {};
  }
  let instanceId = draft?.instance_id ?? null;
  const createdAt = draft?.created_at ?? new Date().toISOString();
  let submitted = false;
  let saving = Promise.resolve();

  const saveDraft = (xml) => {
    if (submitted || !xml) return saving;
    instanceId = instanceId ?? instanceIdOf(xml);
    if (!instanceId) return saving;
    const row = { instance_id: instanceId, form_id: form.form_id, form_version: form.version,
      person_id: personId, xml: finalize(xml, instanceId), created_at: createdAt,
      updated_at: new Date().toISOString() };
    saving = saving.then(() => db.put("drafts", row));
    return saving;
  };
  const controller = openForm(host, {
    formXml: form.xml,
    attachment: attachments(form, person, caseRow, app.me.user_id),
    draftXml: draft?.xml ?? null,
    personId: draft ? null : personId,
    language: language(),
    onChange: saveDraft,
    onSubmit: async (xml) => {
      instanceId = instanceId ?? instanceIdOf(xml);
      submitted = true;
      await saving;
      const item = { client_id: instanceId, instance_id: instanceId, form_id: form.form_id,
        form_version: form.version, xml: finalize(xml, instanceId), attachments: {}, created_at: createdAt };
      const result = await queueForm(item, { personId });
      if (result.action === "invalid") {
        submitted = false;
        toast(result.problem.message[language()] ?? result.problem.message.vi);
        return;
      }
      toast(t("form_queued"));
      app.go("outbox");
      app.syncNow();
    },
  });
  status.textContent = "";
  // the language switch: save the answers as a draft now; the form reopens from it (app.js)
  app.saveOpenForm = async () => {
    const xml = controller.instanceXml();
    if (submitted || !xml) return null;
    await saveDraft(xml);
    return instanceId;
  };
  const flush = () => {
    if (document.visibilityState === "hidden") controller.flush();
  };
  const onHide = () => controller.flush();
  document.addEventListener("visibilitychange", flush);
  window.addEventListener("pagehide", onHide);
  finish.addEventListener("click", () => {
    controller.finish();
    setTimeout(() => {
      if (!submitted && host.querySelector(".form-error-message")) toast(t("form_invalid"));
    }, 500);
  });
  saveExit.addEventListener("click", async () => {
    await saveDraft(controller.instanceXml());
    toast(t("draft_saved"));
    app.go("drafts");
  });
  return () => {
    app.saveOpenForm = null;
    document.removeEventListener("visibilitychange", flush);
    window.removeEventListener("pagehide", onHide);
    controller.destroy();
  };
}
