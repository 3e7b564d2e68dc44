// The outbox's rules (server/mobile/static/outbox.js): queueing, batches, answers, back-off, import.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  adoptRows, applyResults, backoff, countRows, enqueue, itemBytes, mergeImport, nextBatch, nextWakeAt,
  newRow, othersWaiting, retryRow, sendableBy, validateItem,
} from '../../server/mobile/static/outbox.js';

const NOW = Date.UTC(2025, 2, 10, 3, 0, 0); // 10/03/2025 10:00 in Vietnam
const half = () => 0.5;

function item(id, extra = {}) {
  return {
    client_id: id, instance_id: id, form_id: 'mchat_r', form_version: '2025010101',
    xml: `<data id="mchat_r"><meta><instanceID>${id}</instanceID></meta></data>`,
    attachments: {}, created_at: '2025-03-10T02:00:00.000Z', ...extra,
  };
}

function row(id, queuedAt, extra = {}) {
  return { ...newRow(item(id), NOW), queued_at: queuedAt, ...extra };
}

test('enqueue adds a new form as a waiting row due at once', () => {
  const answer = enqueue({ outbox: [], sent: [] }, item('uuid:a'), NOW, { person_id: 'p-1', username: 'ctv-an' });
  assert.equal(answer.action, 'add');
  assert.deepEqual(answer.row, {
    ...item('uuid:a'), person_id: 'p-1', state: 'waiting', attempts: 0, next_try_at: NOW,
    reason: null, queued_at: '2025-03-10T03:00:00.000Z', username: 'ctv-an', sender: 'ctv-an',
  });
});

// --- who filled a waiting form, and who may send it ------------------------------------------
const mine = (id, extra = {}) => row(id, 'x', { username: 'ctv-an', sender: 'ctv-an', ...extra });

test('a row is sent only by the account that queued, imported or took it over', () => {
  assert.equal(sendableBy(mine('uuid:a'), 'ctv-an'), true);
  assert.equal(sendableBy(mine('uuid:a'), 'ctv-binh'), false);
  // imported by ctv-binh from ctv-an's file: filled by ctv-an, sent by ctv-binh
  assert.equal(sendableBy(mine('uuid:a', { sender: 'ctv-binh' }), 'ctv-binh'), true);
  // a row of an older app, with no names: anyone signed in (it cannot be told apart)
  assert.equal(sendableBy(row('uuid:a', 'x'), 'ctv-binh'), true);
  assert.equal(sendableBy(row('uuid:a', 'x', { username: 'ctv-an' }), 'ctv-binh'), false);
});

test('othersWaiting groups the rows another user filled, by who filled them; countRows counts apart', () => {
  const rows = [
    mine('uuid:a'), mine('uuid:b', { state: 'rejected' }), mine('uuid:c'),
    row('uuid:d', 'x', { username: 'ctv-chi', sender: 'ctv-chi' }),
    row('uuid:e', 'x', { username: 'ctv-an', sender: 'ctv-binh' }), // imported by ctv-binh
    row('uuid:f', 'x', { username: 'ctv-binh', sender: 'ctv-binh', state: 'rejected' }),
    row('uuid:g', 'x', { username: 'ctv-binh', sender: 'ctv-binh' }),
  ];
  assert.deepEqual(othersWaiting(rows, 'ctv-binh'), [
    { username: 'ctv-an', count: 3, ids: ['uuid:a', 'uuid:b', 'uuid:c'] },
    { username: 'ctv-chi', count: 1, ids: ['uuid:d'] },
  ]);
  assert.deepEqual(countRows(rows, 'ctv-binh'), { waiting: 2, rejected: 1, foreign: 4,
    others: othersWaiting(rows, 'ctv-binh') });
  // nothing is sent of the others' rows: the batch holds only uuid:e and uuid:g
  const sendable = rows.filter((r) => sendableBy(r, 'ctv-binh'));
  assert.deepEqual(nextBatch(sendable, NOW).map((r) => r.instance_id), ['uuid:e', 'uuid:g']);
});

test('adoptRows hands the rows one user filled to the account signed in, due at once', () => {
  const rows = [mine('uuid:a', { next_try_at: NOW + 9000 }), mine('uuid:b', { state: 'rejected' }),
    row('uuid:d', 'x', { username: 'ctv-chi', sender: 'ctv-chi' }), row('uuid:g', 'x', { username: 'ctv-binh', sender: 'ctv-binh' })];
  const adopted = adoptRows(rows, 'ctv-an', 'ctv-binh', NOW);
  assert.deepEqual(adopted.map((r) => [r.instance_id, r.username, r.sender, r.state, r.next_try_at]),
    [['uuid:a', 'ctv-an', 'ctv-binh', 'waiting', NOW], ['uuid:b', 'ctv-an', 'ctv-binh', 'rejected', NOW]]);
});

