// The waiting-forms file (server/mobile/static/transfer.js): export, parse, import elsewhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { mergeImport, newRow } from '../../server/mobile/static/outbox.js';
import { buildExport, exportFilename, parseExport } from '../../server/mobile/static/transfer.js';

const NOW = Date.UTC(2025, 2, 10, 3, 4, 5);
const ITEM_KEYS = ['attachments', 'client_id', 'created_at', 'form_id', 'form_version', 'instance_id', 'xml'];

function item(id, extra = {}) {
  return {
    client_id: id, instance_id: id, form_id: 'mchat_r', form_version: '2025010101',
    xml: `<data id="mchat_r"><child_name>Nguyễn Thị Ánh</child_name><meta><instanceID>${id}</instanceID></meta></data>`,
    attachments: {}, created_at: '2025-03-09T01:00:00.000Z', ...extra,
  };
}

function phoneA() {
  return [
    { ...newRow(item('uuid:w1', { attachments: { 'chu-ky.png': 'iVBORw0KGgo=' } }), NOW - 1000), person_id: 'p1' },
    { ...newRow(item('uuid:r1'), NOW - 5000), state: 'rejected', reason: '400.3: form closed', attempts: 1 },
    newRow(item('uuid:w2'), NOW - 3000),
    newRow(item('uuid:w3'), NOW - 2000),
  ];
}

test('the file name is the local date and time', () => {
  assert.equal(exportFilename(new Date(2024, 2, 5, 9, 7)), 'sangloc-cho-gui-20240305-0907.json');
});

test('export: every waiting and rejected row, oldest first, as contract items', async () => {
  const out = buildExport(phoneA(), { username: 'ctv1', commune: '26734', origin: 'https://s.example', now: NOW });
  const file = JSON.parse(out.text);
  assert.equal(out.count, 4);
  assert.deepEqual({ ...file, items: undefined }, {
    format: 'sangloc-outbox', version: 1, exported_at: '2025-03-10T03:04:05.000Z',
    origin: 'https://s.example', username: 'ctv1', commune: '26734', items: undefined,
  });
  assert.deepEqual(file.items.map((i) => i.instance_id), ['uuid:r1', 'uuid:w2', 'uuid:w3', 'uuid:w1']);
  for (const i of file.items) assert.deepEqual(Object.keys(i).sort(), ITEM_KEYS);
  assert.deepEqual(file.items[3].attachments, { 'chu-ky.png': 'iVBORw0KGgo=' });
  assert.equal(out.blob.type, 'application/json');
  assert.equal(out.blob.size, Buffer.byteLength(out.text, 'utf8'));
  assert.equal(await out.blob.text(), out.text);
});

test('round trip: export on one phone, import on another loses nothing and duplicates nothing', () => {
  const rowsA = phoneA();
  const parsed = parseExport(buildExport(rowsA, { now: NOW }).text);
  assert.equal(parsed.ok, true);
  assert.deepEqual(parsed.invalid, []);
  // phone B already queued w2 and already sent w3
  const outboxB = [newRow(item('uuid:w2'), NOW - 100)];
  const sentB = [{ instance_id: 'uuid:w3', status: 'accepted' }];
  const merged = mergeImport(outboxB, sentB, parsed.items, NOW);
  assert.deepEqual(merged.add.map((r) => r.instance_id), ['uuid:r1', 'uuid:w1']);
  assert.deepEqual(merged.skipped, [{ instance_id: 'uuid:w2', why: 'queued' },
    { instance_id: 'uuid:w3', why: 'sent' }]);
  const everything = [...outboxB, ...merged.add].map((r) => r.instance_id).concat(sentB.map((s) => s.instance_id));
  assert.deepEqual(everything.sort(), ['uuid:r1', 'uuid:w1', 'uuid:w2', 'uuid:w3']);
  const byId = new Map(rowsA.map((r) => [r.instance_id, r]));
  for (const added of merged.add) {
    const original = byId.get(added.instance_id);
    assert.equal(added.xml, original.xml);
    assert.deepEqual(added.attachments, original.attachments);
    assert.equal(added.state, 'waiting'); // a rejected item gets a fresh try on the new phone
  }
  // importing the same file again adds nothing
  const again = mergeImport([...outboxB, ...merged.add], sentB, parsed.items, NOW);
  assert.deepEqual(again.add, []);
  assert.equal(again.skipped.length, 4);
});

test('parse: a bad item is listed with its reason, the others are kept', () => {
  const file = { format: 'sangloc-outbox', version: 1, items: [item('uuid:ok'),
    { ...item('uuid:bad'), client_id: 'uuid:other' }, 'not an item'] };
  const parsed = parseExport(`\uFEFF${JSON.stringify(file)}`);
  assert.equal(parsed.ok, true);
  assert.deepEqual(parsed.items.map((i) => i.instance_id), ['uuid:ok']);
  assert.deepEqual(parsed.invalid.map((b) => [b.index, b.instance_id, b.problem.code]),
    [[1, 'uuid:bad', 'id_mismatch'], [2, null, 'not_object']]);
  assert.deepEqual(parsed.header, { exported_at: null, origin: null, username: null, commune: null });
});

test('parse: files that are not ours say why', () => {
  const code = (text) => parseExport(text).problem.code;
  assert.equal(code('{not json'), 'not_json');
  assert.equal(code('[]'), 'not_outbox');
  assert.equal(code('{"format": "enketo", "version": 1, "items": []}'), 'not_outbox');
  assert.equal(code('{"format": "sangloc-outbox", "version": "1", "items": []}'), 'not_outbox');
  assert.equal(code('{"format": "sangloc-outbox", "version": 2, "items": []}'), 'newer_version');
  assert.equal(code('{"format": "sangloc-outbox", "version": 1}'), 'no_items');
  assert.equal(parseExport('{"format": "sangloc-outbox", "version": 2, "items": []}').problem.message.vi,
    'Tệp được tạo bởi phiên bản ứng dụng mới hơn; hãy cập nhật ứng dụng.');
});
