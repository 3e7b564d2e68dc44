// signin.js — the sign-in screen (username and password -> POST /api/v1/session) and the
// device link (/m/#device=<token>: the token is kept, then removed from the address bar).
// "Sign in again" (options.again: the username whose token failed): the same form, saying that
// nothing on the phone is lost, the username filled in, and a sign-out button
// (options.onSignOut) for when that user cannot sign in.
// Exports: renderSignIn(main, onSignedIn, notice?, {again?, onSignOut?}), takeDeviceToken() -> token|null
import { isAuthError, isOfflineError } from "../api.js";
import { t } from "../i18n.js";
import { el, fill } from "./dom.js";
import { signIn, OtherUserError } from "./session.js";

/** The device token of a link /m/#device=<token>, removed from the address bar at once. */
export function takeDeviceToken() {
  const match = /(?:^#|&)device=([^&]+)/.exec(location.hash);
  if (!match) return null;
  history.replaceState(null, "", location.pathname + location.search);
  return decodeURIComponent(match[1]);
}

export function renderSignIn(main, onSignedIn, notice = null, { again = null, onSignOut = null } = {}) {
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
      const me = await signIn(username.value.trim(), password.value, { again });
      password.value = "";
      onSignedIn(me);
    } catch (problem) {
      if (problem instanceof OtherUserError) error.textContent = t("signin_again_other", { name: again });
      else if (isOfflineError(problem)) error.textContent = t("signin_offline");
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
  if (again) {
    username.value = again;
    fill(main, el("h1", { id: "signin-again" }, t("signin_again_title")),
      el("p", { class: "muted" }, t("signin_again_intro", { name: again })), form,
      onSignOut ? el("div", { class: "stack" }, el("button", { id: "signin-again-signout", type: "button",
        class: "danger", onclick: onSignOut }, t("signin_again_signout"))) : null);
    password.focus();
    return;
  }
  fill(main, el("h1", {}, t("signin_title")), el("p", { class: "muted" }, t("signin_intro")), form);
  username.focus();
}
