"""New question and choice labels in one language of an XForm, everything else kept byte for byte.

``relabel_xform(xml, language, questions, choices, version=...)`` returns new XForm bytes in
which the label of each body control named in ``questions`` (instance path -> text) and of each
choice named in ``choices`` ((path, choice value) -> text) reads the given text in translation
``language`` (an itext ``lang`` exactly as the form names it), and the main instance root's
``version`` attribute is ``version``. A form without itext takes ``language`` None and has its
plain ``<label>``s replaced. Labels reached through ``jr:itext('id')`` (controls, inline items)
or ``jr:itext(itextId)`` (an itemset over an inline secondary instance, as pyxform writes it)
change that text's plain ``<value>`` in that translation only (a text the translation lacks is
added to it); a plain label column of an itemset changes that item's label element.

The bytes are edited where they lie (expat gives each element's offset) rather than parsed and
written again, so binds, values, namespace prefixes, whitespace and every other text stay as
they were: only the replaced texts and the version differ. Choices shared by several questions
(one itemset list) are one text: two different texts for it are refused (``relabel_conflict``),
as is a path, choice or language the form does not have (``relabel_unknown_slot``). Texts are
XML-escaped here; deciding which texts are acceptable is the caller's business.

``next_version`` picks a version that sorts after the current one (see
``server/services/forms/publishing.version_after``): today's date as ``yyyymmdd`` plus a
two-digit counter, or the current number plus one when that is later; a version that is not all
digits gets ``.yyyymmddNN`` appended (a string with the old one as its prefix sorts after it).
This module must not decide which texts belong where (the instrument binding does), must not
validate the form's logic and imports no Flask, SQLAlchemy or server code.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element
from xml.parsers import expat
from xml.sax.saxutils import escape

from forms.errors import FormError
from forms.xform import (
    CONTROLS,
    main_instance_root,
    model_element,
    normalise_path,
    parse_xform,
)
from forms.xmlns import XFORMS, XHTML, local_name, qualified

_ITEXT_ID = re.compile(r"""^\s*jr:itext\(\s*(?:'([^']*)'|"([^"]*)")\s*\)\s*$""")
_ITEXT_CHILD = re.compile(r"^\s*jr:itext\(\s*([\w.\-]+)\s*\)\s*$")
_INSTANCE = re.compile(r"""instance\(\s*['"]([^'"]+)['"]\s*\)((?:/[\w.\-:]+)*)""")
_VERSION_ATTR = re.compile(rb"""(\sversion\s*=\s*)(["'])([^"']*)\2""")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
_SUFFIX = re.compile(r"^(.*)\.([0-9]{10})$")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class _Span:
    """Where one element lies in the bytes: ``<`` of its start tag, the byte after that tag's
    ``>``, and ``<`` of its end tag (None for an empty-element tag ``<x/>``)."""

    start: int
    start_end: int
    end: int | None


def relabel_xform(xml: bytes, language: str | None, questions: Mapping[str, str],
                  choices: Mapping[tuple[str, str], str], *, version: str) -> bytes:
    """The XForm with the given labels in ``language`` and version ``version``."""
    _check_encoding(xml)
    root, _ = parse_xform(xml)
    model = model_element(root)
    spans = _spans(xml, root)
    plan = _Plan(xml, spans, _translation(model, language))
    controls = dict(_controls(root.find(qualified(XHTML, "body"))))
    instances = {i.get("id", ""): i for i in model.findall(qualified(XFORMS, "instance"))}
    for path, text in questions.items():
        control = _known(controls, path)
        plan.set_label(_label_of(control, path), text, path)
    for (path, value), text in choices.items():
        control = _known(controls, path)
        plan.set_label(_choice_label(control, value, instances, path), text,
                       choice_name(path, value))
    plan.set_version(main_instance_root(model), version)
    return plan.apply()


def choice_name(path: str, value: str) -> str:
    """How errors name a choice (``field`` of a ``relabel_conflict``): ``/data/q1 = yes``."""
    return f"{path} = {value}"


def next_version(current: str, today: date, taken: Collection[str] = ()) -> str:
    """A version after ``current`` (and not in ``taken``): ``yyyymmddNN`` from ``today``."""
    stamp = int(today.strftime("%Y%m%d")) * 100 + 1
    match = _SUFFIX.fullmatch(current)
    prefix, number = ("", current) if _DIGITS.fullmatch(current) else \
        (f"{match.group(1)}.", match.group(2)) if match else (f"{current}.", "0")
    candidate = max(stamp, int(number) + 1)
    while f"{prefix}{candidate}" in taken:
        candidate += 1
    return f"{prefix}{candidate}"


