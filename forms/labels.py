"""The words of an XForm in one of its languages: question, group and choice labels by path.

``read_labels(xml, wanted)`` picks the form's translation for a page language (``"vi"``,
``"en"``; :func:`choose_language`, the form's default when it has none in that language) and
returns :class:`FormLabels`: every body control with its label, its enclosing group and, for a
select, its choice labels (inline ``<item>``s, or an itemset over an inline secondary instance,
labelled through ``jr:itext(itextId)`` as pyxform writes it or through a plain label column).
A text missing from the chosen translation falls back to the default one. An ``<output>`` in a
label is filled from ``values`` (the instance's answers by path) when it names a path, else
"…". Choices of an external file (``select_one_from_file``) are unknown here: none are given.

It must not decide what is shown, score, or look at a database; it parses with defusedxml
(no DOCTYPE) and never changes the XForm bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from xml.etree.ElementTree import Element

from forms.xform import (
    CONTROLS,
    main_instance_root,
    model_element,
    normalise_path,
    parse_xform,
    read_languages,
)
from forms.xmlns import XFORMS, XHTML, local_name, qualified

#: a page language -> how forms commonly name that translation (besides ``xx`` and ``(xx)``)
LANGUAGE_NAMES: dict[str, tuple[str, ...]] = {
    "vi": ("tiếng việt", "vietnamese"),
    "en": ("english",),
}
GROUPS = frozenset({"group", "repeat"})
ELLIPSIS = "…"
_ITEXT = re.compile(r"""jr:itext\(\s*(?:'([^']*)'|"([^"]*)"|([\w.\-/:]+))\s*\)""")
_INSTANCE = re.compile(r"""instance\(\s*['"]([^'"]+)['"]\s*\)((?:/[\w.\-:]+)*)""")
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Question:
    """One body control: its instance path, label, nearest labelled group and choices."""

    path: str
    label: str
    control: str
    group: str | None = None  # path of the nearest enclosing group with a label
    choices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class FormLabels:
    """A form's labels in one translation (``language`` None: the form has no itext)."""

    language: str | None
    questions: Mapping[str, Question]  # in body order
    groups: Mapping[str, str]  # group path -> label

    def question(self, path: str) -> Question | None:
        """The question answered at ``path``; a repeat's ``[n]`` indexes are ignored."""
        return self.questions.get(_INDEX.sub("", path))

    def answer_words(self, path: str, value: str) -> str | None:
        """The choice labels of ``value`` (a select_multiple's names joined by ", "), or None
        when the question has no choices or a name has no label."""
        question = self.question(path)
        if question is None or not question.choices:
            return None
        names = value.split() if question.control == "select" else [value.strip()]
        if not names or any(name not in question.choices for name in names):
            return None
        return ", ".join(question.choices[name] for name in names)


def choose_language(languages: tuple[str, ...], default: str | None, wanted: str) -> str | None:
    """The translation for page language ``wanted``: named ``wanted``, ending ``(wanted)`` or
    by its usual name (``English``); else the form's default."""
    wanted = wanted.lower()
    names = (wanted, *LANGUAGE_NAMES.get(wanted, ()))
    for language in languages:
        name = language.strip().lower()
        if name in names or name.endswith(f"({wanted})") or name.split(" (")[0] in names:
            return language
    return default


def read_labels(xml: bytes, wanted: str, values: Mapping[str, str] | None = None) -> FormLabels:
    """The labels of the XForm ``xml`` in the translation for ``wanted``; raises
    ``FormError`` ``xform_invalid`` as ``read_xform`` does."""
    root, _ = parse_xform(xml)
    model = model_element(root)
    languages, default = read_languages(model)
    chosen = choose_language(languages, default, wanted)
    texts = _Texts(model, chosen, default, values or {})
    instances = {i.get("id", ""): i for i in model.findall(qualified(XFORMS, "instance"))}
    root_name = local_name(main_instance_root(model).tag)
    questions: dict[str, Question] = {}
    groups: dict[str, str] = {}
    body = root.find(qualified(XHTML, "body"))
    for element, path, group in _walk(body, f"/{root_name}", None, texts, groups):
        if path not in questions:
            questions[path] = Question(path, texts.label(element), local_name(element.tag),
                                       group, MappingProxyType(_choices(element, instances,
                                                                        texts)))
    return FormLabels(chosen, MappingProxyType(questions), MappingProxyType(groups))


