// The offline case list (server/mobile/static/people.js): cases.csv, search, who is due.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  casesCsv, csvField, dueList, formatDate, fullPullDue, leftAfterFullPull, normalise, searchPersons,
  vietnamToday,
} from '../../server/mobile/static/people.js';

const HEADER = 'name,label,__version,dob,sex,village,last_screening,due_action,full_name,'
  + 'assigned_action,assigned_note';
const NEW_ROW = 'new,"Người mới (chưa có trong danh sách) / New person",1,,,,,,,,';
const ID = '0c5e8a1e-2b7d-4f7a-9a53-1d2e3f4a5b6c';

test('csvField quotes commas, quotes and line breaks only', () => {
  assert.equal(csvField('Nguyễn, "Bé" An'), '"Nguyễn, ""Bé"" An"');
  assert.equal(csvField('dòng 1\ndòng 2'), '"dòng 1\ndòng 2"');
  assert.equal(csvField('Thôn 2'), 'Thôn 2');
  assert.equal(csvField(null), '');
  assert.equal(csvField(3), '3');
});

test('cases.csv with nobody picked has the header and the new-person row', () => {
  assert.equal(casesCsv(null), `${HEADER}\n${NEW_ROW}\n`);
});

test('cases.csv for one person: label with the date, quoting a name with a comma and a quote', () => {
  const person = { id: ID, full_name: 'Trần "Bé", Na', dob: '2021-03-05', sex: 'female',
    village: 'Thôn 2', version: 3, commune: '26734' };
  const expected = `${HEADER}\n${NEW_ROW}\n`
    + `${ID},"Trần ""Bé"", Na (05/03/2021)",3,2021-03-05,female,Thôn 2,,,"Trần ""Bé"", Na",,\n`;
  assert.equal(casesCsv(person), expected);
});

test('cases.csv without a date of birth: the label is the name, blanks where unknown', () => {
  const person = { id: ID, full_name: 'Lê Văn Tám', dob: null, sex: null, village: null, version: 1 };
  assert.equal(casesCsv(person).split('\n')[2], `${ID},Lê Văn Tám,1,,,,,,Lê Văn Tám,,`);
});

test('cases.csv fills the next action and the work assigned to me', () => {
  const person = { id: ID, full_name: 'Hà', dob: '2020-12-31', sex: 'male', village: 'Ấp 1', version: 2 };
  const caseRow = { id: 4, person_id: ID, actions: [
    { id: 1, kind: 'rescreen', due: '2025-01-10', urgent: false, state: 'open', assigned_to: null },
    { id: 2, kind: 'referral', due: '2025-02-01', urgent: true, state: 'open', assigned_to: 7,
      instructions: 'Gọi lại, "sớm"' },
    { id: 3, kind: 'assessment', due: '2024-01-01', urgent: true, state: 'done', assigned_to: 7 },
  ] };
  const line = casesCsv(person, { caseRow, myUserId: 7 }).split('\n')[2];
  assert.equal(line, `${ID},Hà (31/12/2020),2,2020-12-31,male,Ấp 1,,referral 2025-02-01,Hà,`
    + 'referral 2025-02-01,"Gọi lại, ""sớm"""');
  const notMine = casesCsv(person, { caseRow, myUserId: 8 }).split('\n')[2];
  assert.equal(notMine, `${ID},Hà (31/12/2020),2,2020-12-31,male,Ấp 1,,referral 2025-02-01,Hà,,`);
});

test('formatDate and normalise', () => {
  assert.equal(formatDate('2021-03-05'), '05/03/2021');
  assert.equal(formatDate(null), '');
  assert.equal(normalise('  Đỗ   THỊ  Hằng '), 'do thi hang');
  assert.equal(normalise('Nguyễn Văn Ánh'), 'nguyen van anh');
});

const PERSONS = [
  { id: 'p1', full_name: 'Nguyễn Văn An' },
  { id: 'p2', full_name: 'Nguyễn Văn Anh' },
  { id: 'p3', full_name: 'Đặng Thị Đào' },
  { id: 'p4', full_name: 'Trần Văn An' },
  { id: 'p5', full_name: 'Lê Nguyên' },
];
const ids = (list) => list.map((p) => p.id);

test('search ignores diacritics and case: "nguyen van an" finds Nguyễn Văn An first', () => {
  assert.deepEqual(ids(searchPersons(PERSONS, 'nguyen van an')), ['p1', 'p2']);
  assert.deepEqual(ids(searchPersons(PERSONS, 'NGUYỄN VĂN AN')), ['p1', 'p2']);
});

test('search: đ matches d both ways', () => {
  assert.deepEqual(ids(searchPersons(PERSONS, 'dao')), ['p3']);
  assert.deepEqual(ids(searchPersons(PERSONS, 'đào')), ['p3']);
  assert.deepEqual(ids(searchPersons(PERSONS, 'dang thi')), ['p3']);
});

test('search: every word must start a name word, in any order', () => {
  assert.deepEqual(ids(searchPersons(PERSONS, 'an')), ['p1', 'p2', 'p4']);
  assert.deepEqual(ids(searchPersons(PERSONS, 'van nguyen')), ['p1', 'p2']);
  assert.deepEqual(ids(searchPersons(PERSONS, 'nguy')), ['p1', 'p2', 'p5']); // Lê Nguyên too
  assert.deepEqual(ids(searchPersons(PERSONS, 'guyen')), []);
  assert.deepEqual(ids(searchPersons(PERSONS, 'an', { limit: 2 })), ['p1', 'p2']);
});

