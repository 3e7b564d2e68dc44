"""Parsing submitted instances (forms.instance): the three engines of openrosa.md (c)."""

from __future__ import annotations

import pytest

from forms import (
    FormError,
    ParsedInstance,
    attachment_names,
    convert_xlsform,
    parse_instance,
    read_xform,
)

INSTANCE_ID = "uuid:6f1f8a52-3c2b-4f63-9d3e-1b2a2f0c7d11"

# The same answers (q1 yes, q2 no, age 42, score 1, refer not relevant, comment blank) as
# serialised by each engine; written by hand from openrosa.md section (c).
JAVAROSA = (
    "<?xml version='1.0' encoding='UTF-8' ?>"
    '<data xmlns:ev="http://www.w3.org/2001/xml-events" xmlns:orx="http://openrosa.org/xforms"'
    ' xmlns:odk="http://www.opendatakit.org/xforms" xmlns:h="http://www.w3.org/1999/xhtml"'
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:jr="http://openrosa.org/javarosa"'
    ' id="screening_demo" version="2024010101">'
    "<grp><q1>yes</q1><q2>no</q2></grp><age>42</age><score>1</score><comment />"
    f"<meta><instanceID>{INSTANCE_ID}</instanceID></meta></data>"
)
WEB_FORMS = (
    '<data id="screening_demo" version="2024010101">'
    "<grp><q1>yes</q1><q2>no</q2></grp><age>42</age><score>1</score><comment/>"
    f"<meta><instanceID>{INSTANCE_ID}</instanceID></meta></data>"
)
ENKETO = f"""<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"
      id="screening_demo" version="2024010101">
        <grp>
            <q1>yes</q1>
            <q2>no</q2>
        </grp>
        <age>42</age>
        <score>1</score>
        <refer/>
        <comment>   </comment>
        <meta>
            <instanceID>{INSTANCE_ID}</instanceID>
        </meta>
    </data>"""
EXPECTED_VALUES = {
    "/data/grp/q1": "yes",
    "/data/grp/q2": "no",
    "/data/age": "42",
    "/data/score": "1",
    "/data/meta/instanceID": INSTANCE_ID,
}


def instance(body: str, *, root: str = 'data id="f" version="1"', meta: str = "") -> bytes:
    meta = meta or f"<meta><instanceID>{INSTANCE_ID}</instanceID></meta>"
    name = root.split(maxsplit=1)[0]
    return f"<{root}>{body}{meta}</{name}>".encode()


@pytest.mark.parametrize("xml", [JAVAROSA, WEB_FORMS, ENKETO], ids=["javarosa", "web", "enketo"])
def test_three_serialisations_give_the_same_answers(xml):
    parsed = parse_instance(xml.encode())

    assert isinstance(parsed, ParsedInstance)
    assert (parsed.form_id, parsed.version, parsed.root_name) == (
        "screening_demo",
        "2024010101",
        "data",
    )
    assert parsed.instance_id == INSTANCE_ID
    assert parsed.deprecated_id is None
    assert dict(parsed.values) == EXPECTED_VALUES


def test_missing_empty_and_blank_are_all_unanswered():
    parsed = parse_instance(instance("<a/><b></b><c> \n\t </c><d> kept inside </d>"))

    for path in ("/data/a", "/data/b", "/data/c", "/data/not_there"):
        assert parsed.value(path) is None
        assert path not in parsed.values
    assert parsed.value("/data/d") == "kept inside"


def test_form_identity_comes_from_attributes_not_root_name():
    parsed = parse_instance(instance("<q>1</q>", root='anything id="mchat_r" version="3"'))

    assert (parsed.form_id, parsed.version, parsed.root_name) == ("mchat_r", "3", "anything")
    assert parsed.value("/anything/q") == "1"
    assert parsed.instance_id == INSTANCE_ID


def test_missing_version_is_none():
    assert parse_instance(instance("", root='data id="f"')).version is None


