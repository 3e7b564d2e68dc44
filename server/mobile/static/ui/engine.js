// engine.js — ODK Web Forms embedded for the app, and every workaround it needs, in one place.
// Checked against @getodk/web-forms 0.22.0 (the version pinned in package-lock.json); each
// workaround says what it works around, so it can be dropped when the engine does it itself.
//
// openForm(host, options) mounts the engine on `host` and answers a controller:
//   options: {formXml, attachment(name) -> Promise<Response>, draftXml (null for a new form),
//             personId (null: none picked), language ("vi"|"en"),
//             onChange(instanceXml), onSubmit(instanceXml) -> Promise}
//   controller: {finish() (the engine checks the answers, then onSubmit), instanceXml(),
//                flush() (saves now what waits for the debounce), destroy()}
// warmUp(formXml) -> Promise: opens a form once off screen and closes it (workaround 8).
// adaptFormXml(xml), findNode(root, name) are exported for the tests.
//
// Workarounds (Web Forms 0.22):
// 1. No i18n: its "Send" button is English, so CSS hides it (app.css, .odk-form .footer) and
//    finish() clicks it; the app shows its own "Hoàn thành". Its few English messages
//    (validation, the error count, "No results found") are replaced on screen by Vietnamese
//    ones with a MutationObserver (TEXTS below); the form's own labels and constraint
//    messages are the form's (Vietnamese and English, chosen with root.setLanguage).
// 2. PrimeVue (inside the plugin) has a locale: Vietnamese day and month names, weeks from
//    Monday, dates entered and shown dd/mm/yyyy (LOCALE below).
// 3. The host has no handle on the instance: a global mixin catches the engine's root node
//    from the first component that gets a `question` prop; root.instanceState.instanceXML is
//    the instance being filled (watched to save the draft).
// 4. A picked person: the form's person_id (select_one_from_file cases.csv, whose only rows
//    are "new" and that person) is set with selectValue(id) once it is relevant and empty.
// 5. A draft is reloaded through the `editInstance` prop, which puts the engine in "edit"
//    mode and adds meta/deprecatedID; xml.js's finalize() undoes that before queueing.
// 6. Its XPath date() refuses a node-set ("Invalid input type for date function: expected
//    STRING or NUMBER"), which the forms' pre-fill from cases.csv passes it
//    (date(instance('cases')/root/item[name=…]/dob)); adaptFormXml wraps that path in
//    string(), which is what XPath 1.0 does implicitly and Collect (JavaRosa) accepts. The fix
//    lives in server/ui/static/web_forms_fixes.js ("sangloc-web-forms-fixes" in the import
//    map), shared with the coordinator's form trial page.
// 7. Its label points at a wrapper, not at a date input or a select's combobox: those
//    controls are named by their question's label (aria-labelledby), as form_trial.js does.
// 8. The first form of a page load opens about twice as slowly as the next ones (Vue's and
//    PrimeVue's first render, the engine's code run for the first time): warmUp(formXml) opens
//    one form once, in a hidden host, saving nothing, while the app is idle, so that the
//    collaborator's first form opens as fast as the others.
import { createApp, h, watch } from "vue";
import { OdkWebForm, webFormsPlugin } from "@getodk/web-forms";
import { adaptFormXml } from "sangloc-web-forms-fixes";

export const WEB_FORMS_VERSION = "0.22.0";
const SAVE_DELAY_MS = 800;

const LOCALE = {
  dayNames: ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
  dayNamesShort: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
  dayNamesMin: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
  monthNames: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7",
    "Tháng 8", "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"],
  monthNamesShort: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10",
    "Th11", "Th12"],
  today: "Hôm nay", clear: "Xoá", weekHeader: "Tuần", chooseDate: "Chọn ngày",
  chooseMonth: "Chọn tháng", chooseYear: "Chọn năm", prevMonth: "Tháng trước",
  nextMonth: "Tháng sau", prevYear: "Năm trước", nextYear: "Năm sau",
  emptyMessage: "Không có lựa chọn", emptySearchMessage: "Không tìm thấy",
  emptyFilterMessage: "Không tìm thấy", searchMessage: "{0} kết quả", selectionMessage:
    "Đã chọn {0}", emptySelectionMessage: "Chưa chọn", accept: "Đồng ý", reject: "Không",
  cancel: "Huỷ", choose: "Chọn", upload: "Tải lên",
};
const LOCALE_EN_DATES = { firstDayOfWeek: 1, dateFormat: "dd/mm/yy" };

// English text the engine shows -> Vietnamese (whole text of one text node)
const TEXTS = new Map([
  ["Condition not satisfied: required", "Câu này bắt buộc phải trả lời."],
  ["Condition not satisfied: constraint", "Câu trả lời không hợp lệ."],
  ["1 question with error.", "1 câu hỏi có lỗi."],
  ["No results found", "Không tìm thấy"],
  ["Location unavailable. Enable GPS and browser permissions, then restart the form to try again.",
    "Không lấy được vị trí. Hãy bật GPS và cho phép trình duyệt, rồi mở lại biểu mẫu."],
]);
const PATTERNS = [[/^(\d+) questions with errors\.$/, "$1 câu hỏi có lỗi."]];

function vietnamese(text) {
  const trimmed = text.trim();
  if (TEXTS.has(trimmed)) return TEXTS.get(trimmed);
  for (const [pattern, replacement] of PATTERNS) {
    if (pattern.test(trimmed)) return trimmed.replace(pattern, replacement);
  }
  return null;
}

