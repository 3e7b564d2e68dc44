"""Parsing of submitted instance XML (what ODK Collect, ODK Web Forms and Enketo POST).

``parse_instance`` reads one instance (expat's C parser builds the tree, its leaves are walked
once) into a :class:`ParsedInstance`: form id and version from the root's attributes,
``meta/instanceID`` and ``meta/deprecatedID``, and the answered leaves by absolute path. It
tolerates the three serialisations of openrosa.md section (c): elements are matched by local
name, prefixes and namespace declarations are ignored, missing and empty elements both mean
"not answered".
It refuses DOCTYPE/entity declarations before anything is expanded (XXE, billion laughs).
It must not look up forms, store anything, or depend on the XML part's file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from xml.etree.ElementTree import Element, ParseError, XMLParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from forms.errors import FormError

MAX_DEPTH = 64
_INDEX = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class ParsedInstance:
    """The parts of a submission the server needs before any lookup."""

    form_id: str
    version: str | None
    root_name: str
    instance_id: str
    deprecated_id: str | None
    values: Mapping[str, str]

    def value(self, path: str) -> str | None:
        """The stripped answer at ``path`` (e.g. ``/data/grp/q01``), None when not answered."""
        return self.values.get(path)


def parse_instance(xml: bytes) -> ParsedInstance:
    """Parse one submitted instance; raises ``FormError`` (``instance_*`` codes)."""
    root = _parse(xml)
    attrib = root.attrib
    root_name = _local(root.tag)
    values: dict[str, str] = {}
    _answers(root, f"/{root_name}", 1, values)
    form_id = _attribute(attrib, "id")
    if not form_id:
        raise FormError(
            "instance_no_form_id", f"The instance root <{root_name}> has no id attribute."
        )
    instance_id = values.get(f"/{root_name}/meta/instanceID")
    if not instance_id:
        raise FormError(
            "instance_no_instance_id",
            f"The instance of form {form_id!r} has no meta/instanceID.",
            field=f"/{root_name}/meta/instanceID",
        )
    return ParsedInstance(
        form_id=form_id,
        version=_attribute(attrib, "version"),
        root_name=root_name,
        instance_id=instance_id,
        deprecated_id=values.get(f"/{root_name}/meta/deprecatedID"),
        values=MappingProxyType(values),
    )


def _parse(xml: bytes) -> Element:
    """The instance as an element tree. Expat reads it as UTF-8 whatever it declares, except
    that it still recognises UTF-16 by its bytes; in UTF-16 every markup character has a zero
    byte. So an instance without a zero byte and without the bytes ``<!DOCTYPE`` has no DTD,
    and expat's C parser builds its tree (a third of the time of defusedxml's Python-level
    parser); any other goes to defusedxml, which refuses a real declaration."""
    if not xml or not xml.strip():
        raise FormError("instance_malformed", "The instance XML is empty.")
    if b"<!DOCTYPE" in xml or b"\x00" in xml:
        parser = DefusedXMLParser(encoding="utf-8", forbid_dtd=True, forbid_entities=True)
    else:
        parser = XMLParser(encoding="utf-8")  # noqa: S314 -- no DTD: see above
    try:
        parser.feed(xml)
        return parser.close()
    except DefusedXmlException as exc:
        raise FormError(
            "instance_dtd_forbidden",
            "The instance contains a DOCTYPE or entity declaration, which is not allowed.",
        ) from exc
    except ParseError as exc:
        raise FormError(
            "instance_malformed", f"The instance is not well-formed XML: {exc}"
        ) from exc


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _answers(node: Element, path: str, depth: int, values: dict[str, str]) -> None:
    """The stripped text of ``node``'s answered leaves by path, into ``values``. Repeated
    siblings: the first keeps the plain path, later ones get ``[2]``, ``[3]``..."""
    counts: dict[str, int] = {}
    for child in node:
        local = _local(child.tag)
        number = counts.get(local, 0) + 1
        counts[local] = number
        here = f"{path}/{local}" if number == 1 else f"{path}/{local}[{number}]"
        if depth >= MAX_DEPTH:
            raise FormError(
                "instance_too_deep",
                f"Instance nests elements deeper than {MAX_DEPTH} levels (at {here}).",
            )
        if len(child):
            _answers(child, here, depth + 1, values)
        elif child.text and (text := child.text.strip()):
            values[here] = text


def _attribute(attrib: dict[str, str], name: str) -> str | None:
    """A root attribute by local name (``id``, ``orx:id``...), stripped; None when empty."""
    value = attrib.get(name)
    if value is None:
        for key, candidate in attrib.items():
            if key[key.rfind("}") + 1 :] == name:
                value = candidate
                break
    value = (value or "").strip()
    return value or None


def attachment_names(instance: ParsedInstance,
                     binary_fields: Iterable[str]) -> frozenset[str]:
    """File names the instance names in the form's binary fields (``XFormInfo.binary_fields``,
    as stored with a published version), repeats included."""
    binary = set(binary_fields)
    if not binary:
        return frozenset()
    names = set()
    for path, value in instance.values.items():
        plain = _INDEX.sub("", path) if "[" in path else path
        if plain in binary:
            names.add(value)
    return frozenset(names)