def test_namespaced_meta_with_deprecated_id():
    meta = (
        '<orx:meta xmlns:orx="http://openrosa.org/xforms">'
        "<orx:instanceID> uuid:new </orx:instanceID>"
        "<orx:deprecatedID>uuid:old</orx:deprecatedID>"
        "</orx:meta>"
    )
    parsed = parse_instance(instance("<q>1</q>", meta=meta))

    assert (parsed.instance_id, parsed.deprecated_id) == ("uuid:new", "uuid:old")
    assert parsed.value("/data/meta/instanceID") == "uuid:new"


def test_default_namespace_on_root_is_ignored():
    xml = instance("<q>1</q>", root='data xmlns="http://www.w3.org/2002/xforms" id="f"')

    assert parse_instance(xml).value("/data/q") == "1"


def test_repeats_number_later_occurrences():
    body = (
        "<hh>A</hh>"
        "<child><name>An</name><sib><n>1</n></sib><sib><n>2</n></sib></child>"
        "<child><name>Bình</name></child>"
        "<child><name/><sib><n>3</n></sib></child>"
    )
    parsed = parse_instance(instance(body))

    assert {path: value for path, value in parsed.values.items() if "meta" not in path} == {
        "/data/hh": "A",
        "/data/child/name": "An",
        "/data/child/sib/n": "1",
        "/data/child/sib[2]/n": "2",
        "/data/child[2]/name": "Bình",
        "/data/child[3]/sib/n": "3",
    }


def test_vietnamese_and_escaped_text():
    parsed = parse_instance(instance("<ten>Nguyễn Thị &amp; &lt;Ngọc&gt;</ten>"))

    assert parsed.value("/data/ten") == "Nguyễn Thị & <Ngọc>"


@pytest.mark.parametrize(
    "xml",
    [
        # DOCTYPE with external entity (XXE)
        b'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<data id="f"><q>&xxe;</q><meta><instanceID>uuid:x</instanceID></meta></data>',
        # billion laughs
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<data id="f"><q>&lol3;</q><meta><instanceID>uuid:x</instanceID></meta></data>',
        # a bare DOCTYPE, even without entities
        b'<!DOCTYPE data><data id="f"><meta><instanceID>uuid:x</instanceID></meta></data>',
        # external DTD
        b'<!DOCTYPE data SYSTEM "http://example.invalid/x.dtd">'
        b'<data id="f"><meta><instanceID>uuid:x</instanceID></meta></data>',
    ],
    ids=["xxe", "billion-laughs", "bare-doctype", "external-dtd"],
)
def test_dtd_and_entities_are_forbidden(xml):
    with pytest.raises(FormError) as caught:
        parse_instance(xml)
    assert caught.value.code == "instance_dtd_forbidden"


@pytest.mark.parametrize(("encoding", "code"), [
    ("utf-16", "instance_dtd_forbidden"), ("utf-16-le", "instance_dtd_forbidden"),
    ("utf-16-be", "instance_dtd_forbidden"), ("utf-32", "instance_malformed")])
def test_a_doctype_in_another_encoding_is_refused(encoding, code):
    """A DOCTYPE written in UTF-16 or UTF-32, where the bytes ``<!DOCTYPE`` do not appear, is
    refused like any other (expat recognises UTF-16 by its bytes whatever it is told)."""
    xml = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
           '<!DOCTYPE data [<!ENTITY x "boom">]>'
           '<data id="f"><q>&x;</q><meta><instanceID>uuid:x</instanceID></meta></data>'
           ).encode(encoding)
    assert b"<!DOCTYPE" not in xml
    with pytest.raises(FormError) as caught:
        parse_instance(xml)
    assert caught.value.code == code