test('search with an empty query lists everyone in Vietnamese order', () => {
  assert.deepEqual(ids(searchPersons(PERSONS, ' ')), ['p3', 'p5', 'p1', 'p2', 'p4']);
});

test('vietnamToday is the date in UTC+7', () => {
  assert.equal(vietnamToday(Date.UTC(2024, 0, 1, 16, 59)), '2024-01-01');
  assert.equal(vietnamToday(Date.UTC(2024, 0, 1, 17, 0)), '2024-01-02');
});

test('dueList: urgent, then overdue, then mine, then by due date and name', () => {
  const open = (id, kind, due, extra = {}) => ({ id, kind, due, urgent: false, state: 'open',
    assigned_to: null, ...extra });
  const cases = [
    { id: 1, person_id: 'A', actions: [open(1, 'rescreen', '2025-04-01'),
      open(2, 'referral', '2025-01-01', { state: 'done', urgent: true })] },
    { id: 2, person_id: 'B', actions: [open(3, 'followup_interview', '2025-03-01')] },
    { id: 3, person_id: 'C', actions: [open(4, 'safety_contact', '2025-03-12', { urgent: true })] },
    { id: 4, person_id: 'D', actions: [open(5, 'needs_info', '2025-03-20', { assigned_to: 7 })] },
    { id: 5, person_id: 'E', actions: [open(6, 'rescreen', '2025-01-01', { state: 'cancelled' })] },
    { id: 6, person_id: 'F', actions: [open(7, 'rescreen', '2025-04-01')] },
    { id: 7, person_id: 'G', actions: [open(8, 'rescreen', '2025-03-01'),
      open(9, 'referral', '2025-03-15', { urgent: true })] },
  ];
  const persons = new Map([['A', 'Bình'], ['B', 'An'], ['C', 'Cúc'], ['D', 'Dũng'], ['F', 'Em'],
    ['G', 'Giang']].map(([id, name]) => [id, { id, full_name: name }]));
  const list = dueList(cases, persons, { today: '2025-03-10', myUserId: 7 });
  // C and G urgent (C due earlier), B overdue, D mine, then A and F (same due: by name)
  assert.deepEqual(list.map((e) => e.person_id), ['C', 'G', 'B', 'D', 'A', 'F']);
  const g = list[1];
  assert.equal(g.action.id, 9);
  assert.deepEqual(g.actions.map((a) => a.id), [9, 8]);
  assert.deepEqual([g.urgent, g.overdue, g.mine], [true, false, false]);
  assert.deepEqual([list[2].overdue, list[3].mine], [true, true]);
  assert.equal(list[4].person.full_name, 'Bình');
  assert.deepEqual(dueList(cases, persons, { today: '2025-03-10', myUserId: 7, mineOnly: true })
    .map((e) => e.person_id), ['D']);
  assert.deepEqual(dueList(cases, persons, { today: '2025-03-10', kinds: ['rescreen'] })
    .map((e) => e.person_id), ['G', 'A', 'F']);
});

// --- the full pull: who left the collaborator's area leaves the phone ---------------------------
test('leftAfterFullPull: what the phone holds and the full pull did not return goes', () => {
  const local = {
    persons: ['p-stay', 'p-locked', 'p-merged', 'p-moved', 'p-draft'],
    cases: [{ id: 1, person_id: 'p-stay' }, { id: 2, person_id: 'p-locked' },
      { id: 3, person_id: 'p-moved' }, { id: 4, person_id: 'p-stay' }, { id: 5, person_id: 'p-draft' }],
  };
  const seen = { persons: new Set(['p-stay', 'p-new']), cases: new Set([1, 9]) };
  // p-draft is not returned either, but a draft uses it: kept until the draft is done
  assert.deepEqual(leftAfterFullPull(local, seen, new Set(['p-draft'])),
    { persons: ['p-locked', 'p-merged', 'p-moved'], cases: [2, 3, 4] });
  assert.deepEqual(leftAfterFullPull(local, { persons: new Set(local.persons), cases: new Set([1, 2, 3, 4, 5]) }),
    { persons: [], cases: [] });
});

test('fullPullDue: with no cursor (sign-in), else once the interval has passed since the last one', () => {
  const DAY = 24 * 60 * 60 * 1000;
  const now = Date.UTC(2025, 2, 10, 3, 0, 0);
  assert.equal(fullPullDue({ cursor: null, lastFull: now - 1000, now }), true);
  assert.equal(fullPullDue({ cursor: 'c', lastFull: null, now }), true);
  assert.equal(fullPullDue({ cursor: 'c', lastFull: now - DAY + 1, now }), false);
  assert.equal(fullPullDue({ cursor: 'c', lastFull: now - DAY, now }), true);
  assert.equal(fullPullDue({ cursor: 'c', lastFull: now - 5000, now, every: 5000 }), true);
  assert.equal(fullPullDue({ cursor: 'c', lastFull: now + DAY, now }), true); // a clock put back
});
