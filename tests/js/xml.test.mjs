// Instance XML helpers (server/mobile/static/xml.js): reading ids, restoring a draft's instanceID.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { finalize, formIdentity, instanceIdOf, personIdOf, readInstance } from '../../server/mobile/static/xml.js';

const PERSON = '0c5e8a1e-2b7d-4f7a-9a53-1d2e3f4a5b6c';

// what Web Forms gives back for a draft reopened in edit mode: a new instanceID and the old
// one as deprecatedID, in the OpenRosa namespace with a prefix
const EDITED = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + '<!-- saved by the app -->\n'
  + '<data xmlns="http://www.w3.org/2002/xforms" xmlns:orx="http://openrosa.org/xforms" '
  + 'orx:version="ignored" id="mchat_r" version="2025010101">'
  + `<person_id>${PERSON}</person_id><grp><child_name>Bé &amp; An</child_name></grp>`
  + '<orx:meta><orx:instanceID>uuid:11111111-new</orx:instanceID>'
  + '<orx:deprecatedID>uuid:00000000-first</orx:deprecatedID></orx:meta></data>';

test('readInstance reads the form id, version, ids and the person', () => {
  assert.deepEqual(readInstance(EDITED), {
    formId: 'mchat_r', version: '2025010101', instanceId: 'uuid:11111111-new',
    deprecatedId: 'uuid:00000000-first', personId: PERSON,
  });
});

test('finalize puts the first instanceID back and drops deprecatedID', () => {
  const fixed = finalize(EDITED, 'uuid:00000000-first');
  const expected = EDITED
    .replace('<orx:instanceID>uuid:11111111-new</orx:instanceID>', '<orx:instanceID>uuid:00000000-first</orx:instanceID>')
    .replace('<orx:deprecatedID>uuid:00000000-first</orx:deprecatedID>', '');
  assert.equal(fixed, expected);
  assert.equal(instanceIdOf(fixed), 'uuid:00000000-first');
  assert.equal(readInstance(fixed).deprecatedId, null);
  assert.equal(finalize(fixed, 'uuid:00000000-first'), fixed); // twice changes nothing more
});

test('finalize fills an empty self-closing instanceID and keeps unprefixed names', () => {
  const xml = "<data id='phq9' version='3'><q1>2</q1><meta><instanceID/></meta></data>";
  assert.equal(finalize(xml, 'uuid:a&b'),
    "<data id='phq9' version='3'><q1>2</q1><meta><instanceID>uuid:a&amp;b</instanceID></meta></data>");
  assert.equal(readInstance(xml).formId, 'phq9');
  assert.equal(readInstance(xml).version, '3');
  assert.equal(instanceIdOf(xml), null);
});

test('finalize refuses an instance without instanceID', () => {
  assert.throws(() => finalize('<data id="x"><meta/></data>', 'uuid:a'), /no meta\/instanceID/);
  assert.throws(() => finalize(EDITED, ''), /no original instance id/);
});

test('personIdOf: "new" or nothing is no person', () => {
  assert.equal(personIdOf('<data><person_id>new</person_id></data>'), null);
  assert.equal(personIdOf('<data><person_id/></data>'), null);
  assert.equal(personIdOf('<data><other>1</other></data>'), null);
  assert.equal(personIdOf(`<data><g><person_id> ${PERSON} </person_id></g></data>`), PERSON);
});

// an XForm as pyxform writes it, with a secondary instance put before the primary one and the
// version only on the primary instance's root
const XFORM = '<?xml version="1.0"?>\n<h:html xmlns="http://www.w3.org/2002/xforms" '
  + 'xmlns:h="http://www.w3.org/1999/xhtml" xmlns:orx="http://openrosa.org/xforms">\n'
  + '<h:head><h:title>PHQ-9 version="1"</h:title>\n<model odk:xforms-version="1.0.0">\n'
  + '<itext><translation lang="vi"><text id="x"><value>id="sai"</value></text></translation></itext>\n'
  + '<instance id="cases" src="jr://file-csv/cases.csv"/>\n'
  + '<instance id="sex"><root><item><name>male</name></item></root></instance>\n'
  + '<instance>\n  <!-- the primary instance -->\n  <data id="phq9" orx:version="x" version="2025060102">'
  + '<meta><instanceID/></meta></data>\n</instance>\n'
  + '<bind nodeset="/data/meta/instanceID" type="string"/></model></h:head><h:body/></h:html>';

test('formIdentity reads the form id and version from the primary instance of an XForm', () => {
  assert.deepEqual(formIdentity(XFORM), { formId: 'phq9', version: '2025060102' });
  assert.deepEqual(formIdentity(XFORM.replace(' version="2025060102"', '')), { formId: 'phq9', version: null });
  assert.equal(formIdentity('<h:html><h:head><model/></h:head></h:html>'), null);
  assert.equal(formIdentity('not xml'), null);
});
