// outbox.js — the outbox's rules, pure: no IndexedDB, no fetch, no DOM (runs in node's tests).
//
// Decides what to queue, what to send next, what the server's answer does to each item and
// what an imported file adds. The caller (sync.js, the UI) reads and writes IndexedDB.
//
// An outbox row (store `outbox`, key instance_id) is the file Item of the contract
//   {client_id, instance_id, form_id, form_version, xml, attachments: {name: base64}, created_at}
// plus {state: "waiting"|"sending"|"rejected", attempts, next_try_at (ms since epoch, a number),
//   reason (null or the server's reason), queued_at (ISO), person_id (null or the person's id),
//   username (who filled it: the user signed in when it was queued; an imported one keeps the
//   file's username), sender (the account that may send it: who queued it, who imported it, or
//   who took it over after a confirm)}. A row of another account is never sent silently.
// "sending" is never written by sync.js; a row found in it (an old app) is treated as waiting.
//
// Exports:
//   MAX_BATCH (100), MAX_BATCH_BYTES (8 MB), BACKOFF_BASE_MS (5 s), BACKOFF_CAP_MS (15 min)
//   validateItem(item) -> null | {code, field, message: {vi, en}}
//   newRow(item, now, extra?) -> an outbox row, waiting, due at once (extra: person_id, username, sender)
//   sendableBy(row, username) -> may `username` send it (its sender, else who filled it; a row
//       with neither, from an older app, by anyone)
//   othersWaiting(rows, username) -> [{username: who filled, count, ids}] the rows `username`
//       may not send, by who filled them
//   countRows(rows, username) -> {waiting, rejected, foreign, others}: waiting and rejected of
//       the rows `username` may send; foreign = how many others' rows (othersWaiting)
//   adoptRows(rows, filledBy, username, now) -> the rows filledBy filled that username may not
//       send, now sent by username (waiting ones due at once)
//   enqueue({outbox, sent}, item, now) -> {action: "add", row} | {action: "skip", why: "queued"|"sent"}
//                                        | {action: "invalid", problem}
//   isWaiting(row), nextBatch(rows, now, max?, maxBytes?) -> rows to send, oldest first
//   itemBytes(row) -> the estimated JSON size of the row's submission
//   nextWakeAt(rows) -> the earliest next_try_at of waiting rows, or null
//   backoff(attempts, random?) -> ms to wait after the attempts-th failed try
//   applyResults(batch, results|null, now, random?) -> {sent: [sentRow], rejected: [row], retry: [row]}
//       a "rejected" answer whose reason has a 5xx code (500.1, 503.1: a server fault) is a retry
//   serverFault(result) -> true when a result's reason starts with a 5xx code
//   retryRow(row, now) -> a rejected row put back to waiting (the collaborator asked)
//   mergeImport(existingRows|ids, sentRows|ids, fileItems, now, {username (the file's), sender (the importer)}?)
//       -> {add: [row], skipped: [{instance_id, why}], invalid: [{index, instance_id, problem}]}
//   toItem(row) -> the contract's file Item (no state fields)

export const MAX_BATCH = 100;
export const MAX_BATCH_BYTES = 8 * 1024 * 1024;
export const BACKOFF_BASE_MS = 5000;
export const BACKOFF_CAP_MS = 15 * 60 * 1000;
const JITTER = 0.2; // a delay is its nominal value ±20 %
const MAX_CLIENT_ID = 200; // SyncItemSchema.client_id
const ITEM_OVERHEAD = 200; // JSON keys, quotes and commas of one submission
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const FILE_NAME = /^[^/\\\u0000-\u001f]{1,255}$/;

const MESSAGES = {
  not_object: ['mục không phải là một đối tượng JSON', 'the item is not a JSON object'],
  missing: ['thiếu trường "%s"', 'the field "%s" is missing or empty'],
  too_long: ['trường "%s" quá dài', 'the field "%s" is too long'],
  id_mismatch: ['client_id khác instance_id', 'client_id differs from instance_id'],
  id_not_in_xml: ['mã biểu mẫu (instanceID) không có trong XML', 'the XML does not contain the instance id'],
  bad_date: ['ngày tạo không hợp lệ', 'created_at is not a date'],
  bad_attachments: ['tệp đính kèm không hợp lệ', 'the attachments are not {name: base64}'],
  bad_attachment: ['tệp đính kèm "%s" không hợp lệ', 'the attachment "%s" is not valid base64'],
};

function problem(code, field = null) {
  const [vi, en] = MESSAGES[code];
  const fill = (text) => text.replace('%s', field ?? '');
  return { code, field, message: { vi: fill(vi), en: fill(en) } };
}

function nonEmptyString(value) {
  return typeof value === 'string' && value.length > 0;
}