test('mergeImport keeps who filled the file and records the importer as the sender', () => {
  const result = mergeImport([], [], [item('uuid:a')], NOW, { username: 'ctv-an', sender: 'ctv-binh' });
  assert.deepEqual([result.add[0].username, result.add[0].sender], ['ctv-an', 'ctv-binh']);
});

test('enqueue skips an instance already queued or already sent', () => {
  const state = { outbox: [row('uuid:a', 'x')], sent: [{ instance_id: 'uuid:b' }] };
  assert.deepEqual(enqueue(state, item('uuid:a'), NOW), { action: 'skip', why: 'queued' });
  assert.deepEqual(enqueue(state, item('uuid:b'), NOW), { action: 'skip', why: 'sent' });
  assert.deepEqual(enqueue({ outbox: ['uuid:c'], sent: new Set() }, item('uuid:c'), NOW),
    { action: 'skip', why: 'queued' });
});

test('enqueue refuses a malformed item with the reason', () => {
  const cases = [
    [item('uuid:a', { client_id: 'uuid:z' }), 'id_mismatch', 'client_id'],
    [item('uuid:a', { xml: '<data/>' }), 'id_not_in_xml', 'xml'],
    [item('uuid:a', { form_id: '' }), 'missing', 'form_id'],
    [item('uuid:a', { form_version: undefined }), 'missing', 'form_version'],
    [item('uuid:a', { created_at: 'yesterday' }), 'bad_date', 'created_at'],
    [item('uuid:a', { attachments: { 'a.jpg': 'not base64!' } }), 'bad_attachment', 'a.jpg'],
    [item('uuid:a', { attachments: { '../a.jpg': 'AAAA' } }), 'bad_attachment', '../a.jpg'],
    [item('uuid:a', { attachments: [] }), 'bad_attachments', 'attachments'],
  ];
  for (const [bad, code, field] of cases) {
    const answer = enqueue({ outbox: [], sent: [] }, bad, NOW);
    assert.equal(answer.action, 'invalid');
    assert.equal(answer.problem.code, code);
    assert.equal(answer.problem.field, field);
  }
  assert.equal(validateItem(null).code, 'not_object');
  assert.equal(validateItem(item('u'.repeat(201))).code, 'too_long');
  assert.equal(validateItem(item('uuid:a', { attachments: { 'a.jpg': 'AAAA', 'b.png': 'AA==' } })), null);
  assert.equal(enqueue({ outbox: [], sent: [] }, item('uuid:a', { form_id: '' }), NOW).problem.message.vi,
    'thiếu trường "form_id"');
});

test('nextBatch sends due waiting rows oldest first', () => {
  const rows = [
    row('uuid:a', '2025-03-10T02:02:00.000Z'),
    row('uuid:b', '2025-03-10T02:01:00.000Z'),
    row('uuid:c', '2025-03-10T02:03:00.000Z', { state: 'sending' }), // left by an old app: resent
    row('uuid:d', '2025-03-10T02:00:00.000Z', { next_try_at: NOW + 1 }), // backing off
    row('uuid:e', '2025-03-10T01:00:00.000Z', { state: 'rejected' }),
    row('uuid:f', '2025-03-10T02:01:00.000Z'), // same time as b: by id
  ];
  assert.deepEqual(nextBatch(rows, NOW).map((r) => r.instance_id), ['uuid:b', 'uuid:f', 'uuid:a', 'uuid:c']);
  assert.deepEqual(nextBatch(rows, NOW + 1).map((r) => r.instance_id),
    ['uuid:d', 'uuid:b', 'uuid:f', 'uuid:a', 'uuid:c']);
});

test('nextBatch takes at most 100 rows', () => {
  const rows = Array.from({ length: 150 }, (_, i) => row(`uuid:${String(i).padStart(3, '0')}`,
    `2025-03-10T02:${String(i % 60).padStart(2, '0')}:00.000Z`));
  const batch = nextBatch(rows, NOW);
  assert.equal(batch.length, 100);
  assert.equal(nextBatch(rows, NOW, 7).length, 7);
});

test('itemBytes counts UTF-8 bytes of the xml and the attachments', () => {
  // 200 overhead + 1 (id) + 3 ("ệ") + 1 ("a") + 4 (emoji) + ("p.jpg" 5 + "AAAA" 4 + 6)
  assert.equal(itemBytes({ instance_id: 'u', xml: 'ệa😀', attachments: { 'p.jpg': 'AAAA' } }), 224);
});

