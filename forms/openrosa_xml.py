"""Rendering of the OpenRosa XML documents the server sends to clients.

Form list (openrosa.md a.3), manifest (a.5), entity-list integrity (a.7) and the
``OpenRosaResponse`` envelope (a.10), as UTF-8 bytes with an XML declaration; every text and
attribute value is escaped and characters XML 1.0 cannot carry are dropped. This module only
renders: it must not choose HTTP statuses or headers, build URLs, or compute hashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from forms.xmlns import OPENROSA_RESPONSE, XFORMS_LIST, XFORMS_MANIFEST

_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
# C0 controls other than tab, LF and CR, lone surrogates and U+FFFE/U+FFFF are not allowed
# anywhere in an XML 1.0 document (XML 1.0 section 2.2, production Char).
_INVALID_XML_CHARS = {code: None for code in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
_INVALID_XML_CHARS.update({code: None for code in (*range(0xD800, 0xE000), 0xFFFE, 0xFFFF)})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;",
     "\t": "&#9;"}
)  # fmt: skip


@dataclass(frozen=True)
class FormListEntry:
    """One <xform> of the form list; ``hash_md5`` is the bare hex digest of the served bytes."""

    form_id: str
    name: str
    version: str | None
    hash_md5: str
    download_url: str
    manifest_url: str | None


@dataclass(frozen=True)
class MediaFileEntry:
    """One <mediaFile> of a manifest; entity lists carry ``type="entityList"`` and an
    integrity URL."""

    filename: str
    hash_md5: str
    download_url: str
    entity_list: bool = False
    integrity_url: str | None = None


def escape_text(value: str) -> str:
    """``value`` made safe as XML character data."""
    return value.translate(_INVALID_XML_CHARS).translate(_TEXT_ESCAPES)


def escape_attribute(value: str) -> str:
    """``value`` made safe inside a double-quoted XML attribute."""
    return value.translate(_INVALID_XML_CHARS).translate(_ATTR_ESCAPES)


def _element(name: str, value: str) -> str:
    return f"<{name}>{escape_text(value)}</{name}>" if value else f"<{name}/>"


def _md5(hex_digest: str) -> str:
    """The ``md5:<hex>`` form Collect expects, whether or not the prefix was given."""
    return "md5:" + hex_digest.removeprefix("md5:")


def _document(root: str, namespace: str, parts: list[str], attributes: str = "") -> bytes:
    opening = f'<{root} xmlns="{namespace}"{attributes}'
    if not parts:
        return f"{_DECLARATION}{opening}/>\n".encode()
    body = "".join(parts)
    return f"{_DECLARATION}{opening}>\n{body}</{root}>\n".encode()


def render_form_list(entries: Iterable[FormListEntry]) -> bytes:
    """The ``<xforms>`` form list, as ODK Central renders it: ``<name>`` falls back to the form
    id (Collect rejects an empty name), ``<version/>`` is always present (empty when None) and
    ``<manifestUrl>`` only appears when given."""
    parts = []
    for entry in entries:
        lines = [
            _element("formID", entry.form_id),
            _element("name", entry.name.strip() or entry.form_id),
            _element("version", entry.version or ""),
            _element("hash", _md5(entry.hash_md5)),
            _element("downloadUrl", entry.download_url),
        ]
        if entry.manifest_url:
            lines.append(_element("manifestUrl", entry.manifest_url))
        parts.append("  <xform>\n" + "".join(f"    {line}\n" for line in lines) + "  </xform>\n")
    return _document("xforms", XFORMS_LIST, parts)


def render_manifest(entries: Iterable[MediaFileEntry]) -> bytes:
    """The ``<manifest>`` of a form's media files and entity lists."""
    parts = []
    for entry in entries:
        lines = [
            _element("filename", entry.filename),
            _element("hash", _md5(entry.hash_md5)),
            _element("downloadUrl", entry.download_url),
        ]
        opening = "  <mediaFile>\n"
        if entry.entity_list:
            opening = '  <mediaFile type="entityList">\n'
            if entry.integrity_url:
                lines.append(_element("integrityUrl", entry.integrity_url))
        parts.append(opening + "".join(f"    {line}\n" for line in lines) + "  </mediaFile>\n")
    return _document("manifest", XFORMS_MANIFEST, parts)


def render_response(message: str, *, nature: str = "") -> bytes:
    """The ``<OpenRosaResponse>`` envelope with one ``<message>`` (a.10)."""
    part = f'  <message nature="{escape_attribute(nature)}">{escape_text(message)}</message>\n'
    return _document("OpenRosaResponse", OPENROSA_RESPONSE, [part], ' items="0"')


def render_integrity(states: Iterable[tuple[str, bool]]) -> bytes:
    """The entity-list integrity answer: one ``<entity id>`` with ``<deleted>`` per id (a.7)."""
    parts = [
        f'    <entity id="{escape_attribute(entity_id)}">'
        f"<deleted>{'true' if deleted else 'false'}</deleted></entity>\n"
        for entity_id, deleted in states
    ]
    entities = "  <entities>\n" + "".join(parts) + "  </entities>\n" if parts else "  <entities/>\n"
    return f"{_DECLARATION}<data>\n{entities}</data>\n".encode()
