"""XML namespace constants and small name helpers shared by the ``forms`` modules.

Holds the namespace URIs of XForms/ODK/OpenRosa documents, the canonical prefix for each, and
helpers to split ElementTree's ``{uri}local`` names. It must not parse or render documents.
"""

from __future__ import annotations

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
JAVAROSA = "http://openrosa.org/javarosa"
ORX = "http://openrosa.org/xforms"
ODK = "http://www.opendatakit.org/xforms"
EVENTS = "http://www.w3.org/2001/xml-events"
XSD = "http://www.w3.org/2001/XMLSchema"
SANGLOC = "urn:sangloc"

XFORMS_LIST = "http://openrosa.org/xforms/xformsList"
XFORMS_MANIFEST = "http://openrosa.org/xforms/xformsManifest"
OPENROSA_RESPONSE = "http://openrosa.org/http/response"

# Canonical prefixes: an attribute in one of these namespaces is keyed with this prefix,
# whatever prefix the document itself declared.
CANONICAL_PREFIXES: dict[str, str] = {
    JAVAROSA: "jr",
    ORX: "orx",
    ODK: "odk",
    EVENTS: "ev",
    XSD: "xsd",
    XHTML: "h",
    SANGLOC: "sangloc",
}


def local_name(tag: str) -> str:
    """``{uri}local`` or ``prefix:local`` or ``local`` -> ``local``."""
    if tag[:1] == "{":
        return tag[tag.index("}") + 1 :]
    return tag.rpartition(":")[2]


def namespace_uri(tag: str) -> str:
    """``{uri}local`` -> ``uri``; ``""`` for names without a namespace."""
    if tag[:1] == "{":
        return tag[1 : tag.index("}")]
    return ""


def qualified(uri: str, local: str) -> str:
    """ElementTree's name for ``local`` in namespace ``uri``."""
    return f"{{{uri}}}{local}"