test('nextBatch keeps the batch under the byte budget, and a big row still goes alone', () => {
  const big = (id, at) => ({ ...row(id, at), xml: `${id}${'x'.repeat(994)}` }); // 1000 chars
  const rows = [big('uuid:1', '1'), big('uuid:2', '2'), big('uuid:3', '3')];
  // each is 200 + 6 + 1000 = 1206 bytes: two fit in 2500, three (3618) do not
  assert.equal(itemBytes(rows[0]), 1206);
  assert.deepEqual(nextBatch(rows, NOW, 100, 2500).map((r) => r.instance_id), ['uuid:1', 'uuid:2']);
  assert.deepEqual(nextBatch(rows, NOW, 100, 100).map((r) => r.instance_id), ['uuid:1']);
});

test('backoff doubles from 5 s, is capped at 15 min, spreads ±20 %', () => {
  assert.deepEqual([1, 2, 3, 4, 8].map((n) => backoff(n, half)), [5000, 10000, 20000, 40000, 640000]);
  assert.equal(backoff(9, half), 900000); // 1,280,000 nominal, capped
  assert.equal(backoff(50, half), 900000);
  assert.equal(backoff(0, half), 5000);
  assert.equal(backoff(1, () => 0), 4000);
  assert.equal(backoff(1, () => 0.75), 5500);
  assert.equal(backoff(9, () => 0), 720000);
  assert.equal(backoff(9, () => 0.99), 900000);
  for (let n = 1; n <= 12; n += 1) {
    const nominal = Math.min(900000, 5000 * 2 ** (n - 1));
    for (const r of [0, 0.25, 0.5, 0.999]) {
      const delay = backoff(n, () => r);
      assert.ok(delay >= 0.8 * nominal && delay <= Math.min(900000, 1.2 * nominal), `${n} ${r} ${delay}`);
    }
  }
});

test('applyResults: accepted and duplicate are sent, rejected kept, unanswered retried', () => {
  const batch = ['a', 'b', 'c', 'd', 'e'].map((id) => row(`uuid:${id}`, 'x', { person_id: `p-${id}` }));
  const score = { instrument: 'mchat_r', total: 9, band: 'high', flags: [], next_action: 'referral',
    due: '2025-03-17', message: 'Nguy cơ cao' };
  const results = [
    { client_id: 'uuid:a', status: 'accepted', reason: null, score, message: 'Nguy cơ cao' },
    { client_id: 'uuid:b', status: 'duplicate', reason: null, score: null, message: 'Đã nhận' },
    { client_id: 'uuid:c', status: 'rejected', reason: '400.3: the form is closed', score: null, message: null },
    { client_id: 'uuid:e', status: 'later', reason: null },
    { client_id: 'uuid:zzz', status: 'accepted' }, // not ours
    { client_id: 'uuid:a', status: 'rejected', reason: 'second answer' }, // the first one counts
  ];
  const outcome = applyResults(batch, results, NOW, half);
  assert.deepEqual(outcome.sent, [
    { instance_id: 'uuid:a', form_id: 'mchat_r', person_id: 'p-a', status: 'accepted', score,
      message: 'Nguy cơ cao', sent_at: '2025-03-10T03:00:00.000Z' },
    { instance_id: 'uuid:b', form_id: 'mchat_r', person_id: 'p-b', status: 'duplicate', score: null,
      message: 'Đã nhận', sent_at: '2025-03-10T03:00:00.000Z' },
  ]);
  assert.equal(outcome.rejected.length, 1);
  assert.equal(outcome.rejected[0].instance_id, 'uuid:c');
  assert.equal(outcome.rejected[0].state, 'rejected');
  assert.equal(outcome.rejected[0].reason, '400.3: the form is closed');
  assert.equal(outcome.rejected[0].attempts, 1);
  assert.equal(outcome.rejected[0].xml, batch[2].xml); // kept whole, to retry or export
  assert.deepEqual(outcome.retry.map((r) => [r.instance_id, r.state, r.attempts, r.next_try_at]),
    [['uuid:d', 'waiting', 1, NOW + 5000], ['uuid:e', 'waiting', 1, NOW + 5000]]);
});

test('applyResults with no answer (5xx, network) keeps every row with one more attempt', () => {
  const batch = [row('uuid:a', 'x'), row('uuid:b', 'x', { attempts: 2 })];
  const outcome = applyResults(batch, null, NOW, half);
  assert.deepEqual(outcome.sent, []);
  assert.deepEqual(outcome.rejected, []);
  assert.deepEqual(outcome.retry.map((r) => [r.instance_id, r.attempts, r.next_try_at]),
    [['uuid:a', 1, NOW + 5000], ['uuid:b', 3, NOW + 20000]]);
});

