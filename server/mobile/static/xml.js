// xml.js — small readers and one fix-up for a form instance's XML, as ODK Web Forms makes it.
//
// Plain text work on a few known leaf elements (no DOMParser), so the same code runs in the
// browser and in node's tests. It reads only: the root element's `id` and `version`
// attributes, `meta/instanceID`, `meta/deprecatedID` and the `person_id` answer. Element names
// may carry a prefix (`orx:instanceID`). Comments and CDATA around those elements are not
// expected in an engine's output and are not handled.
//
// Why finalize: drafts are restored by loading the saved XML into Web Forms in "edit" mode,
// which adds `meta/deprecatedID` and may give the instance a new instanceID. The outbox must
// always send the id the form got when first opened (one id end to end: a resend is a
// `duplicate`, never a second record), so finalize puts it back and drops deprecatedID.
//
// Exports:
//   readInstance(xml) -> {formId, version, instanceId, deprecatedId, personId}  (null when absent)
//   instanceIdOf(xml), personIdOf(xml)   (person_id "new" or empty -> null)
//   finalize(xml, originalInstanceId) -> xml with meta/instanceID = originalInstanceId and no
//       meta/deprecatedID; throws Error when the instance has no instanceID element
//   formIdentity(xformXml) -> {formId, version} of an XForm (its primary instance's root: the
//       first <instance> without an id), or null; refreshForms stores a download under it
//   escapeText(text), unescapeText(text)

const NAME = '[A-Za-z_][\\w.-]*';

export function escapeText(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function unescapeText(text) {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (whole, ref) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[ref];
  });
}

// A leaf element named `local` (any prefix): <p:local attrs>text</p:local> or <p:local attrs/>.
function leafPattern(local, flags = '') {
  return new RegExp(`<((?:${NAME}:)?)${local}(\\s[^>]*?)?(?:/>|>([^<]*)</\\1${local}\\s*>)`, flags);
}

function leafText(xml, local) {
  const match = leafPattern(local).exec(xml);
  if (!match) return null;
  return unescapeText(match[3] ?? '').trim();
}

function rootTag(xml) {
  // skip the declaration, processing instructions, comments and a doctype
  const body = xml.replace(/^(?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/, '');
  const match = new RegExp(`^<(?:${NAME}:)?${NAME}((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*/?>`)
    .exec(body);
  return match ? match[1] : null;
}

function attribute(attributes, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes ?? '');
  return match ? unescapeText(match[1] ?? match[2]) : null;
}

export function instanceIdOf(xml) {
  return leafText(xml, 'instanceID') || null;
}

export function personIdOf(xml) {
  const value = leafText(xml, 'person_id');
  return value && value !== 'new' ? value : null;
}

export function readInstance(xml) {
  const attributes = rootTag(xml);
  return {
    formId: attribute(attributes, 'id'),
    version: attribute(attributes, 'version'),
    instanceId: instanceIdOf(xml),
    deprecatedId: leafText(xml, 'deprecatedID') || null,
    personId: personIdOf(xml),
  };
}

/** The instance with meta/instanceID set to `originalInstanceId` and meta/deprecatedID removed. */
export function finalize(xml, originalInstanceId) {
  if (!originalInstanceId) throw new Error('finalize: no original instance id');
  const instanceId = leafPattern('instanceID');
  if (!instanceId.test(xml)) throw new Error('finalize: the instance has no meta/instanceID');
  const value = escapeText(originalInstanceId);
  return xml
    .replace(leafPattern('deprecatedID', 'g'), '')
    .replace(instanceId, (whole, prefix, attrs) => `<${prefix}instanceID${attrs ?? ''}>${value}</${prefix}instanceID>`);
}

/** The form id and version an XForm declares: its primary instance's root element (the first
 * <instance> without an id attribute), not what a listing said before the download. */
export function formIdentity(xform) {
  const text = String(xform ?? '').replace(/<!--[\s\S]*?-->/g, '');
  const opening = new RegExp(`<(?:${NAME}:)?instance(\\s[^>]*)?>`, 'g');
  for (let match = opening.exec(text); match; match = opening.exec(text)) {
    if (match[0].endsWith('/>') || attribute(match[1], 'id') !== null) continue;
    const attributes = rootTag(text.slice(match.index + match[0].length));
    if (attributes === null) return null;
    const formId = attribute(attributes, 'id');
    return formId ? { formId, version: attribute(attributes, 'version') } : null;
  }
  return null;
}
