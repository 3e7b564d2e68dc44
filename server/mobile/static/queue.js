// queue.js — the outbox and drafts in IndexedDB: what the UI calls to queue a finished form,
// retry or discard a rejected one, import and export the waiting forms, and count them.
// The rules are outbox.js's; this file only reads and writes the stores (db.js) and emits
// the events the UI listens to.
//
// Exports:
//   events: EventTarget. Event types (CustomEvent, data in `detail`):
//     "outbox-changed" {waiting, rejected}          the outbox's counts after any change
//     "sync-state"     {state: "idle"|"syncing"|"offline"|"error", reason?, message?, waiting?}
//                      reason (with "error"): "auth" (sign in again; nothing was dropped),
//                      "server" (5xx), "client" (another 4xx)
//     "results"        {sent: [sent row]}             results just received
//     "data-changed"   {persons: n, cases: n, forms: bool}
//     "drafts-changed" {instance_id}
//   emit(type, detail)
//   queueForm(item, {personId?}) -> {action: "add"|"skip"|"invalid", row?, why?, problem?}
//       item = contract Item (xml already finalized, see xml.js). In ONE transaction: the row
//       is added to `outbox` and the draft with the same instance_id is deleted.
//   outboxCounts() -> {waiting, rejected, foreign, others} (outbox.js countRows, for the user signed in)
//   adoptWaiting(filledBy) -> how many of filledBy's forms are now sent under the signed-in account
//   retryRejected(instanceId), discardRejected(instanceId) (the UI asks the collaborator first;
//       only a rejected row can be discarded)
//   exportWaiting({origin?, filledBy?}) -> transfer.buildExport(…) of the outbox (only the forms
//       filledBy filled, with that username, when given), username and commune from meta "me"
//   importFile(text) -> {ok: false, problem} | {ok: true, header, added: n,
//       skipped: [{instance_id, why}], invalid: [{index, instance_id, problem}]}
//   saveDraft({instance_id, form_id, form_version, person_id, xml}) -> the stored draft
//       (created_at kept from the first save, updated_at now); emits "drafts-changed"
//   discardDraft(instanceId); emits "drafts-changed"
//   pruneSent(now?, days = 30) -> how many sent rows older than `days` were removed

import * as db from './db.js';
import { adoptRows, countRows, enqueue, mergeImport, retryRow } from './outbox.js';
import { buildExport, parseExport } from './transfer.js';
import { personIdOf } from './xml.js';

export const events = new EventTarget();
const SENT_KEEP_DAYS = 30;

export function emit(type, detail = {}) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

async function myName() {
  return (await db.getMeta('me'))?.username ?? null;
}

export async function outboxCounts() {
  const [rows, me] = await Promise.all([db.all('outbox'), myName()]);
  return countRows(rows, me);
}

/** The forms `filledBy` filled, sent from now on under the account signed in (the UI asked). */
export async function adoptWaiting(filledBy) {
  const me = await myName();
  const count = await db.tx(['outbox'], 'readwrite', async (t) => {
    const rows = adoptRows(await t.all('outbox'), filledBy, me, Date.now());
    await Promise.all(rows.map((row) => t.put('outbox', row)));
    return rows.length;
  });
  await announceOutbox();
  return count;
}

export async function announceOutbox() {
  const counts = await outboxCounts();
  emit('outbox-changed', counts);
  return counts;
}

export async function queueForm(item, { personId = undefined } = {}) {
  const now = Date.now();
  const person = personId === undefined ? personIdOf(item.xml ?? '') : personId;
  const username = await myName();
  const decision = await db.tx(['outbox', 'sent', 'drafts'], 'readwrite', async (t) => {
    const [queued, sent] = await Promise.all([t.get('outbox', item.instance_id ?? ''),
      t.get('sent', item.instance_id ?? '')]);
    const answer = enqueue({ outbox: queued ? [queued] : [], sent: sent ? [sent] : [] }, item, now,
      { person_id: person, username });
    if (answer.action === 'add') {
      await Promise.all([t.put('outbox', answer.row), t.del('drafts', item.instance_id)]);
    } else if (answer.action === 'skip') {
      await t.del('drafts', item.instance_id); // already queued or sent: the draft is done
    }
    return answer;
  });
  await announceOutbox();
  return decision;
}

export async function saveDraft(draft) {
  const now = new Date().toISOString();
  const saved = await db.tx(['drafts', 'outbox'], 'readwrite', async (t) => {
    // a form already queued is no draft any more (a late autosave after finishing)
    if (await t.get('outbox', draft.instance_id)) return null;
    const old = await t.get('drafts', draft.instance_id);
    const row = { person_id: null, ...draft, created_at: old?.created_at ?? draft.created_at ?? now,
      updated_at: now };
    await t.put('drafts', row);
    return row;
  });
  emit('drafts-changed', { instance_id: draft.instance_id });
  return saved;
}

export async function discardDraft(instanceId) {
  await db.del('drafts', instanceId);
  emit('drafts-changed', { instance_id: instanceId });
}

async function changeRejected(instanceId, change) {
  const done = await db.tx(['outbox'], 'readwrite', async (t) => {
    const row = await t.get('outbox', instanceId);
    if (!row || row.state !== 'rejected') return false;
    await change(t, row);
    return true;
  });
  await announceOutbox();
  return done;
}

export const retryRejected = (instanceId) => changeRejected(instanceId,
  (t, row) => t.put('outbox', retryRow(row, Date.now())));

export const discardRejected = (instanceId) => changeRejected(instanceId,
  (t) => t.del('outbox', instanceId));

export async function exportWaiting({ origin = globalThis.location?.origin ?? null, filledBy = null } = {}) {
  const [rows, me] = await Promise.all([db.all('outbox'), db.getMeta('me')]);
  const chosen = filledBy === null ? rows : rows.filter((row) => (row.username ?? row.sender) === filledBy);
  return buildExport(chosen, { username: filledBy ?? me?.username ?? null,
    commune: me?.commune?.code ?? null, origin, now: Date.now() });
}

export async function importFile(text) {
  const parsed = parseExport(text);
  if (!parsed.ok) return parsed;
  const now = Date.now();
  const me = await myName();
  const merged = await db.tx(['outbox', 'sent'], 'readwrite', async (t) => {
    const [queued, sent] = await Promise.all([t.keys('outbox'), t.keys('sent')]);
    // who filled them: the file's user; importing them is choosing to send them
    const result = mergeImport(queued, sent, parsed.items, now,
      { username: parsed.header.username ?? me, sender: me });
    await Promise.all(result.add.map((row) => t.put('outbox', { ...row, person_id: personIdOf(row.xml) })));
    return result;
  });
  await announceOutbox();
  return { ok: true, header: parsed.header, added: merged.add.length, skipped: merged.skipped,
    invalid: [...parsed.invalid, ...merged.invalid] };
}

export async function pruneSent(now = Date.now(), days = SENT_KEEP_DAYS) {
  const before = new Date(now - days * 24 * 60 * 60 * 1000).toISOString();
  return db.tx(['sent'], 'readwrite', async (t) => {
    const old = await promisedKeys(t.store('sent').index('sent_at'), IDBKeyRange.upperBound(before, true));
    await Promise.all(old.map((key) => t.del('sent', key)));
    return old.length;
  });
}

function promisedKeys(index, range) {
  return new Promise((resolve, reject) => {
    const request = index.getAllKeys(range);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
