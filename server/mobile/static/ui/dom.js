// dom.js — the few DOM helpers every screen uses: build elements, a toast, a confirm dialog.
// Text goes in as text nodes (never innerHTML), so names and server messages cannot inject.
// Exports: el(tag, attrs, ...children), fill(node, ...children), clear(node), toast(text), confirmDialog(opts) -> Promise
import { t } from "../i18n.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      node.className = value;
    } else if (key === "dataset") {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces `node`'s children (null, undefined and false are left out, as in el()). */
export function fill(node, ...children) {
  clear(node);
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

let toastTimer = null;

export function toast(text) {
  const box = document.getElementById("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.classList.remove("shown"), 4000);
}

/**
 * A modal dialog: {id, title, text, buttons: [{id, label, value, class}]} -> the value of the
 * button pressed (the last button's on Escape).
 */
export function confirmDialog({ id, title, text, buttons }) {
  return new Promise((resolve) => {
    const dialog = el("dialog", { id, "aria-labelledby": `${id}-title` },
      el("h2", { id: `${id}-title` }, title),
      el("p", {}, text),
      el("div", { class: "stack" }, buttons.map((button) => el("button", {
        type: "button", id: button.id, class: button.class,
        onclick: () => { dialog.close(); dialog.remove(); resolve(button.value); },
      }, button.label))));
    dialog.addEventListener("cancel", () => {
      dialog.remove();
      resolve(buttons[buttons.length - 1].value);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A yes/no question: true when the first button is pressed. */
export function ask(id, text, yes) {
  return confirmDialog({ id, title: text, text: "", buttons: [
    { id: `${id}-yes`, label: yes, value: true, class: "danger" },
    { id: `${id}-no`, label: t("cancel"), value: false, class: "secondary" },
  ] });
}
