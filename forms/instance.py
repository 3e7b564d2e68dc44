"""Parsing of submitted instance XML (what ODK Collect, ODK Web Forms and Enketo POST).

``parse_instance`` reads one instance in a single streaming pass (no tree is built) into a
:class:`ParsedInstance`: form id and version from the root's attributes, ``meta/instanceID``
and ``meta/deprecatedID``, and the answered leaves by absolute path. It tolerates the three
serialisations of openrosa.md section (c): elements are matched by local name, prefixes and
namespace declarations are ignored, missing and empty elements both mean "not answered".
It refuses DOCTYPE/entity declarations before anything is expanded (XXE, billion laughs).
It must not look up forms, store anything, or depend on the XML part's file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from xml.etree.ElementTree import ParseError

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


class _Collector:
    """Parser target: tracks the element path and keeps the text of answered leaves.

    Repeated siblings: the first keeps the plain path, later ones get ``[2]``, ``[3]``...
    """

    __slots__ = ("chunks", "counts", "has_child", "paths", "root_attrib", "root_name", "values")

    def __init__(self) -> None:
        self.paths: list[str] = [""]
        self.counts: list[dict[str, int]] = [{}]
        self.has_child: list[bool] = [False]
        self.chunks: list[str] = []
        self.values: dict[str, str] = {}
        self.root_attrib: dict[str, str] | None = None
        self.root_name = ""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        local = tag[tag.rfind("}") + 1 :]
        counts = self.counts[-1]
        number = counts.get(local, 0) + 1
        counts[local] = number
        parent = self.paths[-1]
        path = f"{parent}/{local}" if number == 1 else f"{parent}/{local}[{number}]"
        if len(self.paths) > MAX_DEPTH:
            raise FormError(
                "instance_too_deep",
                f"Instance nests elements deeper than {MAX_DEPTH} levels (at {path}).",
            )
        if self.root_attrib is None:
            self.root_attrib = attrib
            self.root_name = local
        self.has_child[-1] = True
        self.paths.append(path)
        self.counts.append({})
        self.has_child.append(False)
        self.chunks = []

    def data(self, text: str) -> None:
        self.chunks.append(text)

    def end(self, tag: str) -> None:
        path = self.paths.pop()
        self.counts.pop()
        if not self.has_child.pop() and self.chunks:
            text = "".join(self.chunks).strip()
            if text:
                self.values[path] = text
        self.chunks = []

    def close(self) -> _Collector:
        return self


def parse_instance(xml: bytes) -> ParsedInstance:
    """Parse one submitted instance; raises ``FormError`` (``instance_*`` codes)."""
    collector = _collect(xml)
    attrib = collector.root_attrib or {}
    root_name = collector.root_name
    form_id = _attribute(attrib, "id")
    if not form_id:
        raise FormError(
            "instance_no_form_id", f"The instance root <{root_name}> has no id attribute."
        )
    values = collector.values
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


def _collect(xml: bytes) -> _Collector:
    if not xml or not xml.strip():
        raise FormError("instance_malformed", "The instance XML is empty.")
    collector = _Collector()
    # encoding="utf-8" overrides any declared encoding: instances must be UTF-8.
    parser = DefusedXMLParser(
        target=collector, encoding="utf-8", forbid_dtd=True, forbid_entities=True
    )
    try:
        parser.feed(xml)
        parser.close()
    except DefusedXmlException as exc:
        raise FormError(
            "instance_dtd_forbidden",
            "The instance contains a DOCTYPE or entity declaration, which is not allowed.",
        ) from exc
    except ParseError as exc:
        raise FormError(
            "instance_malformed", f"The instance is not well-formed XML: {exc}"
        ) from exc
    return collector


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
