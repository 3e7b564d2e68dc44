// The Web Forms fix-ups shared by /m/ and the coordinator's form trial page
// (server/ui/static/web_forms_fixes.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { adaptFormXml } from '../../server/ui/static/web_forms_fixes.js';

test('date() of a cases.csv path gets string() around the path (Web Forms 0.22 refuses a node-set)', () => {
  const calc = '<bind nodeset="/data/dob" type="date" '
    + 'calculate="if(${person_id} != \'new\', date(instance(\'cases\')/root/item[name= /data/person_id ]/dob), \'\')"/>';
  assert.equal(adaptFormXml(calc), '<bind nodeset="/data/dob" type="date" '
    + 'calculate="if(${person_id} != \'new\', date(string(instance(\'cases\')/root/item[name= /data/person_id ]/dob)), \'\')"/>');
});

test('other date() calls and other instances are left as they are; twice adapted is adapted once', () => {
  const other = '<bind calculate="date(/data/when)"/><bind calculate="date(instance(\'communes\')/root/item[name=1]/d)"/>';
  assert.equal(adaptFormXml(other), other);
  const once = adaptFormXml("date(instance('cases')/root/item[name=/data/p]/dob)");
  assert.equal(once, "date(string(instance('cases')/root/item[name=/data/p]/dob))");
  assert.equal(adaptFormXml(once), once);
});
