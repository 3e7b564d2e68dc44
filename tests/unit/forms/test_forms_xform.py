"""Reading XForm definitions (forms.xform): pyxform output and hand-written XForms."""

from __future__ import annotations

import pytest

from forms import FormError, convert_xlsform, read_xform

ANCHOR_ITEMS = [f"/data/q{number:02d}" for number in range(1, 21)]

HAND_WRITTEN = """<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"
        xmlns:odk="http://www.opendatakit.org/xforms" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
        xmlns:sl="urn:sangloc" xmlns:x="urn:example:other">
  <h:head>
    <h:title>  Phiếu thăm hộ  </h:title>
    <model>
      <itext>
        <translation lang="English (en)">
          <text id="/screen/intro:label">
            <value>Welcome</value><value form="image">jr://images/logo.png</value>
          </text>
        </translation>
        <translation lang="Tiếng Việt (vi)" default="true()">
          <text id="/screen/intro:label">
            <value>Xin chào</value><value form="audio">jr://audio/voice/chao.mp3</value>
          </text>
        </translation>
      </itext>
      <instance>
        <screen id="child_visit" version="7">
          <intro/>
          <household>
            <village/>
            <child jr:template="">
              <name/>
              <photo/>
            </child>
          </household>
          <mood/>
          <orx:meta><orx:instanceID/></orx:meta>
        </screen>
      </instance>
      <instance id="villages" src="jr://file-csv/villages.csv"/>
      <instance id="moods">
        <root>
          <item><name>calm</name><label>Bình tĩnh</label></item>
          <item><name>upset</name><label>Buồn bực</label></item>
        </root>
      </instance>
      <bind nodeset="/screen/intro" readonly="true()"/>
      <bind nodeset="/screen/household/village" type="xsd:string" sl:item="household.village"
            x:hint="other"/>
      <bind nodeset="/screen/household/child/name" type="string" required="true()"
            jr:requiredMsg="Cần nhập tên"/>
      <bind nodeset="/screen/household/child/photo" type="binary"/>
      <bind nodeset="/screen/mood" type="select"/>
      <bind nodeset="/screen/orx:meta/orx:instanceID" type="string" readonly="true()"
            jr:preload="uid"/>
    </model>
  </h:head>
  <h:body>
    <trigger ref="/screen/intro"><label ref="jr:itext('/screen/intro:label')"/></trigger>
    <group ref="/screen/household">
      <select1 ref="village">
        <label>Village</label>
        <itemset nodeset="instance('villages')/root/item">
          <value ref="name"/><label ref="label"/>
        </itemset>
      </select1>
      <group ref="/screen/household/child">
        <repeat nodeset="/screen/household/child">
          <input ref="name"><label>Name</label></input>
          <upload ref="photo" mediatype="image/*" odk:frame="jr://images/frame.png">
            <label>Photo</label>
          </upload>
        </repeat>
      </group>
    </group>
    <select ref="/screen/mood">
      <label>Mood</label>
      <itemset nodeset="instance('moods')/root/item[name != '']">
        <value ref="name"/><label ref="label"/>
      </itemset>
    </select>
  </h:body>
</h:html>
"""


def test_anchor_screen(anchor_xml):
    info = read_xform(anchor_xml)

    assert (info.form_id, info.version, info.root_name) == ("anchor_screen", "1", "data")
    assert info.title == "Anchor screening form"
    # 4 child details + 20 items + score + meta/instanceID (the file has 26 binds).
    assert list(info.fields) == [
        "/data/child_name",
        "/data/dob",
        "/data/sex",
        "/data/commune",
        *ANCHOR_ITEMS,
        "/data/score",
        "/data/meta/instanceID",
    ]
    assert info.fields["/data/dob"].type == "date"
    assert info.fields["/data/score"].type == "int"
    assert info.fields["/data/child_name"].type == "string"
    assert info.fields["/data/sex"].choices == ("male", "female")
    assert info.fields["/data/q07"].choices == ("yes", "no")
    assert info.fields["/data/q07"].control == "select1"
    assert info.fields["/data/child_name"].choices == ()
    assert info.fields["/data/score"].control is None
    assert info.fields["/data/meta/instanceID"].attrs == {}
    assert (info.media, info.binary_fields) == ((), ())
    assert (info.languages, info.default_language) == ((), None)


