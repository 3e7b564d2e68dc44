"""parse_instance on instances serialised by the real JavaRosa engine (what Collect submits).

Uses ``tests.support.javarosa_fill`` (JavaRosa from the ODK Validate jar); marked ``java`` and
never skipped: without a JDK these tests fail.
"""

from __future__ import annotations

import pytest

from forms import attachment_names, convert_xlsform, parse_instance, read_xform
from tests.support.javarosa_fill import fill_form

pytestmark = pytest.mark.java

VISIT_FORM = """
| survey |
|        | type          | name   | label    | relevant        |
|        | text          | hh     | Hộ       |                 |
|        | select_one yn | refer  | Chuyển?  |                 |
|        | text          | where  | Nơi nào  | ${refer} = 'yes' |
|        | begin_repeat  | child  | Trẻ      |                 |
|        | text          | name   | Tên      |                 |
|        | image         | photo  | Ảnh      |                 |
|        | end_repeat    |        |          |                 |
| choices |
|         | list_name | name | label |
|         | yn        | yes  | Có    |
|         | yn        | no   | Không |
| settings |
|          | form_id     | version |
|          | child_visit | 5       |
"""


def test_collect_serialisation_with_repeats_and_non_relevant_field():
    xform = convert_xlsform(VISIT_FORM.encode(), "child_visit.md").xml
    answers = {
        "/data/hh": "Nguyễn & Trần <số 7>",
        "/data/refer": "no",
        "/data/child": "3",
        "/data/child[1]/name": "An",
        "/data/child[2]/name": "Bình",
        "/data/child[3]/name": "",
    }

    xml = fill_form(xform, answers)
    parsed = parse_instance(xml)

    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8' ?>")
    assert (parsed.form_id, parsed.version, parsed.root_name) == ("child_visit", "5", "data")
    assert parsed.instance_id.startswith("uuid:")
    assert parsed.value("/data/meta/instanceID") == parsed.instance_id
    assert {k: v for k, v in parsed.values.items() if "meta" not in k} == {
        "/data/hh": "Nguyễn & Trần <số 7>",
        "/data/refer": "no",
        "/data/child/name": "An",
        "/data/child[2]/name": "Bình",
    }
    assert attachment_names(parsed, read_xform(xform).binary_fields) == frozenset()
