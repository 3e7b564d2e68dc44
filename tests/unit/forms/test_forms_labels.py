"""The words of an XForm in one language (forms.labels): hand-written XForms and pyxform output."""

from __future__ import annotations

import pytest

from forms import FormError, convert_xlsform
from forms.labels import choose_language, read_labels

XFORM = """<?xml version="1.0" encoding="UTF-8"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa">
  <h:head>
    <h:title>Thăm hộ</h:title>
    <model>
      <itext>
        <translation lang="Tiếng Việt (vi)" default="true()">
          <text id="/visit/home:label"><value>Gia đình</value></text>
          <text id="/visit/home/smoke:label">
            <value form="image">jr://images/smoke.png</value><value>Có ai hút thuốc không?</value>
          </text>
          <text id="yes"><value>Có</value></text>
          <text id="no"><value>Không</value></text>
          <text id="/visit/home/child/age:label">
            <value>Tuổi của <output value=" /visit/home/child/name "/></value>
          </text>
        </translation>
        <translation lang="English (en)">
          <text id="/visit/home:label"><value>Household</value></text>
          <text id="/visit/home/smoke:label"><value>Does anyone smoke?</value></text>
          <text id="yes"><value>Yes</value></text>
        </translation>
      </itext>
      <instance>
        <visit id="home_visit">
          <home><smoke/><pets/><child><name/><age/></child><village/></home>
          <meta><instanceID/></meta>
        </visit>
      </instance>
      <instance id="pets">
        <root>
          <item><name>cat</name><label>Mèo</label></item>
          <item><name>dog</name><label>Chó</label></item>
        </root>
      </instance>
      <instance id="villages" src="jr://file-csv/villages.csv"/>
    </model>
  </h:head>
  <h:body>
    <group ref="/visit/home">
      <label ref="jr:itext('/visit/home:label')"/>
      <select1 ref="/visit/home/smoke">
        <label ref="jr:itext('/visit/home/smoke:label')"/>
        <item><label ref="jr:itext('yes')"/><value>yes</value></item>
        <item><label ref="jr:itext('no')"/><value>no</value></item>
      </select1>
      <select ref="pets">
        <label>Vật nuôi</label>
        <itemset nodeset="instance('pets')/root/item[name != '']">
          <value ref="name"/><label ref="label"/>
        </itemset>
      </select>
      <group ref="child">
        <repeat nodeset="/visit/home/child">
          <input ref="name"><label>Tên trẻ</label></input>
          <input ref="age"><label ref="jr:itext('/visit/home/child/age:label')"/></input>
        </repeat>
      </group>
      <select1 ref="/visit/home/village">
        <label>Thôn</label>
        <itemset nodeset="instance('villages')/root/item">
          <value ref="name"/><label ref="label"/>
        </itemset>
      </select1>
    </group>
  </h:body>
</h:html>
""".encode()


def test_labels_in_the_default_language():
    labels = read_labels(XFORM, "vi")
    assert labels.language == "Tiếng Việt (vi)"
    assert labels.groups == {"/visit/home": "Gia đình"}
    smoke = labels.question("/visit/home/smoke")
    assert (smoke.label, smoke.control, smoke.group) == \
        ("Có ai hút thuốc không?", "select1", "/visit/home")  # the plain value, not the image
    assert dict(smoke.choices) == {"yes": "Có", "no": "Không"}
    assert labels.answer_words("/visit/home/smoke", "no") == "Không"


def test_english_falls_back_to_the_default_for_a_missing_text():
    labels = read_labels(XFORM, "en")
    assert labels.language == "English (en)"
    assert labels.groups["/visit/home"] == "Household"
    assert labels.question("/visit/home/smoke").label == "Does anyone smoke?"
    assert labels.answer_words("/visit/home/smoke", "yes") == "Yes"
    assert labels.answer_words("/visit/home/smoke", "no") == "Không"  # no English text


def test_itemsets_select_multiple_repeats_and_outputs():
    labels = read_labels(XFORM, "vi", {"/visit/home/child/name": "Bé Na"})
    assert labels.answer_words("/visit/home/pets", "cat dog") == "Mèo, Chó"
    assert labels.answer_words("/visit/home/pets", "cat fish") is None  # an unknown name
    assert labels.question("/visit/home/child[2]/name").label == "Tên trẻ"
    assert labels.question("/visit/home/child/age").label == "Tuổi của Bé Na"
    assert read_labels(XFORM, "vi").question("/visit/home/child/age").label == "Tuổi của …"
    village = labels.question("/visit/home/village")
    assert village.choices == {} and labels.answer_words("/visit/home/village", "t1") is None
    assert labels.question("/visit/meta/instanceID") is None  # not asked


@pytest.mark.parametrize("wanted,expected", [
    ("en", "English (en)"), ("vi", "Tiếng Việt (vi)"), ("fr", "Tiếng Việt (vi)")])
def test_choosing_a_translation(wanted, expected):
    assert choose_language(("Tiếng Việt (vi)", "English (en)"), "Tiếng Việt (vi)", wanted) == \
        expected


def test_translations_named_otherwise():
    assert choose_language(("Vietnamese", "English"), "Vietnamese", "en") == "English"
    assert choose_language(("vi", "en"), "vi", "en") == "en"
    assert choose_language((), None, "en") is None


def test_a_form_without_translations_and_pyxform_choices(make_xlsx):
    xml = convert_xlsform(make_xlsx({
        "survey": [["type", "name", "label"], ["select_one yn", "smoke", "Hút thuốc?"]],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "Có"], ["yn", "no", "Không"]],
        "settings": [["form_id", "version"], ["plain", "1"]],
    }), "plain.xlsx").xml
    labels = read_labels(xml, "en")
    assert labels.language is None
    assert labels.question("/data/smoke").label == "Hút thuốc?"
    assert labels.answer_words("/data/smoke", "yes") == "Có"


def test_not_an_xform_is_refused():
    with pytest.raises(FormError) as refused:
        read_labels(b"<data/>", "vi")
    assert refused.value.code == "xform_invalid"
