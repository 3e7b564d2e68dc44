// db.js — the app's IndexedDB database `sangloc`: its stores and a thin promise wrapper.
//
// Stores (the contract's "app's storage"):
//   meta     key -> value (out-of-line keys): token, me, cursor, last_sync, persist_granted
//   forms    key "form_id@version" (formKey) -> {form_id, version, title, hash, xml,
//            media: {name: {hash}}, current, case_list}
//   media    key "form_id@version/name" (mediaKey) -> Blob
//   persons  keyPath id;  cases keyPath id
//   drafts   keyPath instance_id -> {instance_id, form_id, form_version, person_id, xml,
//            updated_at, created_at}
//   outbox   keyPath instance_id -> outbox row (outbox.js)
//   sent     keyPath instance_id -> {instance_id, form_id, person_id, status, score, message,
//            sent_at}; index "sent_at"
//
// Exports:
//   DB_NAME, DB_VERSION, STORES, formKey(form_id, version), mediaKey(form_id, version, name)
//   openDb() -> Promise<IDBDatabase> (opened once, reused; closed when another tab upgrades)
//   get(store, key), put(store, value, key?), del(store, key), all(store), keys(store),
//   count(store), clear(store) -> Promises
//   getMeta(key), setMeta(key, value)
//   tx(stores, mode, async (t) => …) -> the callback's result once the transaction COMMITTED;
//       t = {get, put, del, all, keys, count, clear}(store, …) bound to that one transaction.
//       Await only t's calls inside the callback (awaiting anything else, e.g. fetch, lets
//       IndexedDB commit early). Rejects, with nothing written, when any request fails or
//       the callback throws.
//   deleteDb() -> removes the whole database (sign-out after the outbox is empty)

export const DB_NAME = 'sangloc';
export const DB_VERSION = 1;
export const STORES = ['meta', 'forms', 'media', 'persons', 'cases', 'drafts', 'outbox', 'sent'];

const KEY_PATHS = { persons: 'id', cases: 'id', drafts: 'instance_id', outbox: 'instance_id',
  sent: 'instance_id' };

export const formKey = (formId, version) => `${formId}@${version}`;
export const mediaKey = (formId, version, name) => `${formKey(formId, version)}/${name}`;

let opening = null;

function promised(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function upgrade(db) {
  for (const name of STORES) {
    if (db.objectStoreNames.contains(name)) continue;
    const store = db.createObjectStore(name, KEY_PATHS[name] ? { keyPath: KEY_PATHS[name] } : undefined);
    if (name === 'sent') store.createIndex('sent_at', 'sent_at');
  }
}

export function openDb() {
  if (opening) return opening;
  opening = new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => {
      const db = request.result;
      db.onversionchange = () => { db.close(); opening = null; };
      db.onclose = () => { opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
    request.onblocked = () => { /* another tab holds an older version open; wait for it */ };
  });
  return opening;
}

function helpers(transaction) {
  const store = (name) => transaction.objectStore(name);
  return {
    get: (name, key) => promised(store(name).get(key)),
    put: (name, value, key) => promised(key === undefined ? store(name).put(value) : store(name).put(value, key)),
    del: (name, key) => promised(store(name).delete(key)),
    all: (name, query) => promised(store(name).getAll(query)),
    keys: (name, query) => promised(store(name).getAllKeys(query)),
    count: (name, query) => promised(store(name).count(query)),
    clear: (name) => promised(store(name).clear()),
    store,
  };
}

export async function tx(stores, mode, work) {
  const db = await openDb();
  const transaction = db.transaction(stores, mode);
  const done = new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error);
    transaction.onabort = () => reject(transaction.error ?? new Error('transaction aborted'));
  });
  let result;
  try {
    result = await work(helpers(transaction));
  } catch (error) {
    try { transaction.abort(); } catch { /* already finished */ }
    done.catch(() => {});
    throw error;
  }
  await done;
  return result;
}

const one = (name, mode, call) => tx([name], mode, (t) => call(t));

export const get = (name, key) => one(name, 'readonly', (t) => t.get(name, key));
export const put = (name, value, key) => one(name, 'readwrite', (t) => t.put(name, value, key));
export const del = (name, key) => one(name, 'readwrite', (t) => t.del(name, key));
export const all = (name, query) => one(name, 'readonly', (t) => t.all(name, query));
export const keys = (name, query) => one(name, 'readonly', (t) => t.keys(name, query));
export const count = (name, query) => one(name, 'readonly', (t) => t.count(name, query));
export const clear = (name) => one(name, 'readwrite', (t) => t.clear(name));

export const getMeta = (key) => get('meta', key);
export const setMeta = (key, value) => put('meta', value, key);

export async function deleteDb() {
  if (opening) (await opening).close();
  opening = null;
  await promised(indexedDB.deleteDatabase(DB_NAME));
}
