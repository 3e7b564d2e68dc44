// transfer.js — the waiting-forms file (contract: "The waiting-forms file"): writing it from the
// outbox and reading one back. Pure apart from Blob (present in browsers and node).
//
// The file lets a supervisor upload a phone's waiting forms on the web app, or another phone
// import them, when this phone's storage is at risk. Items keep their instance_id, so a form
// sent from two places is one record (the second answer is `duplicate`).
//
// Exports:
//   FORMAT ("sangloc-outbox"), VERSION (1)
//   exportFilename(date) -> "sangloc-cho-gui-yyyymmdd-hhmm.json" (the phone's local time)
//   buildExport(rows, {username, commune, origin, now}) -> {text, filename, count, blob}
//       every waiting and rejected row, oldest first, as contract Items
//   parseExport(text) -> {ok: false, problem: {code, message: {vi, en}}}
//                      | {ok: true, header: {exported_at, origin, username, commune},
//                         items: [valid Item], invalid: [{index, instance_id, problem}]}
//   (then outbox.mergeImport(existing, sent, items, now) says what to add and what to skip)

import { toItem, validateItem } from './outbox.js';

export const FORMAT = 'sangloc-outbox';
export const VERSION = 1;
const EXPORTED_STATES = new Set(['waiting', 'sending', 'rejected']);

const FILE_PROBLEMS = {
  not_json: ['Tệp không phải JSON hợp lệ.', 'The file is not valid JSON.'],
  not_outbox: ['Đây không phải tệp biểu mẫu chờ gửi của sangloc.', 'This is not a sangloc waiting-forms file.'],
  newer_version: ['Tệp được tạo bởi phiên bản ứng dụng mới hơn; hãy cập nhật ứng dụng.',
    'The file was made by a newer version of the app; update the app.'],
  no_items: ['Tệp không có danh sách biểu mẫu.', 'The file has no list of forms.'],
};

function fileProblem(code) {
  const [vi, en] = FILE_PROBLEMS[code];
  return { ok: false, problem: { code, message: { vi, en } } };
}

const two = (n) => String(n).padStart(2, '0');

export function exportFilename(date) {
  const day = `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}`;
  return `sangloc-cho-gui-${day}-${two(date.getHours())}${two(date.getMinutes())}.json`;
}

export function buildExport(rows, { username = null, commune = null, origin = null, now = Date.now() } = {}) {
  const items = rows.filter((row) => EXPORTED_STATES.has(row.state))
    .sort((a, b) => (a.queued_at < b.queued_at ? -1 : a.queued_at > b.queued_at ? 1 : 0))
    .map(toItem);
  const file = { format: FORMAT, version: VERSION, exported_at: new Date(now).toISOString(),
    origin, username, commune, items };
  const text = JSON.stringify(file, null, 1);
  const blob = typeof Blob === 'function' ? new Blob([text], { type: 'application/json' }) : null;
  return { text, filename: exportFilename(new Date(now)), count: items.length, blob };
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const textOrNull = (value) => (typeof value === 'string' ? value : null);

export function parseExport(text) {
  let file;
  try {
    file = JSON.parse(String(text).replace(/^\uFEFF/, ''));
  } catch {
    return fileProblem('not_json');
  }
  if (!isObject(file) || file.format !== FORMAT || !Number.isInteger(file.version)) {
    return fileProblem('not_outbox');
  }
  if (file.version > VERSION) return fileProblem('newer_version');
  if (file.version < 1) return fileProblem('not_outbox');
  if (!Array.isArray(file.items)) return fileProblem('no_items');
  const items = [];
  const invalid = [];
  file.items.forEach((item, index) => {
    const problem = validateItem(item);
    if (problem) invalid.push({ index, instance_id: textOrNull(item?.instance_id), problem });
    else items.push(toItem(item));
  });
  const header = { exported_at: textOrNull(file.exported_at), origin: textOrNull(file.origin),
    username: textOrNull(file.username), commune: textOrNull(file.commune) };
  return { ok: true, header, items, invalid };
}
