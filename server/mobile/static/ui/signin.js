// signin.js — the sign-in screen (username and password -> POST /api/v1/session) and the
// device link (/m/#device=<token>: the token is kept, then removed from the address bar).
// Exports: renderSignIn(main, onSignedIn), takeDeviceToken() -> token|null
import { isAuthError, isOfflineError } from "../api.js";
import { t } from "../i18n.js";
import { el, fill } from "./dom.js";
import { signIn } from "./session.js";

/** The device token of a link /m/#device=<token>, removed from the address bar at once. */
export function takeDeviceToken() {
  const match = /(?:^#|&)device=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

export function renderSignIn(main, onSignedIn, notice = null) {
  const error = el("p", { id: "signin-error", class: "problem", role: "alert" }, notice ?? "");
  const username = el("input", { id: "signin-username", type: "text", name: "username",
    autocomplete: "username", autocapitalize: "none", spellcheck: "false", required: true });
  const password = el("input", { id: "signin-password", type: "password", name: "password",
    autocomplete: "current-password", required: true });
  const submit = el("button", { id: "signin-submit", type: "submit" }, t("signin"));
  const form = el("form", { novalidate: true, onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (!username.value.trim() || !password.value) {
      error.textContent = t("signin_wrong");
      return;
    }
    submit.disabled = true;
    try {
      const me = await signIn(username.value.trim(), password.value);
      password.value = "";
      onSignedIn(me);
    } catch (problem) {
      if (isOfflineError(problem)) error.textContent = t("signin_offline");
      else if (problem.status === 401) error.textContent = t("signin_wrong");
      else if (isAuthError(problem) || problem.kind === "client") error.textContent = problem.message;
      else error.textContent = t("signin_failed");
    } finally {
      submit.disabled = false;
    }
  } },
  el("label", { for: "signin-username" }, t("username")), username,
  el("label", { for: "signin-password" }, t("password")), password,
  el("div", { class: "stack" }, submit), error);
  fill(main, el("h1", {}, t("signin_title")), el("p", { class: "muted" }, t("signin_intro")), form);
  username.focus();
}
