"""New labels in one language of an XForm (forms.relabel): only the named texts and the version
change; every other byte of the form stays as it was."""

from __future__ import annotations

from datetime import date

import pytest

from forms import FormError, read_xform
from forms.labels import read_labels
from forms.relabel import next_version, relabel_xform

# itext in two languages; q1 has inline items, q2 and q3 share an itemset over a secondary
# instance labelled through itextId (as pyxform writes them); a plain-label note in between.
XFORM = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"
        xmlns:jr="http://openrosa.org/javarosa" xmlns:sangloc="urn:sangloc">
  <h:head>
    <h:title>Thử &amp; xem</h:title>
    <model>
      <itext>
        <translation lang="Tiếng Việt (vi)" default="true()">
          <text id="/data/q1:label"><value>Câu 1</value></text>
          <text id="/data/q2:label"><value>Câu 2</value></text>
          <text id="/data/q3:label"><value/></text>
          <text id="q1-0"><value>Có</value></text>
          <text id="q1-1"><value>Không</value></text>
          <text id="yn-0"><value>Có</value></text>
          <text id="yn-1"><value>Không</value></text>
        </translation>
        <translation lang="English (en)">
          <text id="/data/q1:label"><value>Item 1</value></text>
          <text id="/data/q2:label"><value>Item 2</value></text>
          <text id="q1-0"><value>Yes</value></text>
          <text id="q1-1"><value>No</value></text>
          <text id="yn-0"><value>Yes</value></text>
          <text id="yn-1"><value>No</value></text>
        </translation>
      </itext>
      <instance>
        <data id="demo" version="2026120101"><q1/><q2/><q3/><meta><instanceID/></meta></data>
      </instance>
      <instance id="yn">
        <root><item><itextId>yn-0</itextId><name>yes</name></item><item><itextId>yn-1</itextId><name>no</name></item></root>
      </instance>
      <bind nodeset="/data/q1" type="string" required="true()" sangloc:item="x.q01"/>
      <bind nodeset="/data/q2" type="string" relevant=" /data/q1 &gt; ''"/>
      <bind nodeset="/data/q3" type="string"/>
    </model>
  </h:head>
  <h:body>
    <select1 ref="/data/q1">
      <label ref="jr:itext('/data/q1:label')"/>
      <item><label ref="jr:itext('q1-0')"/><value>yes</value></item>
      <item><label ref="jr:itext('q1-1')"/><value>no</value></item>
    </select1>
    <select1 ref="/data/q2"><label ref="jr:itext('/data/q2:label')"/>
      <itemset nodeset="instance('yn')/root/item"><value ref="name"/>
        <label ref="jr:itext(itextId)"/></itemset>
    </select1>
    <select1 ref="/data/q3"><label ref="jr:itext('/data/q3:label')"/>
      <itemset nodeset="instance('yn')/root/item"><value ref="name"/>
        <label ref="jr:itext(itextId)"/></itemset>
    </select1>
  </h:body>
</h:html>
"""

# no itext: plain labels, inline items and an itemset with a label column
PLAIN = """<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">
  <h:head><h:title>Plain</h:title><model>
    <instance><data id="plain" version="v7"><a/><b/></data></instance>
    <instance id="abc"><root><item><name>0</name><label>zero</label></item>
      <item><name>1</name><label/></item></root></instance>
    <bind nodeset="/data/a" type="string"/><bind nodeset="/data/b" type="string"/>
  </model></h:head>
  <h:body>
    <select1 ref="/data/a"><label>A?</label><item><label>yes</label><value>y</value></item>
      <item><label>no</label><value>n</value></item></select1>
    <select1 ref="/data/b"><label/>
      <itemset nodeset="instance('abc')/root/item"><value ref="name"/><label ref="label"/>
      </itemset></select1>
  </h:body>