@pytest.mark.parametrize("mention", [
    "<!-- <!DOCTYPE data> -->",
    "<note><![CDATA[<!DOCTYPE data>]]></note>",
])
def test_the_word_doctype_in_a_comment_or_cdata_is_no_declaration(mention):
    parsed = parse_instance(instance(f"<q>1</q>{mention}"))

    assert parsed.value("/data/q") == "1"
    assert parsed.value("/data/note") in (None, "<!DOCTYPE data>")


@pytest.mark.parametrize(
    "xml",
    [
        b"",
        b"   \n",
        b"not xml at all",
        b'<data id="f"><meta><instanceID>uuid:x</instanceID></meta>',
        b'<data id="f"><q>1</r></data>',
        b'<data id="f"></data><data id="g"></data>',
        b'<data id="f"><q>caf\xe9</q><meta><instanceID>uuid:x</instanceID></meta></data>',
        b"<?xml version='1.0' encoding='ISO-8859-1'?><data id=\"f\"><q>caf\xe9</q></data>",
        b"\xff\xfe<\x00d\x00",
    ],
    ids=[
        "empty",
        "blank",
        "text",
        "truncated",
        "mismatched",
        "two-roots",
        "non-utf8",
        "latin1-declared",
        "utf16-bom",
    ],
)
def test_malformed(xml):
    with pytest.raises(FormError) as caught:
        parse_instance(xml)
    assert caught.value.code == "instance_malformed"


def test_no_form_id():
    with pytest.raises(FormError) as caught:
        parse_instance(instance("<q>1</q>", root='data version="1"'))
    assert caught.value.code == "instance_no_form_id"


@pytest.mark.parametrize(
    "meta",
    [
        "<meta><instanceID/></meta>",
        "<meta><instanceID>  </instanceID></meta>",
        "<meta><deprecatedID>uuid:old</deprecatedID></meta>",
        "<other/>",
        "<grp><meta><instanceID>uuid:nested</instanceID></meta></grp>",
    ],
)
def test_no_instance_id(meta):
    with pytest.raises(FormError) as caught:
        parse_instance(instance("<q>1</q>", meta=meta))
    assert caught.value.code == "instance_no_instance_id"


def nested(depth: int) -> bytes:
    """An instance whose deepest element sits at ``depth`` (root = 1)."""
    inner = "<v>1</v>"
    for _ in range(depth - 2):
        inner = f"<g>{inner}</g>"
    return instance(inner)


def test_nesting_up_to_64_is_accepted():
    parsed = parse_instance(nested(64))

    assert parsed.value("/data" + "/g" * 62 + "/v") == "1"


def test_nesting_deeper_than_64_is_refused():
    with pytest.raises(FormError) as caught:
        parse_instance(nested(65))
    assert caught.value.code == "instance_too_deep"


ATTACHMENT_FORM = """
| survey |
|        | type         | name      | label |
|        | image        | photo     | Ảnh   |
|        | begin_repeat | visit     | Lần   |
|        | audio        | recording | Ghi âm |
|        | text         | note      | Ghi chú |
|        | end_repeat   |           |       |
"""


def test_attachment_names_follow_binary_fields_in_repeats():
    info = read_xform(convert_xlsform(ATTACHMENT_FORM.encode(), "att.md").xml)
    body = (
        "<photo>anh 1.jpg</photo>"
        "<visit><recording>ghi-âm.m4a</recording><note>not.a.file</note></visit>"
        "<visit><recording/></visit>"
        "<visit><recording>third.m4a</recording></visit>"
    )

    parsed = parse_instance(instance(body, root='data id="att"'))
    names = attachment_names(parsed, info.binary_fields)

    assert names == frozenset({"anh 1.jpg", "ghi-âm.m4a", "third.m4a"})


def test_attachment_names_empty_without_binary_fields(anchor_xml):
    info = read_xform(anchor_xml)

    parsed = parse_instance(instance("<q01>yes</q01>"))
    assert attachment_names(parsed, info.binary_fields) == frozenset()