# --- finding the labels ---------------------------------------------------------------------

def _check_encoding(xml: bytes) -> None:
    declared = _ENCODING.match(xml)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ("utf-8",
                                                                                   "utf8"):
        raise FormError("relabel_unsupported", "Only a UTF-8 XForm can be relabelled.")


def _controls(body: Element | None, context: str = "") -> Iterator[tuple[str, Element]]:
    for child in body if body is not None else ():
        ref = child.get("ref") or child.get("nodeset")
        path = normalise_path(ref, context) if ref else context
        if local_name(child.tag) in CONTROLS and ref:
            yield path, child
        elif local_name(child.tag) in ("group", "repeat"):
            yield from _controls(child, path)


def _known(controls: Mapping[str, Element], path: str) -> Element:
    if path not in controls:
        raise FormError("relabel_unknown_slot", f"The form has no question at {path}.",
                        field=path)
    return controls[path]


def _label_of(element: Element, path: str) -> Element:
    label = element.find(qualified(XFORMS, "label"))
    if label is None:
        raise FormError("relabel_unknown_slot", f"{path} has no label element.", field=path)
    return label


def _choice_label(control: Element, value: str, instances: Mapping[str, Element],
                  path: str) -> Element | str:
    """The label element of the choice, or the itext id its itemset item names."""
    for item in control.findall(qualified(XFORMS, "item")):
        found = item.find(qualified(XFORMS, "value"))
        if found is not None and (found.text or "").strip() == value:
            return _label_of(item, f"{path} = {value}")
    itemset = control.find(qualified(XFORMS, "itemset"))
    match = _INSTANCE.search(itemset.get("nodeset", "")) if itemset is not None else None
    instance = instances.get(match.group(1)) if match else None
    if instance is not None:
        value_ref = _ref(itemset, "value", "name")
        label_ref = _ref(itemset, "label", "label")
        child_id = _ITEXT_CHILD.match(label_ref)
        for item in _items(instance, match.group(2)):
            if _child(item, value_ref) is not None and \
                    (_child(item, value_ref).text or "").strip() == value:
                if child_id:
                    text_id = _child(item, child_id.group(1))
                    return (text_id.text or "").strip() if text_id is not None else ""
                label = _child(item, label_ref)
                if label is not None:
                    return label
    raise FormError("relabel_unknown_slot", f"{path} has no choice {value!r} with a label.",
                    field=path)


def _ref(itemset: Element, tag: str, fallback: str) -> str:
    child = itemset.find(qualified(XFORMS, tag))
    return (child.get("ref", fallback) if child is not None else fallback).strip() \
        .removeprefix("./")


def _items(instance: Element, steps: str) -> list[Element]:
    current = [instance]
    for step in [s for s in steps.split("/") if s]:
        current = [c for parent in current for c in parent if local_name(c.tag) ==
                   local_name(step)]
    return current


def _child(item: Element, name: str) -> Element | None:
    return next((c for c in item if local_name(c.tag) == name), None)


def _translation(model: Element, language: str | None) -> Element | None:
    itext = model.find(qualified(XFORMS, "itext"))
    if language is None:
        if itext is not None:
            raise FormError("relabel_unknown_slot",
                            "The form has translations: name the one to change.")
        return None
    for translation in itext if itext is not None else ():
        if translation.get("lang") == language:
            return translation
    raise FormError("relabel_unknown_slot", f"The form has no translation {language!r}.")


# --- editing the bytes ----------------------------------------------------------------------

