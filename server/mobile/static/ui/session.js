// session.js — who uses the app: sign-in with a collaborator account, a device link, the
// persistent-storage request, and sign-out. The token and "me" live in IndexedDB (meta).
//
// Sign-out keeps a waiting outbox: it removes the token, "me" and every other store (persons,
// cases, drafts, forms, media, results), but the `outbox` store is deleted only when it is
// empty (then the whole database goes). The screen asks first when anything waits.
//
// Signing in again (the token expired or was revoked: api.js's "auth") keeps everything; only
// the same user may do it (`again`: the username whose data the phone holds). Another user's
// new token is revoked at once and OtherUserError thrown: they sign out first.
//
// Exports: api (api.js, with the stored token), currentUser() -> me|null, signIn(username,
//   password, {again?}), OtherUserError, linkDevice(token), refreshMe(),
//   askPersistence() -> true|false|null, signOut()
import * as db from "../db.js";
import { createApi } from "../api.js";

let token = null;

export const api = createApi({ getToken: async () => token ?? (token = await db.getMeta("token")) });

export async function currentUser() {
  token = await db.getMeta("token");
  return token ? (await db.getMeta("me")) ?? null : null;
}

async function keep(newToken, me) {
  token = newToken;
  await db.setMeta("token", newToken);
  await db.setMeta("me", me);
  return me;
}

export class OtherUserError extends Error {}

export async function signIn(username, password, { again = null } = {}) {
  const answer = await api.post("/session", { username, password });
  if (again && answer.me?.username !== again) {
    await createApi({ getToken: () => answer.token }).del("/session").catch(() => null);
    throw new OtherUserError(again);
  }
  return keep(answer.token, answer.me);
}

/** A device link's token: kept only once the server has said who it is. */
export async function linkDevice(deviceToken) {
  const me = await createApi({ getToken: () => deviceToken }).get("/me");
  return keep(deviceToken, me);
}

export async function refreshMe() {
  const me = await api.get("/me");
  await db.setMeta("me", me);
  return me;
}

/** Asks the browser once (after the first sign-in) to keep the app's storage; later only
 * reads whether it is kept. true | false, or null when the browser has no such thing. */
export async function askPersistence() {
  if (!navigator.storage || !navigator.storage.persist) return null;
  const asked = await db.getMeta("persist_granted");
  const granted = asked === undefined || asked === null
    ? await navigator.storage.persist() : await navigator.storage.persisted();
  await db.setMeta("persist_granted", granted);
  return granted;
}

export async function signOut() {
  const me = await db.getMeta("me");
  if (me && !me.device) {
    try {
      await api.del("/session");
    } catch (error) { /* offline or already revoked: the app forgets the token anyway */ }
  }
  token = null;
  if ((await db.count("outbox")) === 0) {
    await db.deleteDb();
    return;
  }
  await db.tx(db.STORES.filter((name) => name !== "outbox"), "readwrite", async (t) => {
    await Promise.all(db.STORES.filter((name) => name !== "outbox").map((name) => t.clear(name)));
  });
}