class _Texts:
    """itext lookup in the chosen translation, then the default one; labels as plain text."""

    def __init__(self, model: Element, chosen: str | None, default: str | None,
                 values: Mapping[str, str]):
        self.values = values
        found: dict[str, dict[str, Element]] = {}
        itext = model.find(qualified(XFORMS, "itext"))
        for translation in itext if itext is not None else ():
            texts = found.setdefault(translation.get("lang", ""), {})
            for text in translation.findall(qualified(XFORMS, "text")):
                texts[text.get("id", "")] = text
        order = [chosen, default, *found]
        self.tables = [found[lang] for lang in dict.fromkeys(order) if lang in found]

    def itext(self, text_id: str) -> str | None:
        for table in self.tables:
            if text_id in table:
                value = _plain_value(table[text_id])
                if value is not None:
                    return self.words(value)
        return None

    def label(self, element: Element) -> str:
        label = element.find(qualified(XFORMS, "label"))
        if label is None:
            return ""
        match = _ITEXT.search(label.get("ref", ""))
        text_id = None if match is None else \
            match.group(1) if match.group(1) is not None else match.group(2)
        if text_id is not None:
            return self.itext(text_id) or ""
        return self.words(label)

    def words(self, element: Element) -> str:
        """The element's text with each ``<output>`` filled in, whitespace collapsed."""
        parts = [element.text or ""]
        for child in element:
            if local_name(child.tag) == "output":
                parts.append(self._output(child.get("value", "")))
            else:
                parts.append(self.words(child))
            parts.append(child.tail or "")
        return " ".join("".join(parts).split())

    def _output(self, expression: str) -> str:
        path = expression.strip()
        return self.values.get(path, ELLIPSIS) if path.startswith("/") else ELLIPSIS


def _plain_value(text: Element) -> Element | None:
    """The text's plain value (no ``form`` or form ``long``, then ``short``)."""
    values = text.findall(qualified(XFORMS, "value"))
    for wanted in (None, "long", "short"):
        for value in values:
            if value.get("form") == wanted:
                return value
    return None


def _walk(element: Element | None, context: str, group: str | None, texts: _Texts,
          groups: dict[str, str]) -> Iterator[tuple[Element, str, str | None]]:
    """(control, path, labelled group path) for each body control, in document order."""
    for child in element if element is not None else ():
        name = local_name(child.tag)
        ref = child.get("ref") or child.get("nodeset")
        path = normalise_path(ref, context) if ref else context
        if name in GROUPS:
            label = texts.label(child)
            inner = group
            if label and ref:
                groups.setdefault(path, label)
                inner = path
            yield from _walk(child, path, inner, texts, groups)
        elif name in CONTROLS and ref:
            yield child, path, group


def _choices(control: Element, instances: Mapping[str, Element],
             texts: _Texts) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in control.findall(qualified(XFORMS, "item")):
        value = item.find(qualified(XFORMS, "value"))
        if value is not None and (value.text or "").strip():
            found.setdefault(value.text.strip(), texts.label(item))
    itemset = control.find(qualified(XFORMS, "itemset"))
    if itemset is not None:
        for name, label in _itemset(itemset, instances, texts):
            found.setdefault(name, label)
    return found


def _itemset(itemset: Element, instances: Mapping[str, Element],
             texts: _Texts) -> Iterator[tuple[str, str]]:
    """(name, label) of each item of an itemset over an inline secondary instance."""
    match = _INSTANCE.search(itemset.get("nodeset", ""))
    instance = instances.get(match.group(1)) if match else None
    if instance is None:
        return  # an external file, or an expression over the main instance
    value_ref = _child_ref(itemset, "value", "name")
    label = itemset.find(qualified(XFORMS, "label"))
    label_ref = label.get("ref", "label") if label is not None else "label"
    itext = _ITEXT.search(label_ref)
    for item in _items(instance, match.group(2)):
        name = _child_text(item, value_ref)
        if not name:
            continue
        if itext and itext.group(3):  # jr:itext(itextId): the id is the item's child
            yield name, texts.itext(_child_text(item, itext.group(3)) or "") or name
        else:
            yield name, _child_text(item, label_ref.strip().removeprefix("./")) or name


def _items(instance: Element, steps: str) -> list[Element]:
    """The elements ``steps`` (``/root/item``) selects under the instance element."""
    current = [instance]
    for step in [s for s in steps.split("/") if s]:
        wanted = local_name(step)
        current = [child for parent in current for child in parent
                   if local_name(child.tag) == wanted]
    return current


def _child_ref(itemset: Element, tag: str, fallback: str) -> str:
    child = itemset.find(qualified(XFORMS, tag))
    return (child.get("ref", fallback) if child is not None else fallback).strip() \
        .removeprefix("./")


def _child_text(item: Element, name: str) -> str | None:
    for child in item:
        if local_name(child.tag) == name:
            return (child.text or "").strip() or None
    return None