test('applyResults draws one spread per call: its unanswered rows retry together', () => {
  const draws = [0, 0.999];
  const random = () => draws.shift();
  const batch = [row('uuid:a', 'x'), row('uuid:b', 'x'), row('uuid:c', 'x', { attempts: 1 })];
  const outcome = applyResults(batch, [], NOW, random);
  // one draw (0): 5 s × 0.8 for the first try, 10 s × 0.8 for the second
  assert.deepEqual(outcome.retry.map((r) => r.next_try_at), [NOW + 4000, NOW + 4000, NOW + 8000]);
  assert.deepEqual(draws, [0.999]);
});

test('applyResults: an item failed by a server fault (5xx reason) waits with back-off, not rejected', () => {
  const batch = [row('uuid:a', 'x'), row('uuid:b', 'x', { attempts: 1 }), row('uuid:c', 'x'), row('uuid:d', 'x')];
  const results = [
    { client_id: 'uuid:a', status: 'rejected', reason: '500.1: an error on the server', message: null },
    { client_id: 'uuid:b', status: 'rejected', reason: '503.1: the file is unavailable', message: null },
    { client_id: 'uuid:c', status: 'rejected', reason: '400.3: the form is closed', message: null },
    { client_id: 'uuid:d', status: 'rejected', reason: '5 forms', message: null }, // not a code
  ];
  const outcome = applyResults(batch, results, NOW, half);
  assert.deepEqual(outcome.rejected.map((r) => r.instance_id), ['uuid:c', 'uuid:d']);
  // a: first failed try, 5 s; b: second, 10 s; both still waiting, reason not stored as a rejection
  assert.deepEqual(outcome.retry.map((r) => [r.instance_id, r.state, r.attempts, r.next_try_at]),
    [['uuid:a', 'waiting', 1, NOW + 5000], ['uuid:b', 'waiting', 2, NOW + 10000]]);
});

test('a rejection without a reason keeps the message', () => {
  const outcome = applyResults([row('uuid:a', 'x')],
    [{ client_id: 'uuid:a', status: 'rejected', reason: null, message: 'Biểu mẫu đã đóng' }], NOW, half);
  assert.equal(outcome.rejected[0].reason, 'Biểu mẫu đã đóng');
});

test('retryRow puts a rejected row back to waiting, due now', () => {
  const rejected = row('uuid:a', 'x', { state: 'rejected', attempts: 3, next_try_at: 0, reason: 'r' });
  const back = retryRow(rejected, NOW + 60000);
  assert.equal(back.state, 'waiting');
  assert.equal(back.next_try_at, NOW + 60000);
  assert.equal(back.attempts, 3);
  assert.deepEqual(nextBatch([back], NOW + 60000).map((r) => r.instance_id), ['uuid:a']);
});

test('nextWakeAt is the earliest retry of a waiting row', () => {
  const rows = [row('uuid:a', 'x', { next_try_at: NOW + 9000 }), row('uuid:b', 'x', { next_try_at: NOW + 4000 }),
    row('uuid:c', 'x', { state: 'rejected', next_try_at: NOW + 1 })];
  assert.equal(nextWakeAt(rows), NOW + 4000);
  assert.equal(nextWakeAt([rows[2]]), null);
});

test('mergeImport adds new items, skips queued, sent and repeated, lists bad ones', () => {
  const file = [item('uuid:x'), item('uuid:y'), item('uuid:z'), item('uuid:z'),
    item('uuid:bad', { xml: '<data/>' }), item('uuid:w')];
  const result = mergeImport([row('uuid:x', 'x')], ['uuid:y'], file, NOW);
  assert.deepEqual(result.add.map((r) => [r.instance_id, r.state, r.attempts, r.next_try_at]),
    [['uuid:z', 'waiting', 0, NOW], ['uuid:w', 'waiting', 0, NOW]]);
  assert.deepEqual(result.skipped, [
    { instance_id: 'uuid:x', why: 'queued' }, { instance_id: 'uuid:y', why: 'sent' },
    { instance_id: 'uuid:z', why: 'repeated' },
  ]);
  assert.equal(result.invalid.length, 1);
  assert.equal(result.invalid[0].index, 4);
  assert.equal(result.invalid[0].instance_id, 'uuid:bad');
  assert.equal(result.invalid[0].problem.code, 'id_not_in_xml');
});