/** Why `item` (a contract Item) cannot be queued, or null when it can. */
export function validateItem(item) {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return problem('not_object');
  for (const field of ['instance_id', 'client_id', 'form_id', 'xml']) {
    if (!nonEmptyString(item[field])) return problem('missing', field);
  }
  if (typeof item.form_version !== 'string') return problem('missing', 'form_version');
  if (item.instance_id.length > MAX_CLIENT_ID) return problem('too_long', 'instance_id');
  if (item.client_id !== item.instance_id) return problem('id_mismatch', 'client_id');
  if (!item.xml.includes(item.instance_id)) return problem('id_not_in_xml', 'xml');
  if (!nonEmptyString(item.created_at) || Number.isNaN(Date.parse(item.created_at))) {
    return problem('bad_date', 'created_at');
  }
  const files = item.attachments ?? {};
  if (files === null || typeof files !== 'object' || Array.isArray(files)) {
    return problem('bad_attachments', 'attachments');
  }
  for (const [name, data] of Object.entries(files)) {
    if (!FILE_NAME.test(name) || typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data)) {
      return problem('bad_attachment', name);
    }
  }
  return null;
}

/** The file Item of a row: only the contract's fields. */
export function toItem(row) {
  return {
    client_id: row.instance_id,
    instance_id: row.instance_id,
    form_id: row.form_id,
    form_version: row.form_version,
    xml: row.xml,
    attachments: { ...(row.attachments ?? {}) },
    created_at: row.created_at,
  };
}

/** A new outbox row for `item`: waiting, due at once. `extra` may carry person_id. */
export function newRow(item, now, extra = {}) {
  return {
    ...toItem(item),
    person_id: extra.person_id ?? item.person_id ?? null,
    state: 'waiting',
    attempts: 0,
    next_try_at: now,
    reason: null,
    queued_at: new Date(now).toISOString(),
    username: extra.username ?? null,
    sender: extra.sender ?? extra.username ?? null,
  };
}

/** May `username` send `row`? Its sender, else who filled it; a row with neither (an older app's) anyone. */
export function sendableBy(row, username) {
  const owner = row.sender ?? row.username ?? null;
  return owner === null || owner === username;
}

/** The rows `username` may not send, by who filled them (sorted by that name). */
export function othersWaiting(rows, username) {
  const groups = new Map();
  for (const row of [...rows].sort(byAge)) {
    if (sendableBy(row, username)) continue;
    const who = row.username ?? row.sender;
    if (!groups.has(who)) groups.set(who, { username: who, count: 0, ids: [] });
    const group = groups.get(who);
    group.count += 1;
    group.ids.push(row.instance_id);
  }
  return [...groups.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

/** The outbox as `username` sees it: their waiting and rejected rows, and the others' apart. */
export function countRows(rows, username) {
  const own = rows.filter((row) => sendableBy(row, username));
  const waiting = own.filter(isWaiting).length;
  return { waiting, rejected: own.length - waiting, foreign: rows.length - own.length,
    others: othersWaiting(rows, username) };
}

/** `filledBy`'s rows handed to `username` (who confirmed the server will record them as sender). */
export function adoptRows(rows, filledBy, username, now) {
  return rows.filter((row) => !sendableBy(row, username) && (row.username ?? row.sender) === filledBy)
    .sort(byAge)
    .map((row) => ({ ...row, sender: username, ...(isWaiting(row) ? { next_try_at: now } : {}) }));
}

function idSet(rowsOrIds) {
  if (rowsOrIds instanceof Set) return rowsOrIds;
  const ids = new Set();
  for (const entry of rowsOrIds ?? []) ids.add(typeof entry === 'string' ? entry : entry.instance_id);
  return ids;
}

/** Queue `item` unless its instance_id is already queued or sent (one id end to end). */
export function enqueue(state, item, now, extra = {}) {
  const bad = validateItem(item);
  if (bad) return { action: 'invalid', problem: bad };
  if (idSet(state.outbox).has(item.instance_id)) return { action: 'skip', why: 'queued' };
  if (idSet(state.sent).has(item.instance_id)) return { action: 'skip', why: 'sent' };
  return { action: 'add', row: newRow(item, now, extra) };
}

export function isWaiting(row) {
  return row.state === 'waiting' || row.state === 'sending';
}

function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code < 0xdc00) { bytes += 4; i += 1; } // a surrogate pair
    else bytes += 3;
  }
  return bytes;
}

/** An estimate of the bytes a row adds to a sync request (XML escaping ignored: a bound, not a count). */
export function itemBytes(row) {
  let bytes = ITEM_OVERHEAD + utf8Length(row.instance_id) + utf8Length(row.xml);
  for (const [name, data] of Object.entries(row.attachments ?? {})) bytes += name.length + data.length + 6;
  return bytes;
}

function byAge(a, b) {
  if (a.queued_at !== b.queued_at) return a.queued_at < b.queued_at ? -1 : 1;
  return a.instance_id < b.instance_id ? -1 : a.instance_id > b.instance_id ? 1 : 0;
}

/**
 * The rows to send now: waiting, next_try_at <= now, oldest first, at most `max` and at most
 * `maxBytes` in all. The oldest due row always goes, even when alone it is over the budget
 * (else it would block the queue); the batch stops at the first row that does not fit, so
 * the order is kept.
 */
