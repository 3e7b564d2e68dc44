// people.js — the offline case list, pure (no IndexedDB, no DOM): the one-person cases.csv the
// form engine gets, searching persons, and who is due.
//
// The engine never gets the whole commune (a 2,500-row cases.csv costs seconds per tap): the
// app keeps the persons and cases in IndexedDB, the collaborator picks one here, and the form
// gets a cases.csv with the "new person" row and that one person.
//
// Exports:
//   CASES_HEADER, NEW_PERSON ("new"), NEW_PERSON_ROW
//   csvField(value) -> one CSV field, quoted when it holds a comma, a quote or a line break
//   casesCsv(person|null, {caseRow?, myUserId?}) -> the text of cases.csv ("\n" line ends)
//   formatDate("yyyy-mm-dd") -> "dd/mm/yyyy" ("" for nothing)
//   normalise(text) -> lower case, no diacritics, đ -> d, single spaces
//   searchPersons(persons, query, {limit?}) -> persons whose name words start with every
//       query word (any order), best first; an empty query gives all persons by name
//   vietnamToday(nowMs?) -> "yyyy-mm-dd", today in Vietnam (UTC+7, no daylight saving)
//   FULL_PULL_EVERY_MS (a day)
//   fullPullDue({cursor, lastFull (ms|null), now, every?}) -> pull everything again? (no cursor:
//       a first sign-in; else when `every` has passed since the last full pull)
//   leftAfterFullPull({persons: [id], cases: [{id, person_id}]}, {persons: Set, cases: Set}, keep?)
//       -> {persons: [id], cases: [id]} what the phone holds that a complete full pull did not
//          return (consent withdrawn, merged, moved away): to delete; persons in `keep` (used by
//          a draft) and their cases stay
//   dueList(cases, personsById, {today?, myUserId?, mineOnly?, kinds?})
//       -> [{person_id, person, case_id, action, actions, overdue, urgent, mine}] one per person
//          with open work, most pressing first: urgent, overdue, assigned to me, due date, name

export const CASES_HEADER = 'name,label,__version,dob,sex,village,last_screening,due_action,'
  + 'full_name,assigned_action,assigned_note';
