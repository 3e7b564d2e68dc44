// sync.js — talking to the server: sending the outbox (POST /api/v1/sync), pulling persons,
// cases and new form versions (GET /api/v1/sync/changes, /api/v1/forms), and when to do it.
//
// Nothing is lost: a row leaves `outbox` only in the IndexedDB transaction that writes its
// `sent` row, only on `accepted` or `duplicate`; each call's answers are committed before the
// next call; "sending" is never stored, so a reload mid-sync resends and the server answers
// `duplicate`. A 401/403 stops the sync and drops nothing. Only the rows the signed-in user may
// send go (outbox.js sendableBy): another user's waiting forms wait for a choice on the home screen.
//
// Exports:
//   events (from queue.js: "outbox-changed", "sync-state", "results", "data-changed")
//   defaultDeps() -> {db, api, now, random}; every function takes deps (tests, other tokens)
//   syncOutbox(deps?, {force}) -> {sent: n, rejected: n, stopped: null|"offline"|"auth"|"server"|"client"}
//       force: every waiting row goes once in this run, back-off or not (the collaborator
//       asked, or the network just came back); without it only rows whose back-off is over
//   pullChanges(deps?) -> {persons: n, cases: n, forms: bool, removed: n}
//       a FULL pull (from no cursor) at sign-in and then at most once a day (meta
//       "full_pull_every_ms" may shorten it; meta "full_pull_at" is the last one): at its end
//       (no `more`) the persons and cases it did not return are deleted (people.js
//       leftAfterFullPull): consent withdrawn, merged, moved to another commune
//   refreshForms(deps?) -> downloads changed forms and media; keeps older versions in use; a
//       form is stored under the id and version its downloaded XForm declares (a version
//       published between the listing and the download is not filed under the older one)
//   syncNow(deps?, {force = true}) -> one full sync (outbox, then changes); one at a time
//       (memory lock and navigator.locks across tabs): a call while one runs gets the running
//       one's promise. Called by the UI (button, a form just queued) it sends every waiting
//       row at once; the timer's retries (force false) respect the back-off.
//   scheduleSync(delayMs) -> (re)arms the timer (a retry that respects the back-off)
//   startAutoSync(deps?) -> sync now, on "online", when the page becomes visible, on a timer
//       (the earliest back-off of a waiting row, else every PULL_INTERVAL_MS); returns stop()
//   stopAutoSync() -> stops it (sign-out); a sync already running finishes

import * as store from './db.js';
import { createApi } from './api.js';
import { MAX_BATCH, applyResults, nextBatch, nextWakeAt, rejectRow, sendableBy } from './outbox.js';
import { announceOutbox, emit, events, pruneSent } from './queue.js';
import { FULL_PULL_EVERY_MS, fullPullDue, leftAfterFullPull } from './people.js';
import { formIdentity } from './xml.js';

export { events };
export const PULL_INTERVAL_MS = 10 * 60 * 1000;
const SYNC_TIMEOUT_MS = 120_000; // a batch of up to 8 MB on a slow line
const MAX_PAGES = 10_000;
// a whole batch refused for what it holds (malformed, too large): one of its items is the
// cause; any other 4xx (404, 405 …) is the server's and answers nothing, like a 5xx
const ITEM_STATUSES = new Set([400, 413, 422]);

export function defaultDeps() {
  const api = createApi({ getToken: () => store.getMeta('token'),
    getLanguage: async () => (await store.getMeta('me'))?.language ?? 'vi' });
  return { db: store, api,
    now: () => Date.now(), random: Math.random };
}

function submission(row) {
  return { client_id: row.instance_id, xml: row.xml, attachments: row.attachments ?? {} };
}

async function commit(db, outcome) {
  await db.tx(['outbox', 'sent'], 'readwrite', async (t) => {
    const writes = [];
    for (const row of outcome.sent) writes.push(t.put('sent', row), t.del('outbox', row.instance_id));
    for (const row of [...outcome.rejected, ...outcome.retry]) {
      // the row may have been discarded meanwhile: never bring it back
      writes.push(t.get('outbox', row.instance_id).then((current) => (current ? t.put('outbox', row) : null)));
    }
    await Promise.all(writes);
  });
}

