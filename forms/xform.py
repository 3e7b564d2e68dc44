"""Reading an XForm definition into the facts the server needs (:class:`XFormInfo`).

``read_xform`` parses an XForm safely (defusedxml, no DOCTYPE) and returns the form id,
version, title, main instance root name, the fields (leaves of the main instance with their bind
type, choice names, body control and non-standard bind attributes), the media files the form
needs from the server, the binary fields and the itext languages. It works on pyxform output and
on hand-written XForms. It must not validate the form's logic (that is ``forms.validate``), must
not convert XLSForms, and must not change or re-serialise the XForm bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from forms.errors import FormError
from forms.xmlns import (
    CANONICAL_PREFIXES,
    XFORMS,
    XHTML,
    local_name,
    namespace_uri,
    qualified,
)

# Bind attributes defined by XForms 1.0 and the ODK XForms spec's JavaRosa extensions; every
# other bind attribute (odk:*, sangloc:*, bind:: columns of an XLSForm) goes to Field.attrs.
STANDARD_BIND_ATTRIBUTES = frozenset(
    {
        "nodeset", "type", "required", "relevant", "constraint", "calculate", "readonly",
        "saveIncomplete", "jr:constraintMsg", "jr:requiredMsg", "jr:preload",
        "jr:preloadParams", "jr:noAppErrorString",
    }
)  # fmt: skip
# Body elements that bind a question to an instance node (local names; odk:rank -> "rank").
CONTROLS = frozenset(
    {"input", "select1", "select", "upload", "trigger", "range", "rank", "textarea", "secret"}
)
MEDIA_SCHEMES = ("images", "audio", "video", "file", "file-csv")
_INSTANCE_CALL = re.compile(r"instance\(\s*['\"]([^'\"]+)['\"]\s*\)")
_STEP_PREFIX = re.compile(r"(?<=/)[A-Za-z_][\w.\-]*:")


@dataclass(frozen=True)
class Field:
    """One leaf of the main instance.

    ``type`` is the bind type without prefix ("string" when the bind has none); ``control`` is
    the body control's local name ("select1", "select", "input", "upload", ...) or None for
    fields without one (calculates, meta). pyxform 4 writes selects with bind type "string", so
    use ``control`` (or ``choices``) to recognise select_one / select_multiple.
    """

    path: str
    type: str
    choices: tuple[str, ...]
    attrs: Mapping[str, str]
    control: str | None = None
    preload: str | None = None  # jr:preloadParams of a preloaded field: start, end, today ...


@dataclass(frozen=True)
class XFormInfo:
    """What the server needs to know about one XForm definition."""

    form_id: str
    version: str | None
    title: str
    root_name: str
    fields: Mapping[str, Field]
    media: tuple[str, ...]
    binary_fields: tuple[str, ...]
    languages: tuple[str, ...]
    default_language: str | None


@dataclass(frozen=True)
class _Bind:
    type: str
    attrs: Mapping[str, str]
    preload: str | None = None


def read_xform(xml: bytes) -> XFormInfo:
    """Read an XForm; raises ``FormError`` ``xform_invalid`` or ``no_form_id``."""
    root, prefixes = parse_xform(xml)
    model = model_element(root)
    data = main_instance_root(model)
    root_name = local_name(data.tag)
    form_id = (data.get("id") or "").strip()
    if not form_id:
        raise FormError("no_form_id", f"The main instance root <{root_name}> has no id attribute.")
    binds = _read_binds(model, prefixes, root_name)
    controls = _read_controls(root.find(qualified(XHTML, "body")), _secondary_instances(model))
    fields = _read_fields(data, binds, controls)
    languages, default_language = read_languages(model)
    return XFormInfo(
        form_id=form_id,
        version=(data.get("version") or "").strip() or None,
        title=_title(root) or form_id,
        root_name=root_name,
        fields=MappingProxyType(fields),
        media=_media(root),
        binary_fields=tuple(path for path, field in fields.items() if field.type == "binary"),
        languages=languages,
        default_language=default_language,
    )


def parse_xform(xml: bytes) -> tuple[Element, dict[str, str]]:
    """The document element and the prefix each namespace URI was first declared with."""
    prefixes: dict[str, str] = {}
    root: Element | None = None
    try:
        for event, item in iterparse(io.BytesIO(xml), ("start", "start-ns"), forbid_dtd=True):
            if event == "start-ns":
                prefix, uri = item
                if prefix:
                    prefixes.setdefault(uri, prefix)
            elif root is None:
                root = item
    except DefusedXmlException as exc:
        raise FormError("xform_invalid", "XForms may not contain a DOCTYPE or entities.") from exc
    except ParseError as exc:
        raise FormError("xform_invalid", f"The XForm is not well-formed XML: {exc}") from exc
    if root is None:
        raise FormError("xform_invalid", "The XForm is empty.")
    return root, prefixes


def model_element(root: Element) -> Element:
    if root.tag != qualified(XHTML, "html"):
        raise FormError(
            "xform_invalid",
            f"Not an XForm: the document element is <{local_name(root.tag)}>, "
            "expected h:html in the XHTML namespace.",
        )
    head = root.find(qualified(XHTML, "head"))
    model = head.find(qualified(XFORMS, "model")) if head is not None else None
    if model is None:
        raise FormError("xform_invalid", "Not an XForm: no h:head/model element.")
    return model


def main_instance_root(model: Element) -> Element:
    """The root element of the first <instance> of the model (the main instance)."""
    instance = model.find(qualified(XFORMS, "instance"))
    children = list(instance) if instance is not None else []
    if not children:
        raise FormError("xform_invalid", "Not an XForm: the model has no main instance.")
    return children[0]


def _title(root: Element) -> str:
    head = root.find(qualified(XHTML, "head"))
    title = head.find(qualified(XHTML, "title")) if head is not None else None
    return "".join(title.itertext()).strip() if title is not None else ""


def normalise_path(ref: str, context: str) -> str:
    """An absolute, prefix-free instance path for a bind nodeset or body ref."""
    ref = ref.strip()
    if not ref.startswith("/"):
        ref = ref.removeprefix("./")
        ref = f"{context.rstrip('/')}/{ref}" if ref not in ("", ".") else context
    return _STEP_PREFIX.sub("", ref)


def _attribute_key(name: str, prefixes: Mapping[str, str]) -> str:
    """``{uri}local`` -> ``prefix:local`` with the canonical prefix for known namespaces."""
    uri = namespace_uri(name)
    if not uri:
        return name
    prefix = CANONICAL_PREFIXES.get(uri) or prefixes.get(uri) or uri
    return f"{prefix}:{local_name(name)}"


def _read_binds(model: Element, prefixes: Mapping[str, str], root_name: str) -> dict[str, _Bind]:
    binds: dict[str, _Bind] = {}
    for bind in model.iter(qualified(XFORMS, "bind")):
        nodeset = bind.get("nodeset")
        if not nodeset:
            continue
        path = normalise_path(nodeset, f"/{root_name}")
        attrs = {_attribute_key(key, prefixes): value for key, value in bind.attrib.items()}
        bind_type = local_name(attrs.get("type", "").strip()) or "string"
        extra = {k: v for k, v in attrs.items() if k not in STANDARD_BIND_ATTRIBUTES}
        preload = attrs.get("jr:preloadParams") if attrs.get("jr:preload") else None
        binds[path] = _Bind(type=bind_type, attrs=MappingProxyType(extra), preload=preload)
    return binds


def _secondary_instances(model: Element) -> dict[str, Element]:
    tag = qualified(XFORMS, "instance")
    return {inst.get("id", ""): inst for inst in model.findall(tag) if inst.get("id")}


def _read_controls(
    body: Element | None, instances: Mapping[str, Element]
) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Body controls by instance path: (control local name, choice names)."""
    controls: dict[str, tuple[str, tuple[str, ...]]] = {}
    if body is None:
        return controls
    for element, path in _walk_body(body, ""):
        control = local_name(element.tag)
        if control in CONTROLS and path not in controls:
            controls[path] = (control, _choices(element, instances))
    return controls


