"""Rendering of OpenRosa documents (forms.openrosa_xml), parsed back and checked field by field."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from forms import (
    FormListEntry,
    MediaFileEntry,
    render_form_list,
    render_integrity,
    render_manifest,
    render_response,
)

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'
HASH = "0123456789abcdef0123456789abcdef"
BASE = "https://sangloc.example/key/T0K3N/projects/7"


def parse(document: bytes) -> ET.Element:
    assert document.startswith(DECLARATION)
    document.decode("utf-8")  # must be UTF-8
    return ET.fromstring(document)


def children(element: ET.Element, namespace: str) -> dict[str, str | None]:
    return {child.tag.removeprefix(namespace): child.text for child in element}


def test_form_list_entries():
    entries = [
        FormListEntry(
            form_id="mchat_r",
            name="Sàng lọc tự kỷ <M-CHAT-R> & theo dõi",
            version="2024010101",
            hash_md5=HASH,
            download_url=f"{BASE}/forms/mchat_r.xml?a=1&b=2",
            manifest_url=f"{BASE}/forms/mchat_r/manifest",
        ),
        FormListEntry(
            form_id="phq9",
            name="PHQ-9",
            version=None,
            hash_md5="md5:" + HASH,
            download_url=f"{BASE}/forms/phq9.xml",
            manifest_url=None,
        ),
    ]

    root = parse(render_form_list(entries))

    assert root.tag == f"{LIST_NS}xforms"
    first, second = root.findall(f"{LIST_NS}xform")
    assert children(first, LIST_NS) == {
        "formID": "mchat_r",
        "name": "Sàng lọc tự kỷ <M-CHAT-R> & theo dõi",
        "version": "2024010101",
        "hash": f"md5:{HASH}",
        "downloadUrl": f"{BASE}/forms/mchat_r.xml?a=1&b=2",
        "manifestUrl": f"{BASE}/forms/mchat_r/manifest",
    }
    assert children(second, LIST_NS) == {
        "formID": "phq9",
        "name": "PHQ-9",
        "version": None,  # present and empty, as ODK Central renders it
        "hash": f"md5:{HASH}",
        "downloadUrl": f"{BASE}/forms/phq9.xml",
    }


def test_form_list_escapes_markup():
    entry = FormListEntry("f", "a & b < c > d", "1", HASH, f"{BASE}/forms/f.xml?x=1&y=2", None)

    document = render_form_list([entry])

    assert b"<name>a &amp; b &lt; c &gt; d</name>" in document
    assert b"?x=1&amp;y=2" in document


def test_form_list_name_falls_back_to_form_id():
    entry = FormListEntry("phq9", "  ", "1", HASH, f"{BASE}/forms/phq9.xml", None)

    xform = parse(render_form_list([entry])).find(f"{LIST_NS}xform")

    assert xform.findtext(f"{LIST_NS}name") == "phq9"


def test_empty_form_list_is_a_valid_empty_document():
    root = parse(render_form_list([]))

    assert root.tag == f"{LIST_NS}xforms"
    assert list(root) == []


def test_manifest_media_and_entity_list():
    entries = [
        MediaFileEntry("làng & xã.csv", HASH, f"{BASE}/forms/f/attachments/l%C3%A0ng.csv"),
        MediaFileEntry(
            "children.csv",
            "md5:" + HASH,
            f"{BASE}/forms/f/attachments/children.csv",
            entity_list=True,
            integrity_url=f"{BASE}/datasets/children/integrity",
        ),
    ]

    root = parse(render_manifest(entries))

    assert root.tag == f"{MANIFEST_NS}manifest"
    media, entity_list = root.findall(f"{MANIFEST_NS}mediaFile")
    assert media.attrib == {}
    assert children(media, MANIFEST_NS) == {
        "filename": "làng & xã.csv",
        "hash": f"md5:{HASH}",
        "downloadUrl": f"{BASE}/forms/f/attachments/l%C3%A0ng.csv",
    }
    assert entity_list.attrib == {"type": "entityList"}
    assert children(entity_list, MANIFEST_NS) == {
        "filename": "children.csv",
        "hash": f"md5:{HASH}",
        "downloadUrl": f"{BASE}/forms/f/attachments/children.csv",
        "integrityUrl": f"{BASE}/datasets/children/integrity",
    }


def test_empty_manifest():
    root = parse(render_manifest([]))

    assert root.tag == f"{MANIFEST_NS}manifest"
    assert list(root) == []


def test_response_envelope():
    text = "Nguy cơ cao — cần chuyển gửi <ngay> & gọi lại"

    root = parse(render_response(text, nature="submit_success"))

    assert root.tag == f"{RESPONSE_NS}OpenRosaResponse"
    assert root.attrib == {"items": "0"}
    (message,) = list(root)
    assert message.tag == f"{RESPONSE_NS}message"
    assert message.attrib == {"nature": "submit_success"}
    assert message.text == text


def test_response_default_nature_is_empty_and_attribute_is_escaped():
    assert parse(render_response("ok")).find(f"{RESPONSE_NS}message").attrib == {"nature": ""}
    message = parse(render_response("x", nature='a"b<&')).find(f"{RESPONSE_NS}message")
    assert message.attrib == {"nature": 'a"b<&'}


def test_control_characters_are_dropped_not_emitted():
    root = parse(render_response("bad\x00\x08\x1b char\tok\n"))

    assert root.find(f"{RESPONSE_NS}message").text == "bad char\tok\n"


def test_integrity_states():
    states = [("uuid:a1", False), ('weird"<&id', True)]

    root = parse(render_integrity(states))

    assert root.tag == "data"
    entities = root.find("entities")
    assert entities is not None
    assert [(entity.get("id"), entity.findtext("deleted")) for entity in entities] == [
        ("uuid:a1", "false"),
        ('weird"<&id', "true"),
    ]
    assert all(len(entity) == 1 for entity in entities)


def test_integrity_without_ids():
    root = parse(render_integrity([]))

    assert [child.tag for child in root] == ["entities"]
    assert list(root.find("entities")) == []