export function nextBatch(rows, now, max = MAX_BATCH, maxBytes = MAX_BATCH_BYTES) {
  const due = rows.filter((row) => isWaiting(row) && (row.next_try_at ?? 0) <= now).sort(byAge);
  const batch = [];
  let bytes = 0;
  for (const row of due) {
    if (batch.length >= max) break;
    const size = itemBytes(row);
    if (batch.length > 0 && bytes + size > maxBytes) break;
    batch.push(row);
    bytes += size;
  }
  return batch;
}

/** When the next waiting row becomes due (ms since epoch), or null when nothing waits. */
export function nextWakeAt(rows) {
  let wake = null;
  for (const row of rows) {
    if (isWaiting(row) && (wake === null || (row.next_try_at ?? 0) < wake)) wake = row.next_try_at ?? 0;
  }
  return wake;
}

/**
 * The delay after the `attempts`-th failed try: 5 s, 10 s, 20 s … doubled each time, capped at
 * 15 min, then spread by ±20 % (random in [0, 1)) so phones that failed together do not
 * retry together. Never above the cap.
 */
export function backoff(attempts, random = Math.random) {
  const n = Math.max(1, Math.floor(attempts));
  const nominal = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(n - 1, 30));
  const spread = 1 - JITTER + 2 * JITTER * random();
  return Math.min(BACKOFF_CAP_MS, Math.round(nominal * spread));
}

function retryLater(row, now, random) {
  const attempts = (row.attempts ?? 0) + 1;
  return { ...row, state: 'waiting', attempts, next_try_at: now + backoff(attempts, random) };
}

function sentRow(row, result, now) {
  return {
    instance_id: row.instance_id,
    form_id: row.form_id,
    person_id: row.person_id ?? null,
    status: result.status,
    score: result.score ?? null,
    message: result.message ?? null,
    sent_at: new Date(now).toISOString(),
  };
}

/** A "rejected" answer whose reason's code is 5xx ("500.1: …"): the server failed, not the form. */
export function serverFault(result) {
  return /^5\d\d\.\d+\b/.test(String(result?.reason ?? ''));
}

/**
 * What the answer to one sync call does to its batch. `results` is the server's `results`
 * list, or null when the call answered nothing (5xx, network failure, timeout).
 * accepted/duplicate -> `sent` (the row leaves the outbox); rejected -> `rejected` (kept, with
 * the reason, not retried by itself) unless its reason's code is 5xx (500.1: the server failed on
 * that item: it waits like an unanswered one); no result (or an unknown status) -> `retry` with one more
 * attempt and a back-off (one random spread for the call, so its rows go together again).
 */
export function applyResults(batch, results, now, random = Math.random) {
  const draw = random();
  const once = () => draw; // one spread for the whole call: its unanswered rows retry together
  const answers = new Map();
  for (const result of results ?? []) {
    if (result && typeof result.client_id === 'string' && !answers.has(result.client_id)) {
      answers.set(result.client_id, result);
    }
  }
  const outcome = { sent: [], rejected: [], retry: [] };
  for (const row of batch) {
    const result = answers.get(row.instance_id);
    const status = result?.status;
    if (status === 'accepted' || status === 'duplicate') {
      outcome.sent.push(sentRow(row, result, now));
    } else if (status === 'rejected' && !serverFault(result)) {
      outcome.rejected.push({
        ...row, state: 'rejected', attempts: (row.attempts ?? 0) + 1,
        reason: result.reason || result.message || 'rejected', rejected_at: new Date(now).toISOString(),
      });
    } else {
      outcome.retry.push(retryLater(row, now, once));
    }
  }
  return outcome;
}

/** A row rejected for a whole-call reason (e.g. the request was refused as too large). */
export function rejectRow(row, reason, now) {
  return { ...row, state: 'rejected', attempts: (row.attempts ?? 0) + 1, reason,
    rejected_at: new Date(now).toISOString() };
}

/** A rejected row the collaborator asked to send again: waiting, due at once, reason kept until answered. */
export function retryRow(row, now) {
  return { ...row, state: 'waiting', next_try_at: now };
}

/**
 * What an imported file's items add to this outbox: `add` (new waiting rows), `skipped`
 * (already queued, already sent, or repeated in the file) and `invalid` (with the reason).
 */
export function mergeImport(existing, sent, fileItems, now, extra = {}) {
  const queued = idSet(existing);
  const done = idSet(sent);
  const seen = new Set();
  const result = { add: [], skipped: [], invalid: [] };
  (fileItems ?? []).forEach((item, index) => {
    const bad = validateItem(item);
    const id = item && typeof item.instance_id === 'string' ? item.instance_id : null;
    if (bad) result.invalid.push({ index, instance_id: id, problem: bad });
    else if (queued.has(id)) result.skipped.push({ instance_id: id, why: 'queued' });
    else if (done.has(id)) result.skipped.push({ instance_id: id, why: 'sent' });
    else if (seen.has(id)) result.skipped.push({ instance_id: id, why: 'repeated' });
    else {
      seen.add(id);
      result.add.push(newRow(item, now, { username: extra.username ?? null, sender: extra.sender ?? null }));
    }
  });
  return result;
}