def _walk_body(element: Element, context: str) -> Iterator[tuple[Element, str]]:
    """(element, absolute path) for body elements with a ref/nodeset, resolving relative refs."""
    for child in element:
        ref = child.get("ref") or child.get("nodeset")
        name = local_name(child.tag)
        if name in ("label", "hint", "item", "itemset", "value", "output", "setvalue"):
            continue
        path = normalise_path(ref, context) if ref else context
        if ref:
            yield child, path
        yield from _walk_body(child, path)


def _choices(control: Element, instances: Mapping[str, Element]) -> tuple[str, ...]:
    names: list[str] = []
    for item in control.findall(qualified(XFORMS, "item")):
        value = item.find(qualified(XFORMS, "value"))
        if value is not None and value.text and value.text.strip():
            names.append(value.text.strip())
    itemset = control.find(qualified(XFORMS, "itemset"))
    if itemset is not None:
        names.extend(_itemset_choices(itemset, instances))
    return tuple(dict.fromkeys(names))


def _itemset_choices(itemset: Element, instances: Mapping[str, Element]) -> list[str]:
    """Choice names of an itemset over an inline secondary instance (root/item/<value ref>)."""
    match = _INSTANCE_CALL.search(itemset.get("nodeset", ""))
    instance = instances.get(match.group(1)) if match else None
    if instance is None:
        return []  # external file (jr://file-csv/...) or an expression over the main instance
    value = itemset.find(qualified(XFORMS, "value"))
    value_ref = (value.get("ref", "name") if value is not None else "name").strip()
    value_ref = value_ref.removeprefix("./")
    names = []
    for inline_root in instance:
        for item in inline_root:
            for child in item:
                if local_name(child.tag) == value_ref and child.text and child.text.strip():
                    names.append(child.text.strip())
    return names


