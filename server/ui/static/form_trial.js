// The form trial page (server/ui/form_trial.py): mounts ODK Web Forms on the XForm, sends a
// filled instance to the server to be scored (never stored) and shows the result fragment the
// server wrote. "vue" and "@getodk/web-forms" come from the page's import map (our own copies
// in static/vendor/); every request goes to this site, with the page's CSRF token.
import { createApp, h } from "vue";
import { OdkWebForm, webFormsPlugin } from "@getodk/web-forms";
import { adaptFormXml } from "sangloc-web-forms-fixes";

const root = document.getElementById("trial");
const status = document.getElementById("trial-status");
const result = document.getElementById("trial-result");

// A file the form names (jr://file-csv/cases.csv ...) is asked for by its last path part.
function fetchAttachment(url) {
  const name = String(url.href || url).split("/").pop();
  return fetch(root.dataset.media + encodeURIComponent(name), { credentials: "same-origin" });
}

// Web Forms' "submit": payload.data[0] is a FormData holding xml_submission_file.
async function score(payload, done) {
  const body = new FormData();
  body.append("csrf_token", root.dataset.csrf);
  body.append("xml_submission_file", payload.data[0].get("xml_submission_file"));
  status.textContent = root.dataset.sending;
  try {
    const response = await fetch(root.dataset.score, {
      method: "POST", body: body, credentials: "same-origin",
    });
    // the server's fragment (Jinja-escaped); 4xx answers carry the problem in words
    result.innerHTML = await response.text();
    status.textContent = "";
  } catch (error) {
    status.textContent = root.dataset.failed;
  }
  result.focus();
  result.scrollIntoView();
  done({});  // keep the answers on screen, to change one and send again
}

// Web Forms 0.22 points a question's <label for> at a wrapper, not at the date input or the
// select's combobox, so those controls have no name for a screen reader; name them by the
// question's label (again whenever a question appears).
function nameControls(form) {
  form.querySelectorAll(".question-container").forEach(function (question) {
    const label = question.querySelector(".control-text label[for]");
    if (!label) {
      return;
    }
    label.id = label.id || label.htmlFor + "-label";
    question.querySelectorAll("[role=combobox], input.p-datepicker-input").forEach(function (el) {
      if (!el.hasAttribute("aria-labelledby") && !el.hasAttribute("aria-label")) {
        el.setAttribute("aria-labelledby", label.id);
      }
    });
  });
}

async function start() {
  const response = await fetch(root.dataset.form, { credentials: "same-origin" });
  if (!response.ok) {
    throw new Error("form " + response.status);
  }
  const xml = adaptFormXml(await response.text()); // date() of a picked person's dob
  const app = createApp({
    render: () => h(OdkWebForm, {
      formXml: xml,
      fetchFormAttachment: fetchAttachment,
      missingResourceBehavior: "BLANK",
      onSubmit: score,
    }),
  });
  app.use(webFormsPlugin);
  const form = document.getElementById("trial-form");
  new MutationObserver(function () { nameControls(form); })
    .observe(form, { childList: true, subtree: true });
  app.mount(form);
  status.textContent = "";
}

start().catch(function () {
  status.textContent = root.dataset.failed;
});