export const NEW_PERSON = 'new';
export const NEW_PERSON_ROW = 'new,"Người mới (chưa có trong danh sách) / New person",1,,,,,,,,';
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** One CSV field (RFC 4180): quoted, with quotes doubled, when it needs to be. */
export function csvField(value) {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** "2021-03-05" -> "05/03/2021". */
export function formatDate(iso) {
  if (!iso) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}

function openActions(caseRow) {
  return (caseRow?.actions ?? []).filter((action) => action.state === 'open');
}

// the case list's order for actions: urgent first, then by due date, then by id
function byPressure(a, b) {
  if (Boolean(a.urgent) !== Boolean(b.urgent)) return a.urgent ? -1 : 1;
  const dueA = a.due ?? '9999-12-31';
  const dueB = b.due ?? '9999-12-31';
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  return (a.id ?? 0) - (b.id ?? 0);
}

function workText(action) {
  return action ? `${action.kind} ${action.due ?? ''}`.trim() : '';
}

/**
 * cases.csv for one person (or none): the contract's header, the "new person" row, then the
 * person's row. `caseRow` (their case, if any) fills due_action and, for work assigned to
 * `myUserId`, assigned_action and assigned_note, as the server's list for Collect does.
 */
export function casesCsv(person, { caseRow = null, myUserId = null } = {}) {
  const lines = [CASES_HEADER, NEW_PERSON_ROW];
  if (person) {
    const open = openActions(caseRow).sort(byPressure);
    const mine = myUserId === null ? undefined
      : open.find((action) => action.assigned_to === myUserId);
    const name = person.full_name ?? '';
    const label = person.dob ? `${name || '?'} (${formatDate(person.dob)})` : (name || '?');
    const fields = [person.id, label, person.version ?? 1, person.dob ?? '', person.sex ?? '',
      person.village ?? '', person.last_screening ?? '', workText(open[0]), name,
      workText(mine), mine?.instructions ?? ''];
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Text for matching: NFD, combining marks removed, đ -> d, lower case, single spaces. */
export function normalise(text) {
  return String(text ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

const collator = new Intl.Collator('vi');

function byName(a, b) {
  return collator.compare(a.full_name ?? '', b.full_name ?? '') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// 0: the whole query is the name; 1: the name starts with it; 2: it is inside the name as
// typed (words in order); 3: every word is there, in any order
function matchRank(name, query, words) {
  const nameWords = name.split(' ');
  if (!words.every((word) => nameWords.some((part) => part.startsWith(word)))) return null;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  return ` ${name}`.includes(` ${query}`) ? 2 : 3;
}

/** The persons whose name matches `query` (diacritics and case ignored), best match first. */
export function searchPersons(persons, query, { limit = 50 } = {}) {
  const wanted = normalise(query);
  const list = Array.from(persons ?? []);
  if (!wanted) return list.sort(byName).slice(0, limit);
  const words = wanted.split(' ');
  const found = [];
  for (const person of list) {
    const rank = person.id === query.trim() ? 0 : matchRank(normalise(person.full_name), wanted, words);
    if (rank !== null) found.push({ rank, person });
  }
  found.sort((a, b) => a.rank - b.rank || byName(a.person, b.person));
  return found.slice(0, limit).map((entry) => entry.person);
}

/** Today's date in Vietnam (UTC+7 all year), "yyyy-mm-dd". */
export function vietnamToday(nowMs = Date.now()) {
  return new Date(nowMs + VIETNAM_OFFSET_MS).toISOString().slice(0, 10);
}

function entryOrder(a, b) {
  if (a.urgent !== b.urgent) return a.urgent ? -1 : 1;
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  if (a.mine !== b.mine) return a.mine ? -1 : 1;
  const dueA = a.action.due ?? '9999-12-31';
  const dueB = b.action.due ?? '9999-12-31';
  if (dueA !== dueB) return dueA < dueB ? -1 : 1;
  return byName(a.person ?? { id: a.person_id }, b.person ?? { id: b.person_id });
}

/**
 * Who is due: for each case with open actions (optionally only those assigned to `myUserId`,
 * or of some `kinds`), one entry with its most pressing action. Overdue is worked out against
 * `today` (the server's flag is as old as the last sync): due before today.
 */
export function dueList(cases, personsById, options = {}) {
  const { today = vietnamToday(), myUserId = null, mineOnly = false, kinds = null } = options;
  const lookup = personsById instanceof Map ? (id) => personsById.get(id) : (id) => personsById?.[id];
  const entries = [];
  for (const caseRow of cases ?? []) {
    let open = openActions(caseRow).filter((action) => !kinds || kinds.includes(action.kind));
    if (mineOnly) open = open.filter((action) => myUserId !== null && action.assigned_to === myUserId);
    if (open.length === 0) continue;
    const overdueOf = (action) => Boolean(action.due) && action.due < today;
    const mineOf = (action) => myUserId !== null && action.assigned_to === myUserId;
    // the most pressing: urgent, then overdue, then mine, then the earliest due
    const ranked = open.map((action) => ({ action, urgent: Boolean(action.urgent),
      overdue: overdueOf(action), mine: mineOf(action), person: null, person_id: caseRow.person_id }))
      .sort(entryOrder);
    const top = ranked[0];
    entries.push({
      person_id: caseRow.person_id, person: lookup(caseRow.person_id) ?? null, case_id: caseRow.id,
      action: top.action, actions: ranked.map((entry) => entry.action),
      urgent: top.urgent, overdue: top.overdue, mine: top.mine,
    });
  }
  return entries.sort(entryOrder);
}

// --- the full pull ----------------------------------------------------------------------------
// The changes feed sends only what the collaborator may see, so a person who left their area
// (consent withdrawn, merged into another record, moved to another commune) is never sent as
// "gone". A pull from no cursor returns everything visible; what it did not return goes.

export const FULL_PULL_EVERY_MS = 24 * 60 * 60 * 1000;

/** Whether this sync pulls everything again (no cursor, or `every` ms since the last full pull). */
export function fullPullDue({ cursor, lastFull, now, every = FULL_PULL_EVERY_MS }) {
  if (!cursor || typeof lastFull !== 'number') return true;
  return now - lastFull >= every || lastFull > now;
}

/** What the phone holds that a complete full pull did not return (persons a draft uses stay). */
export function leftAfterFullPull(local, seen, keep = new Set()) {
  const persons = local.persons.filter((id) => !seen.persons.has(id) && !keep.has(id));
  const kept = new Set(local.persons.filter((id) => !persons.includes(id)));
  const cases = local.cases.filter((row) => !seen.cases.has(row.id)
    && !(keep.has(row.person_id) && kept.has(row.person_id))).map((row) => row.id);
  return { persons, cases };
}