def _read_fields(
    data: Element,
    binds: Mapping[str, _Bind],
    controls: Mapping[str, tuple[str, tuple[str, ...]]],
) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for path in _leaf_paths(data, ""):
        if path in fields:
            continue  # a repeat's jr:template and its first copy share paths
        bind = binds.get(path)
        control, choices = controls.get(path, (None, ()))
        fields[path] = Field(
            path=path,
            type=bind.type if bind else "string",
            choices=choices,
            attrs=bind.attrs if bind else MappingProxyType({}),
            control=control,
            preload=bind.preload if bind else None,
        )
    return fields


def _leaf_paths(element: Element, parent: str) -> Iterator[str]:
    path = f"{parent}/{local_name(element.tag)}"
    children = list(element)
    if not children:
        yield path
    for child in children:
        yield from _leaf_paths(child, path)


def read_languages(model: Element) -> tuple[tuple[str, ...], str | None]:
    itext = model.find(qualified(XFORMS, "itext"))
    if itext is None:
        return (), None
    languages: list[str] = []
    default = None
    for translation in itext.findall(qualified(XFORMS, "translation")):
        lang = translation.get("lang", "")
        languages.append(lang)
        if default is None and translation.get("default", "").strip() in ("true()", "true"):
            default = lang
    if default is None and languages:
        default = languages[0]
    return tuple(languages), default


def _media(root: Element) -> tuple[str, ...]:
    """Base names of jr://images|audio|video|file|file-csv references anywhere in the form."""
    names: set[str] = set()
    for element in root.iter():
        candidates = [element.text or "", *element.attrib.values()]
        for candidate in candidates:
            name = _media_name(candidate)
            if name:
                names.add(name)
    return tuple(sorted(names))


def _media_name(value: str) -> str | None:
    value = value.strip()
    if not value.startswith("jr://"):
        return None
    scheme, _, rest = value[len("jr://") :].partition("/")
    if scheme not in MEDIA_SCHEMES:
        return None
    return rest.rsplit("/", 1)[-1] or None