</h:html>
"""


def test_itext_labels_of_one_language_change_and_nothing_else():
    out = relabel_xform(
        XFORM.encode(), "English (en)",
        {"/data/q1": "Does the child <not> point?", "/data/q2": "Second & last"},
        {("/data/q1", "yes"): "Yes, often", ("/data/q1", "no"): "No, never"},
        version="2026120102")
    expected = (XFORM
                .replace("<value>Item 1</value>",
                         "<value>Does the child &lt;not&gt; point?</value>")
                .replace("<value>Item 2</value>", "<value>Second &amp; last</value>")
                .replace("<value>Yes</value></text>\n          <text id=\"q1-1\"><value>No",
                         "<value>Yes, often</value></text>\n          <text id=\"q1-1\">"
                         "<value>No, never")
                .replace('version="2026120101"', 'version="2026120102"'))
    assert out.decode() == expected
    labels = read_labels(out, "en")
    assert labels.questions["/data/q1"].label == "Does the child <not> point?"
    assert dict(labels.questions["/data/q1"].choices) == {"yes": "Yes, often", "no": "No, never"}
    assert read_labels(out, "vi").questions["/data/q1"].label == "Câu 1"  # untouched


def test_a_shared_choice_list_takes_one_text_and_an_empty_value_is_filled():
    out = relabel_xform(
        XFORM.encode(), "Tiếng Việt (vi)", {"/data/q3": "Câu ba"},
        {("/data/q2", "yes"): "Đúng", ("/data/q3", "yes"): "Đúng"}, version="2026120102")
    text = out.decode()
    assert '<text id="/data/q3:label"><value>Câu ba</value></text>' in text
    assert '<text id="yn-0"><value>Đúng</value></text>' in text
    labels = read_labels(out, "vi")
    assert labels.questions["/data/q2"].choices["yes"] == "Đúng"
    assert labels.questions["/data/q3"].choices["yes"] == "Đúng"
    assert read_labels(out, "en").questions["/data/q2"].choices["yes"] == "Yes"


def test_two_texts_for_one_shared_choice_are_refused():
    with pytest.raises(FormError) as caught:
        relabel_xform(XFORM.encode(), "English (en)", {},
                      {("/data/q2", "no"): "No", ("/data/q3", "no"): "Not at all"},
                      version="2026120102")
    assert caught.value.code == "relabel_conflict"
    assert "/data/q2" in caught.value.message and "/data/q3" in caught.value.message
    assert caught.value.field == "/data/q3 = no"


def test_a_text_missing_from_the_language_is_added_to_its_translation():
    out = relabel_xform(XFORM.encode(), "English (en)", {"/data/q3": "Item 3"}, {},
                        version="2026120102")
    assert read_labels(out, "en").questions["/data/q3"].label == "Item 3"
    assert read_labels(out, "vi").questions["/data/q3"].label == ""
    assert out.decode().count('<text id="/data/q3:label">') == 2


def test_binds_values_and_structure_are_unchanged():
    before = read_xform(XFORM.encode())
    after = read_xform(relabel_xform(XFORM.encode(), "English (en)", {"/data/q1": "x"},
                                     {("/data/q2", "no"): "n"}, version="2026120105"))
    assert after.version == "2026120105"
    assert (after.form_id, after.fields, after.languages, after.title) == \
        (before.form_id, before.fields, before.languages, before.title)


def test_plain_labels_when_the_form_has_no_itext():
    out = relabel_xform(PLAIN.encode(), None, {"/data/a": "Á?", "/data/b": "B?"},
                        {("/data/a", "n"): "không", ("/data/b", "1"): "một"}, version="v8")
    text = out.decode()
    assert '<label>Á?</label>' in text and '<label>B?</label>' in text
    assert '<item><label>yes</label><value>y</value></item>' in text
    assert '<item><label>không</label><value>n</value></item>' in text
    assert '<item><name>1</name><label>một</label></item>' in text
    assert 'version="v8"' in text
    labels = read_labels(out, "vi")
    assert dict(labels.questions["/data/b"].choices) == {"0": "zero", "1": "một"}


@pytest.mark.parametrize(("language", "questions", "choices", "code"), [
    ("Deutsch", {"/data/q1": "x"}, {}, "relabel_unknown_slot"),
    (None, {"/data/q1": "x"}, {}, "relabel_unknown_slot"),
    ("English (en)", {"/data/nope": "x"}, {}, "relabel_unknown_slot"),
    ("English (en)", {}, {("/data/q1", "maybe"): "x"}, "relabel_unknown_slot"),
])
def test_a_slot_the_form_does_not_have_is_refused(language, questions, choices, code):
    with pytest.raises(FormError) as caught:
        relabel_xform(XFORM.encode(), language, questions, choices, version="2026120102")
    assert caught.value.code == code


def test_a_form_without_a_version_attribute_is_refused():
    xml = XFORM.replace(' version="2026120101"', "").encode()
    with pytest.raises(FormError) as caught:
        relabel_xform(xml, "English (en)", {"/data/q1": "x"}, {}, version="1")
    assert caught.value.code == "relabel_unknown_slot"


@pytest.mark.parametrize(("current", "taken", "expected"), [
    # digits: today's date yyyymmdd + a 2-digit counter, unless the current one is later
    ("2026010101", (), "2026112501"),
    ("2026112501", (), "2026112502"),
    ("2026120101", (), "2026120102"),  # the bundled forms' version is after today
    ("2026112501", ("2026112502",), "2026112503"),
    ("7", (), "2026112501"),
    # anything else: the current one plus ".yyyymmddNN", which sorts after it as a string
    ("v2", (), "v2.2026112501"),
    ("v2.2026112501", (), "v2.2026112502"),
])
def test_next_version_sorts_after_the_current_one(current, taken, expected):
    assert next_version(current, date(2026, 11, 25), taken) == expected