def test_hand_written_form_header_and_languages():
    info = read_xform(HAND_WRITTEN.encode())

    assert (info.form_id, info.version, info.root_name) == ("child_visit", "7", "screen")
    assert info.title == "Phiếu thăm hộ"
    assert info.languages == ("English (en)", "Tiếng Việt (vi)")
    assert info.default_language == "Tiếng Việt (vi)"


def test_hand_written_form_fields():
    info = read_xform(HAND_WRITTEN.encode())

    assert list(info.fields) == [
        "/screen/intro",
        "/screen/household/village",
        "/screen/household/child/name",
        "/screen/household/child/photo",
        "/screen/mood",
        "/screen/meta/instanceID",
    ]
    village = info.fields["/screen/household/village"]
    assert (village.type, village.control, village.choices) == ("string", "select1", ())
    # attributes keyed by the canonical prefix of their namespace, not the document's prefix
    assert dict(village.attrs) == {"sangloc:item": "household.village", "x:hint": "other"}
    name = info.fields["/screen/household/child/name"]
    assert (name.type, name.control, dict(name.attrs)) == ("string", "input", {})
    mood = info.fields["/screen/mood"]
    assert (mood.type, mood.control, mood.choices) == ("select", "select", ("calm", "upset"))
    assert info.fields["/screen/intro"].control == "trigger"
    assert info.fields["/screen/intro"].type == "string"
    assert info.binary_fields == ("/screen/household/child/photo",)


def test_hand_written_form_media():
    info = read_xform(HAND_WRITTEN.encode())

    assert info.media == ("chao.mp3", "frame.png", "logo.png", "villages.csv")


def test_first_language_is_default_when_none_is_marked():
    xml = HAND_WRITTEN.replace(' default="true()"', "").encode()

    assert read_xform(xml).default_language == "English (en)"


def test_missing_version_and_title():
    xml = HAND_WRITTEN.replace(' version="7"', "").replace("  Phiếu thăm hộ  ", "")

    info = read_xform(xml.encode())

    assert info.version is None
    assert info.title == "child_visit"


def test_media_from_xlsform_image_label_and_select_from_file():
    markdown = """
| survey |
|        | type                              | name    | label   | media::image |
|        | select_one_from_file villages.csv | village | Thôn    |              |
|        | note                              | welcome | Xin chào | welcome.png |
|        | select_one yn                     | q01     | Câu 1   |              |
| choices |
|         | list_name | name | label | media::audio |
|         | yn        | yes  | Có    | co.mp3       |
|         | yn        | no   | Không |              |
| settings |
|          | form_id | version |
|          | media_demo | 3    |
"""
    info = read_xform(convert_xlsform(markdown.encode(), "media_demo.md").xml)

    assert info.media == ("co.mp3", "villages.csv", "welcome.png")
    assert info.fields["/data/village"].control == "select1"
    assert info.fields["/data/village"].choices == ()
    assert info.fields["/data/q01"].choices == ("yes", "no")
    assert info.binary_fields == ()


def test_repeat_template_and_first_copy_give_one_field_each():
    markdown = """
| survey |
|        | type         | name  | label |
|        | begin_repeat | child | Trẻ   |
|        | text         | name  | Tên   |
|        | image        | photo | Ảnh   |
|        | end_repeat   |       |       |
"""
    info = read_xform(convert_xlsform(markdown.encode(), "rep.md").xml)

    assert list(info.fields) == ["/data/child/name", "/data/child/photo", "/data/meta/instanceID"]
    assert info.binary_fields == ("/data/child/photo",)
    assert info.fields["/data/child/photo"].control == "upload"


@pytest.mark.parametrize(
    ("xml", "code"),
    [
        (b"", "xform_invalid"),
        (b"<h:html xmlns:h='http://www.w3.org/1999/xhtml'>", "xform_invalid"),
        (b"<data id='x'><a/></data>", "xform_invalid"),
        (
            b"<h:html xmlns:h='http://www.w3.org/1999/xhtml'><h:head/><h:body/></h:html>",
            "xform_invalid",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE h:html [<!ENTITY e "x">]>'
            b"<h:html xmlns:h='http://www.w3.org/1999/xhtml'>&e;</h:html>",
            "xform_invalid",
        ),
    ],
)
def test_not_an_xform(xml, code):
    with pytest.raises(FormError) as caught:
        read_xform(xml)
    assert caught.value.code == code


def test_main_instance_without_id_is_no_form_id(anchor_xml):
    xml = anchor_xml.replace(b'<data id="anchor_screen" version="1">', b"<data>")

    with pytest.raises(FormError) as caught:
        read_xform(xml)

    assert caught.value.code == "no_form_id"