async function sendBatch(deps, batch) {
  try {
    const answer = await deps.api.post('/sync', { submissions: batch.map(submission) },
      { timeoutMs: SYNC_TIMEOUT_MS });
    return { results: Array.isArray(answer?.results) ? answer.results : null, error: null };
  } catch (error) {
    if (!error?.kind) throw error; // a bug, not the network
    return { results: null, error };
  }
}

export async function syncOutbox(deps = defaultDeps(), { force = false } = {}) {
  const totals = { sent: 0, rejected: 0, stopped: null };
  const tried = new Set(); // forced rows go once per run: an unanswered one waits its back-off
  const eligible = (rows) => (force
    ? rows.map((row) => (tried.has(row.instance_id) ? row : { ...row, next_try_at: 0 })) : rows);
  let max = MAX_BATCH;
  const me = (await deps.db.getMeta('me'))?.username ?? null;
  for (;;) {
    const mine = (await deps.db.all('outbox')).filter((row) => sendableBy(row, me)); // never another's
    const batch = nextBatch(eligible(mine), deps.now(), max);
    if (batch.length === 0) break;
    emit('sync-state', { state: 'syncing', sending: batch.length });
    const { results, error } = await sendBatch(deps, batch);
    if (error?.kind === 'auth') { totals.stopped = 'auth'; totals.error = error; break; } // nothing changes
    const itemsRefused = error?.kind === 'client' && ITEM_STATUSES.has(error.status);
    if (itemsRefused && batch.length > 1) { max = 1; continue; } // send one by one: find the bad one
    const now = deps.now();
    const outcome = itemsRefused
      ? { sent: [], rejected: [rejectRow(batch[0], error.message, now)], retry: [] }
      : applyResults(batch, results, now, deps.random);
    await commit(deps.db, outcome);
    for (const row of batch) tried.add(row.instance_id);
    totals.sent += outcome.sent.length;
    totals.rejected += outcome.rejected.length;
    await announceOutbox();
    if (outcome.sent.length) emit('results', { sent: outcome.sent });
    if (!itemsRefused && (error || results === null)) {
      totals.stopped = error?.kind ?? 'server';
      totals.error = error;
      break;
    }
  }
  return totals;
}

// --- pulling changes -------------------------------------------------------------------------

async function storePage(db, page) {
  return db.tx(['persons', 'cases', 'meta'], 'readwrite', async (t) => {
    let persons = 0;
    for (const person of page.persons ?? []) {
      const old = await t.get('persons', person.id);
      if (!old || (old.version ?? 0) <= (person.version ?? 0)) { await t.put('persons', person); persons += 1; }
    }
    await Promise.all((page.cases ?? []).map((row) => t.put('cases', row))); // a later page is newer
    if (page.cursor) await t.put('meta', page.cursor, 'cursor');
    return { persons, cases: (page.cases ?? []).length };
  });
}

async function formsDiffer(db, versions) {
  if (!versions?.length) return false;
  const known = new Set((await db.all('forms')).map((form) => `${form.form_id}@${form.version}#${form.hash}`));
  return versions.some((entry) => !known.has(`${entry.form_id}@${entry.version}#${entry.hash}`));
}

// after a complete full pull: delete the persons and cases it did not return (they left the
// collaborator's area); a person a draft uses stays until the draft is done
async function dropLeftovers(db, seen) {
  return db.tx(['persons', 'cases', 'drafts'], 'readwrite', async (t) => {
    const [persons, cases, drafts] = await Promise.all([t.keys('persons'), t.all('cases'), t.all('drafts')]);
    const keep = new Set(drafts.map((draft) => draft.person_id).filter(Boolean));
    const gone = leftAfterFullPull({ persons, cases: cases.map((row) => ({ id: row.id, person_id: row.person_id })) },
      seen, keep);
    await Promise.all([...gone.persons.map((id) => t.del('persons', id)), ...gone.cases.map((id) => t.del('cases', id))]);
    return gone.persons.length + gone.cases.length;
  });
}