function translateTree(node) {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const replaced = vietnamese(text.nodeValue);
    if (replaced !== null) text.nodeValue = replaced;
  }
}

function nameControls(host) {
  host.querySelectorAll(".question-container").forEach((question) => {
    const label = question.querySelector(".control-text label[for]");
    if (!label) return;
    label.id = label.id || label.htmlFor + "-label";
    question.querySelectorAll("[role=combobox], input.p-datepicker-input").forEach((el) => {
      if (!el.hasAttribute("aria-labelledby") && !el.hasAttribute("aria-label")) {
        el.setAttribute("aria-labelledby", label.id);
      }
    });
  });
}

export { adaptFormXml }; // workaround 6 (web_forms_fixes.js)

function nodeName(node) {
  return node?.definition?.nodeName ?? node?.definition?.qualifiedName?.localName ?? null;
}

/** The first node named `name` under `node` (groups and repeats have children). */
export function findNode(node, name) {
  for (const child of node?.currentState?.children ?? []) {
    if (nodeName(child) === name) return child;
    const found = findNode(child, name);
    if (found) return found;
  }
  return null;
}

function isEmpty(value) {
  return value === null || value === undefined || value === ""
    || (Array.isArray(value) && value.length === 0);
}

function chooseFormLanguage(root, language) {
  const wanted = (root.languages ?? []).find((entry) =>
    new RegExp(`\\(${language}\\)\\s*$`).test(entry.language ?? ""));
  if (wanted && root.currentState?.activeLanguage?.language !== wanted.language) {
    root.setLanguage(wanted);
  }
}

// the person_id question: selected once when it becomes relevant and is still empty
function preselectPerson(root, personId) {
  const node = findNode(root, "person_id");
  if (!node || typeof node.selectValue !== "function") return null;
  let done = false;
  return watch(() => [node.currentState.relevant, node.currentState.value], ([relevant, value]) => {
    if (done || !relevant) return;
    done = true;
    if (isEmpty(value)) node.selectValue(personId);
  }, { immediate: true });
}

export function openForm(host, options) {
  let root = null;
  const stops = [];
  let timer = null;
  const save = () => {
    clearTimeout(timer);
    timer = null;
    if (root) options.onChange(root.instanceState.instanceXML);
  };
  const capture = (found) => {
    if (root === found) return;
    root = found;
    chooseFormLanguage(root, options.language);
    stops.push(watch(() => root.instanceState.instanceXML, () => {
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY_MS);
    }));
    if (options.personId) {
      const stop = preselectPerson(root, options.personId);
      if (stop) stops.push(stop);
    }
  };
  const props = {
    formXml: adaptFormXml(options.formXml),
    fetchFormAttachment: (url) => options.attachment(String(url.href || url).split("/").pop()),
    missingResourceBehavior: "BLANK",
    onSubmit: async (payload, done) => {
      const file = payload.data[0].get("xml_submission_file");
      await options.onSubmit(await file.text());
      done({});
    },
  };
  if (options.draftXml) {
    props.editInstance = {
      resolveInstance: () => options.draftXml,
      attachmentFileNames: [],
      resolveAttachment: () => Promise.reject(new Error("a draft holds no attachments")),
    };
  }
  const app = createApp({ render: () => h(OdkWebForm, props) });
  app.use(webFormsPlugin);
  const primevue = app.config.globalProperties.$primevue;
  if (primevue) {
    Object.assign(primevue.config.locale, LOCALE_EN_DATES,
      options.language === "vi" ? LOCALE : {});
  }
  app.mixin({
    created() {
      const question = this.$props && this.$props.question;
      if (question && question.root) capture(question.root);
    },
  });
  const observer = new MutationObserver((records) => {
    nameControls(host);
    if (options.language !== "vi") return;
    for (const record of records) {
      if (record.type === "characterData") translateTree(record.target.parentNode ?? host);
      record.addedNodes.forEach((added) => translateTree(added.nodeType === 1 ? added : added.parentNode ?? host));
    }
  });
  observer.observe(host, { childList: true, subtree: true, characterData: true });
  app.mount(host);
  return {
    finish() {
      const send = host.querySelector(".odk-form .footer button");
      if (send) send.click();
      return Boolean(send);
    },
    instanceXml() {
      return root ? root.instanceState.instanceXML : null;
    },
    flush() {
      if (timer !== null) save();
    },
    destroy() {
      if (timer !== null) save();
      stops.forEach((stop) => stop());
      observer.disconnect();
      app.unmount();
    },
  };
}

const WARM_UP_LIMIT_MS = 15000;

/** Opens `formXml` once in a hidden host and closes it as soon as its first question is drawn
 * (workaround 8): nothing is saved or sent. */
export function warmUp(formXml) {
  const host = document.createElement("div");
  host.hidden = true;
  host.inert = true;
  document.body.append(host);
  const controller = openForm(host, {
    formXml, attachment: async () => new Response("", { status: 404 }), draftXml: null,
    personId: null, language: "vi", onChange: () => {}, onSubmit: async () => {},
  });
  return new Promise((resolve) => {
    let limit = null;
    const observer = new MutationObserver(() => {
      if (host.querySelector(".question-container")) close();
    });
    function close() {
      observer.disconnect();
      clearTimeout(limit);
      controller.destroy();
      host.remove();
      resolve();
    }
    observer.observe(host, { childList: true, subtree: true });
    limit = setTimeout(close, WARM_UP_LIMIT_MS);
  });
}