class _Plan:
    """The edits to make: (start, end) byte range -> new bytes, one text per target."""

    def __init__(self, xml: bytes, spans: Mapping[int, _Span], translation: Element | None):
        self.xml, self.spans, self.translation = xml, spans, translation
        self.edits: dict[tuple[int, int], bytes] = {}
        self.chosen: dict[object, tuple[str, str]] = {}  # target -> (text, what set it)
        self.added: list[tuple[str, str]] = []
        self.texts = {} if translation is None else {
            t.get("id", ""): t for t in translation.findall(qualified(XFORMS, "text"))}

    def set_label(self, label: Element | str, text: str, what: str) -> None:
        target: Element | str = label
        if isinstance(label, Element) and label.get("ref") is not None:
            match = _ITEXT_ID.match(label.get("ref", ""))
            if match is None:
                raise FormError("relabel_unsupported", f"The label of {what} is an expression.")
            target = match.group(1) if match.group(1) is not None else match.group(2)
        key = target if isinstance(target, str) else id(target)
        if key in self.chosen:
            if self.chosen[key][0] != text:
                raise FormError("relabel_conflict",
                                f"{what} and {self.chosen[key][1]} share one label; they "
                                "cannot take two texts.", field=what)
            return
        self.chosen[key] = (text, what)
        self._edit(target, text, what)

    def _edit(self, target: Element | str, text: str, what: str) -> None:
        if isinstance(target, Element):
            if self.translation is not None:
                raise FormError("relabel_unsupported",
                                f"The label of {what} is not translated (no itext).")
            self._replace_content(target, text)
        elif self.translation is None:
            raise FormError("relabel_unknown_slot", f"The label of {what} is in itext; "
                            "name the translation to change.")
        elif target in self.texts:
            value = _plain_value(self.texts[target])
            if value is None:
                raise FormError("relabel_unsupported", f"Text {target!r} has no plain value.")
            self._replace_content(value, text)
        else:
            self.added.append((target, text))

    def _replace_content(self, element: Element, text: str) -> None:
        span = self.spans[id(element)]
        body = escape(text).encode()
        if span.end is None:  # <value/>: becomes <value>text</value>
            tag = self.xml[span.start + 1:span.start_end - 2].rstrip()
            name = re.split(rb"[\s/>]", tag, maxsplit=1)[0]
            self.edits[(span.start, span.start_end)] = b"<" + tag + b">" + body + b"</" + \
                name + b">"
        else:
            self.edits[(span.start_end, span.end)] = body

    def set_version(self, data: Element, version: str) -> None:
        span = self.spans[id(data)]
        tag = self.xml[span.start:span.start_end]
        match = _VERSION_ATTR.search(tag)
        if match is None:
            raise FormError("relabel_unknown_slot", "The main instance has no version.")
        where = span.start + match.start(3)
        self.edits[(where, where + len(match.group(3)))] = escape(
            version, {'"': "&quot;", "'": "&apos;"}).encode()

    def apply(self) -> bytes:
        if self.added:
            span = self.spans[id(self.translation)]
            if span.end is None:
                raise FormError("relabel_unsupported", "The translation is empty.")
            new = "".join(f'<text id="{escape(i, {chr(34): "&quot;"})}"><value>{escape(t)}'
                          "</value></text>" for i, t in self.added)
            self.edits[(span.end, span.end)] = new.encode()
        out, last = [], len(self.xml)
        for (start, end), data in sorted(self.edits.items(), reverse=True):
            out.append(self.xml[end:last])
            out.append(data)
            last = start
        out.append(self.xml[:last])
        return b"".join(reversed(out))


def _plain_value(text: Element) -> Element | None:
    return next((v for v in text.findall(qualified(XFORMS, "value")) if v.get("form") is None),
                None)


def _spans(xml: bytes, root: Element) -> dict[int, _Span]:
    """Each element's :class:`_Span`, by ``id()`` of the ElementTree element (both parsers
    meet the elements in document order)."""
    starts: list[tuple[int, int]] = []
    ends: dict[int, int] = {}
    open_: list[int] = []
    parser = expat.ParserCreate()

    def start(_name: str, _attrs: object) -> None:
        begin = parser.CurrentByteIndex
        starts.append((begin, _tag_end(xml, begin)))
        open_.append(len(starts) - 1)

    def end(_name: str) -> None:
        index = open_.pop()
        if xml[starts[index][1] - 2:starts[index][1]] != b"/>":
            ends[index] = parser.CurrentByteIndex

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(xml, True)
    return {id(element): _Span(*starts[n], ends.get(n))
            for n, element in enumerate(root.iter())}


def _tag_end(xml: bytes, begin: int) -> int:
    """The byte after the ``>`` closing the tag that starts at ``begin`` (quote-aware: an
    attribute value may hold ``>``)."""
    quote = None
    for position in range(begin + 1, len(xml)):
        byte = xml[position]
        if quote is not None:
            quote = None if byte == quote else quote
        elif byte in (0x22, 0x27):
            quote = byte
        elif byte == 0x3E:
            return position + 1
    raise FormError("xform_invalid", "An element's start tag is not closed.")