export async function pullChanges(deps = defaultDeps()) {
  const totals = { persons: 0, cases: 0, forms: false, removed: 0 };
  let cursor = await deps.db.getMeta('cursor');
  const every = (await deps.db.getMeta('full_pull_every_ms')) ?? FULL_PULL_EVERY_MS;
  const full = fullPullDue({ cursor, lastFull: await deps.db.getMeta('full_pull_at'), now: deps.now(), every });
  const seen = full ? { persons: new Set(), cases: new Set() } : null;
  if (full) cursor = null;
  let complete = false;
  let formsChanged = (await deps.db.count('forms')) === 0;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const answer = await deps.api.get('/sync/changes', { query: { cursor: cursor || null } });
    const stored = await storePage(deps.db, answer);
    totals.persons += stored.persons;
    totals.cases += stored.cases;
    for (const person of seen ? answer.persons ?? [] : []) seen.persons.add(person.id);
    for (const row of seen ? answer.cases ?? [] : []) seen.cases.add(row.id);
    formsChanged = formsChanged || await formsDiffer(deps.db, answer.form_versions);
    if (!answer.more) complete = true;
    if (!answer.more || !answer.cursor || answer.cursor === cursor) break;
    cursor = answer.cursor;
  }
  if (full && complete) {
    totals.removed = await dropLeftovers(deps.db, seen);
    await deps.db.setMeta('full_pull_at', deps.now());
  }
  if (formsChanged) totals.forms = await refreshForms(deps);
  await deps.db.setMeta('last_sync', new Date(deps.now()).toISOString());
  if (totals.persons || totals.cases || totals.forms || totals.removed) emit('data-changed', totals);
  return totals;
}

// --- forms -----------------------------------------------------------------------------------

// the form as downloaded: the XML served is the CURRENT version, which may be newer than the
// listing read a moment before; its id and version are read from the XForm itself (xml.js
// formIdentity), and a version the listing did not describe gets no hash, so the next sync
// sees it differ and fetches its listing again
async function download(deps, listed, old) {
  const xml = old && old.hash === listed.hash && old.xml ? old.xml : await deps.api.text(listed.xml_url, { asGiven: true });
  const said = formIdentity(xml);
  const same = !said || (said.formId === listed.form_id && (said.version ?? '') === (listed.version ?? ''));
  const form = same ? listed : { ...listed, form_id: said.formId, version: said.version ?? '', hash: null };
  const key = store.formKey(form.form_id, form.version);
  const blobs = [];
  for (const file of form.media ?? []) {
    const mediaKey = store.mediaKey(form.form_id, form.version, file.name);
    const have = old?.media?.[file.name]?.hash === file.hash && await deps.db.get('media', mediaKey);
    if (!have) blobs.push([mediaKey, await deps.api.blob(file.url, { asGiven: true })]);
  }
  const media = Object.fromEntries((form.media ?? []).map((file) => [file.name, { hash: file.hash }]));
  const row = { form_id: form.form_id, version: form.version, title: form.title, hash: form.hash,
    xml, media, current: true, case_list: Boolean(form.case_list) };
  return { key, row, blobs, changed: !same || !old || old.hash !== form.hash || blobs.length > 0 || !old.current };
}

function inUse(drafts, outbox) {
  const used = new Set();
  for (const row of [...drafts, ...outbox]) used.add(store.formKey(row.form_id, row.form_version));
  return used;
}

