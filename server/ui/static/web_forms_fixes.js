// web_forms_fixes.js — fix-ups of a form's XML that ODK Web Forms needs before it gets the
// form, shared by every page that embeds the engine: the collaborators' app /m/
// (server/mobile/static/ui/engine.js) and the coordinator's form trial page (form_trial.js).
// Both import it by the bare name "sangloc-web-forms-fixes" of their import map
// (server/ui/form_trial.py importmap()); /m/'s service worker precaches it. Plain ES module,
// no DOM: node's tests import it (tests/js/web_forms_fixes.test.mjs).
// Checked against @getodk/web-forms 0.22.0.
//
// Exports: adaptFormXml(xml) -> the XForm as the engine can run it:
//   Web Forms' XPath date() refuses a node-set ("Invalid input type for date function: expected
//   STRING or NUMBER"), and sangloc's forms pre-fill a picked person's date of birth with
//   date(instance('cases')/root/item[name=…]/dob). The path is wrapped in string(), which is
//   what XPath 1.0 does implicitly and what Collect (JavaRosa) accepts; other date() calls are
//   left alone. Adapting twice changes nothing more.

const CASES_DATE = /date\((\s*instance\('cases'\)\/root\/item\[[^\]]*\]\/[\w.-]+\s*)\)/g;

export function adaptFormXml(xml) {
  return String(xml).replace(CASES_DATE, "date(string($1))");
}
