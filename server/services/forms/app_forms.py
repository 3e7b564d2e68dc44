"""The forms the mobile web app downloads: the open forms of the caller's scope, with media.

The same forms and files a device gets over OpenRosa (``device_forms``, ``media``), with one
difference: the case list. ``cases.csv`` is never listed (nor built, which would read the whole
area); ``case_list`` says the form picks a person from it, and the app writes a one-person
``cases.csv`` itself from the list it keeps. ``communes.csv`` is generated for the caller's home
commune, as for a device.
"""

from __future__ import annotations

from dataclasses import dataclass

from server import problems
from server.models import FormVersion
from server.services.access.scope import Scope
from server.services.forms import device_forms
from server.services.forms.media import CASE_LIST, MediaFile, get_media, media_for
from server.storage import BlobStore


@dataclass(frozen=True)
class AppForm:
    form_id: str
    version: str
    title: str
    md5: str
    case_list: bool
    media: tuple[MediaFile, ...]


def forms_for(scope: Scope) -> list[AppForm]:
    """The current version of every open form ``scope`` may use, by form id."""
    found = []
    for listed in device_forms.list_forms_for(scope):
        version = device_forms.get_current_version(scope, listed.form_id)
        found.append(AppForm(listed.form_id, listed.version, listed.title or listed.form_id,
                             listed.md5, CASE_LIST in version.media,
                             tuple(media_for(version, scope, leave_out=CASE_LIST))))
    return found


def current_version(scope: Scope, form_id: str) -> FormVersion:
    """A form's current version (404.1 unknown, 403.2 not the caller's)."""
    return device_forms.get_current_version(scope, form_id)


def media_file(scope: Scope, form_id: str, name: str, blobs: BlobStore) -> MediaFile:
    """One listed file's bytes; ``cases.csv`` is not served here (404.4)."""
    version = current_version(scope, form_id)
    if name == CASE_LIST:
        raise problems.not_found()
    return get_media(version, scope, blobs, name)
