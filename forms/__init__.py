"""sangloc's pure form package: XLSForm -> XForm, XForm reading, instance parsing, OpenRosa XML.

One entry point per stage, each returning data:

- ``convert_xlsform`` (pyxform, in process) -> :class:`Conversion` (XForm bytes + warnings);
- ``validate_xform`` (JavaRosa via the ODK Validate jar in the pyxform wheel);
- ``read_xform`` -> :class:`XFormInfo` (id, version, fields, media, languages);
- ``parse_instance`` -> :class:`ParsedInstance` (what a submission says, before any lookup)
  and ``attachment_names`` (the files it names in binary fields);
- ``render_form_list`` / ``render_manifest`` / ``render_response`` / ``render_integrity``.

Failures are :class:`FormError` with a code from :data:`CODES`; warnings are returned, never
printed. This package is pure: it must not import Flask, SQLAlchemy, marshmallow, APScheduler,
``server``, ``sync`` or ``screening_tools``, and it is sangloc's only importer of pyxform.
"""

from forms.errors import CODES, FormError
from forms.instance import ParsedInstance, attachment_names, parse_instance
from forms.openrosa_xml import (
    FormListEntry,
    MediaFileEntry,
    render_form_list,
    render_integrity,
    render_manifest,
    render_response,
)
from forms.validate import java_path, validate_xform
from forms.xform import Field, XFormInfo, read_xform
from forms.xlsform import Conversion, convert_xlsform

__all__ = [
    "CODES",
    "Conversion",
    "Field",
    "FormError",
    "FormListEntry",
    "MediaFileEntry",
    "ParsedInstance",
    "XFormInfo",
    "attachment_names",
    "convert_xlsform",
    "java_path",
    "parse_instance",
    "read_xform",
    "render_form_list",
    "render_integrity",
    "render_manifest",
    "render_response",
    "validate_xform",
]