export async function refreshForms(deps = defaultDeps()) {
  const listing = await deps.api.get('/forms');
  const offered = listing?.forms ?? [];
  const oldForms = new Map((await deps.db.all('forms')).map((f) => [store.formKey(f.form_id, f.version), f]));
  const fresh = [];
  for (const form of offered) fresh.push(await download(deps, form, oldForms.get(store.formKey(form.form_id, form.version))));
  const current = new Set(fresh.map((entry) => entry.key));
  let changed = fresh.some((entry) => entry.changed);
  await deps.db.tx(['forms', 'media', 'drafts', 'outbox'], 'readwrite', async (t) => {
    const used = inUse(await t.all('drafts'), await t.all('outbox'));
    const writes = [];
    for (const entry of fresh) {
      writes.push(t.put('forms', entry.row, entry.key));
      for (const [mediaKey, blob] of entry.blobs) writes.push(t.put('media', blob, mediaKey));
    }
    for (const [key, form] of oldForms) {
      if (current.has(key)) continue;
      changed = true;
      if (used.has(key)) writes.push(t.put('forms', { ...form, current: false }, key));
      else writes.push(t.del('forms', key), t.del('media', IDBKeyRange.bound(`${key}/`, `${key}/\uffff`)));
    }
    await Promise.all(writes);
  });
  return changed;
}

// --- when to sync ----------------------------------------------------------------------------

let running = null;
let timer = null;
let autoDeps = null;
let stopAuto = () => {};

async function fullSync(deps, force) {
  const online = globalThis.navigator?.onLine !== false;
  if (!online) {
    emit('sync-state', { state: 'offline' });
    return { sent: 0, rejected: 0, stopped: 'offline' };
  }
  emit('sync-state', { state: 'syncing' });
  let result;
  try {
    result = await syncOutbox(deps, { force });
    if (!result.stopped) result.pulled = await pullChanges(deps);
  } catch (error) {
    result = { sent: 0, rejected: 0, stopped: error?.kind ?? 'error', error };
  }
  await pruneSent(deps.now()).catch(() => 0);
  const counts = await announceOutbox();
  emit('sync-state', stateOf(result, counts));
  return result;
}

function stateOf(result, counts) {
  if (!result.stopped) return { state: 'idle', waiting: counts.waiting };
  if (result.stopped === 'offline') return { state: 'offline', waiting: counts.waiting };
  return { state: 'error', reason: result.stopped, message: result.error?.message ?? null,
    waiting: counts.waiting };
}

export function syncNow(deps = autoDeps ?? defaultDeps(), { force = true } = {}) {
  if (running) return running;
  const locks = globalThis.navigator?.locks;
  const work = locks
    ? locks.request('sangloc-sync', { ifAvailable: true },
      (lock) => (lock ? fullSync(deps, force) : { sent: 0, rejected: 0, stopped: 'busy' }))
    : fullSync(deps, force);
  running = Promise.resolve(work).finally(() => {
    running = null;
    if (autoDeps) rearm(deps);
  });
  return running;
}

export function scheduleSync(delayMs) {
  clearTimeout(timer);
  timer = setTimeout(() => syncNow(undefined, { force: false }), Math.min(Math.max(0, delayMs), PULL_INTERVAL_MS));
}

async function rearm(deps) {
  const me = (await deps.db.getMeta('me'))?.username ?? null;
  const wake = nextWakeAt((await deps.db.all('outbox')).filter((row) => sendableBy(row, me)));
  if (!autoDeps) return; // stopped meanwhile
  scheduleSync(wake === null ? PULL_INTERVAL_MS : wake - deps.now() + 50);
}

export function startAutoSync(deps = defaultDeps()) {
  stopAuto();
  autoDeps = deps;
  const onOnline = () => syncNow(deps);
  const onOffline = () => emit('sync-state', { state: 'offline' });
  const onVisible = () => { if (document.visibilityState === 'visible') syncNow(deps, { force: false }); };
  globalThis.addEventListener('online', onOnline);
  globalThis.addEventListener('offline', onOffline);
  globalThis.document?.addEventListener('visibilitychange', onVisible);
  stopAuto = () => {
    autoDeps = null;
    clearTimeout(timer);
    globalThis.removeEventListener('online', onOnline);
    globalThis.removeEventListener('offline', onOffline);
    globalThis.document?.removeEventListener('visibilitychange', onVisible);
    stopAuto = () => {};
  };
  syncNow(deps);
  return stopAutoSync;
}

export function stopAutoSync() {
  stopAuto();
}
